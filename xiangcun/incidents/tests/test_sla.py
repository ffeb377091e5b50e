"""The overdue job (services/sla.py): late incidents are marked, chased, supervised or escalated — once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xiangcun.core.models import Notification
from xiangcun.incidents import services, tasks
from xiangcun.incidents.choices import AssigneeKind, HoldingLevel, OverdueAction, State
from xiangcun.incidents.models import Category, Incident
from xiangcun.incidents.tests.factories import make_incident
from xiangcun.regions.models import Grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def late(village, now, *, hours: float = 2, category_code: str = "env-garbage", **fields) -> Incident:
    """An incident whose current step ended ``hours`` ago."""
    return make_incident(village, category_code=category_code, stage_deadline=now - timedelta(hours=hours), **fields)


def rule(code: str, action: str, after_hours: int) -> None:
    Category.objects.filter(code=code).update(overdue_action=action, escalate_after_hours=after_hours)


def titles_of(user) -> list[str]:
    return list(Notification.objects.for_user(user).values_list("kind", flat=True))


def test_a_late_incident_is_marked_once_with_an_internal_event_and_the_dispatchers_are_told(
        personas, village_a, now, django_capture_on_commit_callbacks):
    incident = late(village_a, now)
    on_time = make_incident(village_a, stage_deadline=now + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.incidents_mark_overdue(now=now) == 1
    incident.refresh_from_db()
    assert incident.overdue and incident.overdue_since == now and incident.overdue_count == 1
    assert incident.is_late and not Incident.objects.get(pk=on_time.pk).overdue
    event = incident.events.get(action="overdue")
    assert event.is_public is False and event.actor is None
    assert "incident_overdue" in titles_of(personas["village_clerk_a"])
    assert "incident_overdue" not in titles_of(personas["village_clerk_b"])

    with django_capture_on_commit_callbacks(execute=True):
        assert services.incidents_mark_overdue(now=now + timedelta(minutes=5)) == 0  # idempotent
    incident.refresh_from_db()
    assert incident.overdue_count == 1 and incident.events.filter(action="overdue").count() == 1
    assert titles_of(personas["village_clerk_a"]).count("incident_overdue") == 1


def test_finished_incidents_and_incidents_without_a_clock_are_never_overdue(personas, village_a, now):
    late(village_a, now, state=State.CLOSED)
    late(village_a, now, state=State.REJECTED)
    make_incident(village_a, stage_deadline=None)
    assert services.incidents_mark_overdue(now=now) == 0
    assert not Incident.objects.filter(overdue=True).exists()


def test_the_handler_of_a_dispatched_incident_is_told_it_is_late(personas, village_a, now,
                                                                  django_capture_on_commit_callbacks):
    worker = personas["grid_worker_a"]
    late(village_a, now, state=State.DISPATCHED, assignee_kind=AssigneeKind.USER, assigned_user=worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.incidents_mark_overdue(now=now)
    assert titles_of(worker) == ["incident_overdue"]


def test_a_step_of_the_loop_starts_a_new_clock_and_a_second_delay_counts_again(personas, village_a, now):
    incident = late(village_a, now, hours=10)
    services.incidents_mark_overdue(now=now)
    incident.refresh_from_db()
    services.incident_accept(actor=personas["village_clerk_a"], incident=incident)
    incident.refresh_from_db()
    assert not incident.overdue and incident.stage_deadline > now
    assert services.incidents_mark_overdue(now=incident.stage_deadline + timedelta(minutes=1)) == 1
    incident.refresh_from_db()
    assert incident.overdue and incident.overdue_count == 2


def test_supervise_rule_waits_for_its_hours_then_marks_supervised_and_tells_the_township_once(
        personas, village_a, now, django_capture_on_commit_callbacks):
    rule("env-garbage", OverdueAction.SUPERVISE, 24)
    incident = late(village_a, now, hours=30)
    services.incidents_mark_overdue(now=now - timedelta(hours=20))  # marked 20 hours ago
    assert services.incidents_apply_overdue_rules(now=now - timedelta(hours=1)) == 0  # 19 h < 24 h
    with django_capture_on_commit_callbacks(execute=True):
        assert services.incidents_apply_overdue_rules(now=now + timedelta(hours=5)) == 1
        assert services.incidents_apply_overdue_rules(now=now + timedelta(hours=6)) == 0
    incident.refresh_from_db()
    assert incident.supervised and incident.overdue_acted and incident.level == HoldingLevel.VILLAGE
    assert incident.events.filter(action="supervise", actor=None, is_public=False).count() == 1
    assert titles_of(personas["township_officer"]) == ["incident_supervised"]
    assert "incident_supervised" in titles_of(personas["village_clerk_a"])


def test_escalate_rule_hands_the_incident_to_the_township_by_the_system(personas, village_a, now,
                                                                         django_capture_on_commit_callbacks):
    rule("geohazard", OverdueAction.ESCALATE, 0)
    incident = late(village_a, now, category_code="geohazard", state=State.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.incidents_mark_overdue(now=now)
        assert services.incidents_apply_overdue_rules(now=now) == 1
    incident.refresh_from_db()
    assert incident.level == HoldingLevel.TOWNSHIP and incident.state == State.ACCEPTED
    assert not incident.overdue and incident.overdue_count == 1  # a new holder, a new clock
    escalation = incident.events.get(action="escalate")
    assert escalation.actor is None and escalation.data == {"to_level": HoldingLevel.TOWNSHIP}
    assert "incident_escalated" in titles_of(personas["township_officer"])
    assert services.incidents_apply_overdue_rules(now=now) == 0
    incident.refresh_from_db()
    assert incident.level == HoldingLevel.TOWNSHIP


def test_an_incident_the_county_holds_is_supervised_instead_of_escalated(personas, village_a, now):
    rule("geohazard", OverdueAction.ESCALATE, 0)
    incident = late(village_a, now, category_code="geohazard", level=HoldingLevel.COUNTY)
    services.incidents_mark_overdue(now=now)
    services.incidents_apply_overdue_rules(now=now)
    incident.refresh_from_db()
    assert incident.level == HoldingLevel.COUNTY and incident.supervised


def test_notify_rule_reminds_the_holder_once_more(personas, village_a, now, django_capture_on_commit_callbacks):
    rule("env-garbage", OverdueAction.NOTIFY, 0)
    incident = late(village_a, now)
    with django_capture_on_commit_callbacks(execute=True):
        services.incidents_mark_overdue(now=now)
        services.incidents_apply_overdue_rules(now=now)
        services.incidents_apply_overdue_rules(now=now)
    incident.refresh_from_db()
    assert incident.overdue_acted and not incident.supervised
    assert titles_of(personas["village_clerk_a"]).count("incident_overdue") == 2


def test_a_second_worker_reading_the_same_rows_changes_nothing_more(personas, village_a, now):
    """Two workers read the same overdue row; the one that writes second finds it taken (compare-and-set)."""
    from xiangcun.incidents.services import sla

    rule("geohazard", OverdueAction.ESCALATE, 0)
    incident = late(village_a, now, category_code="geohazard")
    stale = Incident.objects.select_related("region", "category").get(pk=incident.pk)
    assert sla._mark_one(stale, now, sla._Recipients()) == 1
    assert sla._mark_one(stale, now, sla._Recipients()) == 0
    marked = Incident.objects.select_related("region", "category").get(pk=incident.pk)
    second_reader = Incident.objects.select_related("region", "category").get(pk=incident.pk)
    assert sla._act_on(marked, now, sla._Recipients()) == 1
    assert sla._act_on(second_reader, now, sla._Recipients()) == 0
    incident.refresh_from_db()
    assert incident.level == HoldingLevel.TOWNSHIP and incident.events.filter(action="escalate").count() == 1


def test_batches_cover_more_rows_than_one_batch(personas, village_a, now, monkeypatch):
    from xiangcun.incidents.services import sla

    monkeypatch.setattr(sla, "BATCH", 3)
    for _ in range(7):
        late(village_a, now)
    assert services.incidents_mark_overdue(now=now) == 7
    assert Incident.objects.filter(overdue=True).count() == 7


def test_the_periodic_task_runs_both_steps(personas, village_a, now):
    rule("env-garbage", OverdueAction.SUPERVISE, 0)
    late(village_a, now)
    assert tasks.incidents_overdue_sweep.call_local() == {"marked": 1, "acted": 1}
    assert Incident.objects.get().supervised


def test_the_grid_worker_of_a_grid_dispatch_is_among_the_people_told(personas, village_a, now,
                                                                      django_capture_on_commit_callbacks):
    grid = Grid.objects.create(code="623023103203-01", name="杰迪村一网格", village=village_a)
    grid.workers.add(personas["grid_worker_a"])
    late(village_a, now, state=State.IN_PROGRESS, grid=grid, assignee_kind=AssigneeKind.GRID)
    with django_capture_on_commit_callbacks(execute=True):
        services.incidents_mark_overdue(now=now)
    assert titles_of(personas["grid_worker_a"]) == ["incident_overdue"]
