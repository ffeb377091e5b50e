"""The audit log: the auditor reads and exports it; nobody changes it; young rows are never purged."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from xiangcun.accounts.models import SecurityEvent
from xiangcun.accounts.services import housekeeping_purge, security_event_record


def test_the_auditor_reads_login_events(client_as, personas):
    security_event_record(kind="login_failed", result="failure", username="village_clerk_a")
    page = client_as("auditor").get(reverse("accounts:audit"), {"result": "failure"})
    assert page.status_code == 200
    assert list(page.context["object_list"].values_list("username", flat=True)) == ["village_clerk_a"]


def test_the_data_changes_name_their_action_in_chinese(client_as, personas):
    grid_worker = personas["grid_worker_a"]
    grid_worker.full_name = "王网格"
    grid_worker.save()  # an auditlog "update" entry
    page = client_as("auditor").get(reverse("accounts:audit")).content.decode()
    assert "<td>已修改</td>" in page and "<td>update</td>" not in page  # django-auditlog has no Chinese of its own


@pytest.mark.parametrize("persona", ["county_admin", "township_officer", "village_clerk_a", "dept_staff"])
def test_others_cannot_read_the_audit_log(client_as, persona):
    assert client_as(persona).get(reverse("accounts:audit")).status_code == 403


def test_the_auditor_has_no_permission_to_change_anything(personas):
    perms = personas["auditor"].get_all_permissions()
    assert perms and not [p for p in perms if p.split(".")[1].startswith(("add_", "change_", "delete_"))]


def test_an_export_is_a_csv_and_is_itself_audited(client_as):
    security_event_record(kind="login", username="village_clerk_a")
    response = client_as("auditor").get(reverse("accounts:audit"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "village_clerk_a" in response.content.decode("utf-8-sig")
    assert SecurityEvent.objects.filter(kind="audit_exported", username="auditor").exists()


def test_security_events_cannot_be_changed_or_deleted_through_the_orm(personas):
    event = security_event_record(kind="login", username="x")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.update(username="y")


def test_the_database_refuses_to_change_or_delete_a_young_audit_row(personas):
    event = security_event_record(kind="login", username="x")
    table = SecurityEvent._meta.db_table
    for sql in (f"UPDATE {table} SET username = 'forged' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).username == "x"


def test_data_changes_are_logged_and_young_ones_cannot_be_deleted(personas):
    from auditlog.models import LogEntry

    clerk = personas["village_clerk_a"]
    clerk.full_name = "改名"
    clerk.save()
    entry = LogEntry.objects.get_for_object(clerk).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert "full_name" in entry.changes_dict
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()


def test_housekeeping_purges_only_rows_older_than_the_retention(personas, settings):
    settings.XIANGCUN_AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days still apply
    young = security_event_record(kind="login", username="young")
    old = SecurityEvent.objects.create(kind="login", result="success", username="old",
                                       occurred_at=timezone.now() - timezone.timedelta(days=200))
    counts = housekeeping_purge()
    assert counts["security_events"] == 1
    assert SecurityEvent.objects.filter(pk=young.pk).exists()
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
