"""The split of households (0004 and the new apps' 0001) on a database that holds rows of the old layout.

The database is taken back to households 0003 (income, work and monitoring still in households), rows are written
there with the models of that state, a role is granted their permissions and their audit log has entries; then
it is migrated forward. Every row, permission, role grant and log entry is still there, under the new app labels.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xiangcun.core.testing import VILLAGE_A, delete_audit_rows
from xiangcun.livelihoods.models import Employment, IncomeRecord
from xiangcun.monitoring.models import CaseEvent, LowIncomeRegistration, MonitoringCase

# Committed rows (migrations run outside a transaction); the migrations' rows come back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("households", "0003_map_indexes"), ("livelihoods", None), ("monitoring", None)]
MOVED = {"incomerecord": "livelihoods", "employment": "livelihoods", "incomerule": "livelihoods",
         "monitoringcase": "monitoring", "caseevent": "monitoring", "lowincomeregistration": "monitoring",
         "lowincomecategory": "monitoring", "riskflag": "monitoring"}


@pytest.fixture(autouse=True)
def _audit_rows_go_first():
    yield
    delete_audit_rows()


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def old_rows(personas) -> dict:
    """Rows written with the models of the old state (everything in households)."""
    old = MigrationExecutor(connection).loader.project_state(BEFORE[0]).apps
    Region = old.get_model("regions", "Region")
    Household = old.get_model("households", "Household")
    Person = old.get_model("households", "Person")
    village = Region.objects.get(code=VILLAGE_A)
    household = Household.objects.create(region=village, number=f"{VILLAGE_A}9001", head_name="迁移户")
    person = Person.objects.create(household=household, name="迁移户", id_number="x", id_number_hash="x",
                                   sex="M", birth_date=date(1980, 1, 1), relation="head")
    income = old.get_model("households", "IncomeRecord").objects.create(
        household=household, year=2025, family_size=1, wage_income=Decimal("9000"), net_income=Decimal("9000"),
        per_capita=Decimal("9000"))
    job = old.get_model("households", "Employment").objects.create(
        person=person, destination_province="江苏省", place="out_province", industry="manufacturing",
        start_date=date(2025, 3, 1), method="grid_worker")
    category = old.get_model("households", "LowIncomeCategory").objects.get(code="edge")
    case = old.get_model("households", "MonitoringCase").objects.create(
        region=village, household=household, category=category, state="assisting", summary="迁移前的案件")
    event = old.get_model("households", "CaseEvent").objects.create(case=case, action="open", to_state="clue")
    registration = old.get_model("households", "LowIncomeRegistration").objects.create(
        household=household, category=category, start_date=date(2025, 6, 1), case=case)
    return {"income": income.pk, "job": job.pk, "case": case.pk, "case_uuid": case.uuid, "event": event.pk,
            "registration": registration.pk}


def test_the_split_keeps_rows_permissions_role_grants_and_log_entries(personas):
    assert ContentType.objects.get_for_model(IncomeRecord).app_label == "livelihoods"
    migrate(BEFORE)
    # Back in the old layout: the content types (and so the permissions) are households' again.
    old_types = {model: ContentType.objects.get(app_label="households", model=model) for model in MOVED}
    assert not ContentType.objects.filter(app_label__in=["livelihoods", "monitoring"]).exists()
    rows = old_rows(personas)
    view_income = Permission.objects.get(content_type=old_types["incomerecord"], codename="view_incomerecord")
    approve = Permission.objects.get(content_type=old_types["monitoringcase"],
                                     codename="approve_county_monitoringcase")
    cadre_group = personas["village_clerk_a"].role_assignments.get().role.group
    assert cadre_group.permissions.filter(pk=view_income.pk).exists()
    county_group = personas["county_admin"].role_assignments.get().role.group
    assert county_group.permissions.filter(pk=approve.pk).exists()
    LogEntry.objects.create(content_type=old_types["incomerecord"], object_pk=str(rows["income"]),
                            object_id=rows["income"], object_repr="2025: 9000", action=LogEntry.Action.CREATE,
                            changes={"year": ["None", "2025"]})
    LogEntry.objects.create(content_type=old_types["monitoringcase"], object_pk=str(rows["case"]),
                            object_id=rows["case"], object_repr="迁移前的案件", action=LogEntry.Action.UPDATE,
                            changes={"state": ["county_review", "assisting"]})

    migrate(latest())

    # The rows, read with today's models from the same tables.
    income = IncomeRecord.objects.get(pk=rows["income"])
    assert income.per_capita == Decimal("9000") and income.household.number == f"{VILLAGE_A}9001"
    assert Employment.objects.get(pk=rows["job"]).destination_province == "江苏省"
    case = MonitoringCase.objects.get(pk=rows["case"])
    assert case.uuid == rows["case_uuid"] and case.summary == "迁移前的案件"
    assert CaseEvent.objects.get(pk=rows["event"]).case == case
    assert LowIncomeRegistration.objects.get(pk=rows["registration"]).case == case
    # The content types moved (same rows, new label), with their permissions and the roles holding them.
    for model, label in MOVED.items():
        content_type = ContentType.objects.get(pk=old_types[model].pk)
        assert content_type.app_label == label, model
        assert not ContentType.objects.filter(app_label="households", model=model).exists()
    assert ContentType.objects.get_for_model(IncomeRecord).pk == old_types["incomerecord"].pk
    assert Permission.objects.get(pk=view_income.pk).content_type.app_label == "livelihoods"
    assert cadre_group.permissions.filter(pk=view_income.pk).exists()
    assert county_group.permissions.filter(pk=approve.pk).exists()
    clerk = type(personas["village_clerk_a"]).objects.get(pk=personas["village_clerk_a"].pk)
    assert clerk.has_perm("livelihoods.view_incomerecord")
    county = type(personas["county_admin"]).objects.get(pk=personas["county_admin"].pk)
    assert county.has_perm("monitoring.approve_county_monitoringcase")
    # The audit log of the rows follows them.
    assert LogEntry.objects.get_for_object(income).get().changes_dict == {"year": ["None", "2025"]}
    assert LogEntry.objects.get_for_object(case).get().object_repr == "迁移前的案件"


def test_a_database_migrated_from_scratch_keeps_the_households_tables(db):
    tables = set(connection.introspection.table_names())
    assert {model._meta.db_table for model in (IncomeRecord, Employment, MonitoringCase, CaseEvent)} <= tables
    assert not [name for name in tables if name.startswith(("livelihoods_", "monitoring_"))]
    assert ContentType.objects.get_for_model(MonitoringCase).app_label == "monitoring"
    assert Permission.objects.filter(content_type__app_label="monitoring",
                                     codename="review_township_monitoringcase").exists()
