"""Income and 务工 move to ``livelihoods``, the 低收入人口 register and 防返贫 monitoring to ``monitoring`` (issue 11).

No table is renamed and no row is copied: the models leave this app in state only (their tables keep the
``households_`` names through ``Meta.db_table``, and the new apps' 0001 take them over in state only). Their
content types are relabelled, so permissions, role grants and audit log entries follow them.
"""

from django.db import migrations

LIVELIHOODS = ("incomerule", "incomerecord", "employment")
MONITORING = ("lowincomecategory", "monitoringline", "lowincomeregistration", "riskflag", "riskclue", "monitoringcase",
              "caseevent", "noticeobjection", "assistancemeasure")


def _move_content_types(apps, moves: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """Relabel the models' content types, so that their permissions (and the roles and users holding them) and
    their audit log entries follow them. Should a content type of the new label exist already (``post_migrate``
    of an earlier, partial ``migrate``), it gives way to the old one, which holds the grants and the log."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, new_label, models in moves:
        for model in models:
            moved = ContentType.objects.filter(app_label=old_label, model=model).first()
            if moved is None:  # a fresh database: post_migrate creates the content types under the new label
                continue
            ContentType.objects.filter(app_label=new_label, model=model).delete()
            moved.app_label = new_label
            moved.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, [("households", "livelihoods", LIVELIHOODS), ("households", "monitoring", MONITORING)])


def backwards(apps, schema_editor):
    _move_content_types(apps, [("livelihoods", "households", LIVELIHOODS), ("monitoring", "households", MONITORING)])


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('households', '0003_map_indexes'),
    ]

    operations = [
        # The tables stay (db_table in the new apps): the models leave this app in state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='assistancemeasure',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='assistancemeasure',
                    name='responsible',
                ),
                migrations.RemoveField(
                    model_name='caseevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='caseevent',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='employment',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='employment',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='incomerecord',
                    name='household',
                ),
                migrations.DeleteModel(
                    name='IncomeRule',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='lowincomeregistration',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='lowincomeregistration',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='lowincomeregistration',
                    name='household',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='household',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='inclusion',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='opened_by',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='noticeobjection',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='riskclue',
                    name='case',
                ),
                migrations.DeleteModel(
                    name='MonitoringLine',
                ),
                migrations.RemoveField(
                    model_name='noticeobjection',
                    name='resolved_by',
                ),
                migrations.RemoveField(
                    model_name='riskclue',
                    name='household',
                ),
                migrations.RemoveField(
                    model_name='riskclue',
                    name='reported_by',
                ),
                migrations.RemoveField(
                    model_name='riskflag',
                    name='household',
                ),
                migrations.DeleteModel(
                    name='AssistanceMeasure',
                ),
                migrations.DeleteModel(
                    name='CaseEvent',
                ),
                migrations.DeleteModel(
                    name='Employment',
                ),
                migrations.DeleteModel(
                    name='IncomeRecord',
                ),
                migrations.DeleteModel(
                    name='LowIncomeCategory',
                ),
                migrations.DeleteModel(
                    name='LowIncomeRegistration',
                ),
                migrations.DeleteModel(
                    name='MonitoringCase',
                ),
                migrations.DeleteModel(
                    name='NoticeObjection',
                ),
                migrations.DeleteModel(
                    name='RiskClue',
                ),
                migrations.DeleteModel(
                    name='RiskFlag',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
