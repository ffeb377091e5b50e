from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    # The categories were in this app when this migration was written (0004 moved them to monitoring in state).
    from xiangcun.households.reference import load_tags
    from xiangcun.monitoring.reference import load_categories

    load_tags(apps.get_model("households", "HouseholdTag"))
    load_categories(apps.get_model("households", "LowIncomeCategory"))


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
