"""The demo incidents (demo.py): every state with the timeline it implies, deterministic, seen by the personas."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.db import transaction
from django.utils import timezone
from PIL import Image

from xiangcun.core.models import Notification
from xiangcun.incidents import services
from xiangcun.incidents.choices import OPEN_STATES, AssigneeKind, HoldingLevel, State
from xiangcun.incidents.demo import bench_rows, seed_incidents
from xiangcun.incidents.models import DispatchRule, Incident, IncidentEvent, IncidentPhoto
from xiangcun.regions.models import Grid

pytestmark = pytest.mark.django_db
COUNT = 300
NOW = timezone.now()
AFTER_ACCEPT = {State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.CLOSED, State.RATED}


@pytest.fixture
def grid_a(tree, personas):
    return Grid.objects.create(code="623023103203-01", name="杰迪村一网格", village=tree["623023103203"])


@pytest.fixture
def seeded(personas, tree, grid_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return seed_incidents(county=tree["623023"], count=COUNT, seed=7, now=NOW)


def test_it_makes_the_requested_incidents_in_every_state(seeded):
    assert Incident.objects.count() == COUNT == seeded["incidents"]
    states = set(Incident.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Incident.objects.filter(overdue=True).exists() and Incident.objects.filter(supervised=True).exists()
    assert Incident.objects.filter(level__in=[HoldingLevel.TOWNSHIP, HoldingLevel.COUNTY]).exists()
    assert Incident.objects.filter(state__in=[State.CLOSED, State.RATED]).count() > COUNT / 3


def test_each_state_has_the_timestamps_of_the_steps_before_it(seeded):
    for incident in Incident.objects.all():
        state = incident.state
        assert (incident.accepted_at is not None) == (state in AFTER_ACCEPT), incident.code
        assert (incident.dispatched_at is not None) == (state in AFTER_ACCEPT - {State.ACCEPTED}), incident.code
        assert (incident.resolved_at is not None) == (state in (State.RESOLVED, State.CLOSED, State.RATED))
        assert (incident.closed_at is not None) == (state in (State.CLOSED, State.RATED, State.REJECTED,
                                                              State.MERGED)), incident.code
        assert (incident.rated_at is not None) == (state == State.RATED)
        assert (incident.stage_deadline is not None) == (state in OPEN_STATES)
        stamps = [incident.created_at, incident.accepted_at, incident.dispatched_at, incident.started_at,
                  incident.resolved_at, incident.closed_at, incident.rated_at]
        present = [stamp for stamp in stamps if stamp is not None]
        assert present == sorted(present) and present[-1] <= NOW, incident.code
        if state in (State.CLOSED, State.RATED):
            assert incident.closed_level == incident.level and incident.result
        if state == State.REJECTED:
            assert incident.reject_reason
        if state == State.MERGED:
            assert incident.duplicate_of is not None and incident.duplicate_of.category_id == incident.category_id
        if state in (State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.CLOSED, State.RATED):
            assert incident.assignee_kind in AssigneeKind.values


def test_each_timeline_is_in_order_and_ends_in_the_incidents_state(seeded):
    events: dict[int, list[IncidentEvent]] = {}
    for event in IncidentEvent.objects.order_by("created_at", "id"):
        events.setdefault(event.incident_id, []).append(event)
    for incident in Incident.objects.all():
        timeline = events[incident.pk]
        assert timeline[0].action == "create" and timeline[0].created_at == incident.created_at
        moves = [event for event in timeline if event.to_state]
        assert moves[-1].to_state == incident.state, incident.code
        assert all(event.created_at <= NOW for event in timeline)
        if incident.overdue:
            assert any(event.action == "overdue" for event in timeline)
            assert incident.stage_deadline < NOW and incident.overdue_since >= incident.stage_deadline
        if incident.level != HoldingLevel.VILLAGE:
            assert [e.data["to_level"] for e in timeline if e.action == "escalate"][-1] == incident.level
    internal = IncidentEvent.objects.filter(action__in=["overdue", "supervise", "merged_in"])
    assert internal.exists() and not internal.filter(is_public=True).exists()


def test_ratings_are_mostly_good_and_the_low_ones_are_flagged(seeded):
    ratings = list(Incident.objects.filter(state=State.RATED).values_list("rating", "low_rating"))
    assert ratings and sum(1 for rating, _low in ratings if rating >= 4) >= 0.7 * len(ratings)
    assert any(low for _rating, low in ratings)
    assert all(low == (rating <= 2) for rating, low in ratings)


def test_the_overdue_job_finds_nothing_left_to_do_after_seeding(seeded):
    assert services.incidents_mark_overdue(now=NOW) == 0
    assert services.incidents_apply_overdue_rules(now=NOW) == 0


def test_the_personas_see_their_share(seeded, personas):
    clerk_a = Incident.objects.restrict(personas["village_clerk_a"], "view")
    assert 0 < clerk_a.count() < COUNT
    assert set(clerk_a.values_list("region__code", flat=True)) == {"623023103203"}
    mine = Incident.objects.restrict(personas["villager_a"], "view")
    assert mine.exists() and set(mine.values_list("reporter__username", flat=True)) == {"villager_a"}
    worker = personas["grid_worker_a"]
    assert Incident.objects.filter(assignee_kind__in=[AssigneeKind.GRID, AssigneeKind.USER],
                                   grid__workers=worker).exists()
    assert Notification.objects.for_user(personas["village_clerk_a"]).unread().exists()
    assert Notification.objects.for_user(personas["villager_a"]).exists()


def test_configuration_departments_rules_and_the_grid_worker(seeded, personas, grid_a):
    assert seeded["departments"] == 9
    rules = {rule.category.code: rule for rule in DispatchRule.objects.select_related("category", "department")}
    assert rules["geohazard"].department.name == "县自然资源局"
    assert rules["fire"].department.name == "县林业和草原局"
    assert rules["road"].department.name == "县交通运输局"
    assert rules["dispute"].assignee_kind == AssigneeKind.VILLAGE
    assert personas["grid_worker_a"] in grid_a.workers.all()
    routed = Incident.objects.filter(category__code="geohazard", assignee_kind=AssigneeKind.DEPARTMENT)
    assert all(incident.assigned_department.name == "县自然资源局" for incident in routed)


def test_demo_photos_are_real_jpegs_with_thumbnails(seeded):
    photos = list(IncidentPhoto.objects.all())
    assert photos
    for photo in photos[:5]:
        with Image.open(photo.image.path) as image:
            assert image.format == "JPEG"
        assert photo.thumbnail.name


class _RolledBack(Exception):
    pass


def digest_of_a_run(county, seed: int) -> str:
    result = ""
    try:
        with transaction.atomic():
            seed_incidents(county=county, count=60, seed=seed, now=NOW)
            rows = Incident.objects.order_by("code").values_list(
                "code", "category__code", "state", "region__code", "description", "source", "rating", "level")
            result = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
            raise _RolledBack
    except _RolledBack:
        return result


def test_the_same_seed_gives_the_same_incidents_and_another_seed_others(personas, tree, grid_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = digest_of_a_run(tree["623023"], 7)
    assert not Incident.objects.exists()
    assert digest_of_a_run(tree["623023"], 7) == first
    assert digest_of_a_run(tree["623023"], 8) != first


def test_a_second_run_adds_nothing_and_new_reports_continue_the_days_numbering(seeded, tree, personas):
    assert seed_incidents(county=tree["623023"], count=COUNT, seed=7)["skipped"] == COUNT
    assert Incident.objects.count() == COUNT
    today = Incident.objects.filter(code__startswith=f"ZQ-{timezone.localdate():%Y%m%d}-").count()
    code = services.next_tracking_code()
    assert code.endswith(f"-{today + 1:04d}")


def test_bench_rows_writes_many_incidents_with_unique_codes(personas, tree):
    assert bench_rows(2500, county=tree["623023"]) == 2500
    assert Incident.objects.count() == 2500
    assert Incident.objects.values("code").distinct().count() == 2500
    assert Incident.objects.restrict(personas["village_clerk_a"], "view").exists()


def test_seed_demo_loads_incidents_inside_their_villages_on_the_real_county(db, settings, tmp_path):
    from django.core.management import call_command

    from xiangcun.regions.locating import locate

    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("seed_demo", households=0, incidents=150, seed=5, stdout=out)
    assert Incident.objects.count() == 150 and "incidents:" in out.getvalue()
    assert len(set(Incident.objects.values_list("region__code", flat=True))) > 10
    for incident in Incident.objects.select_related("region", "grid")[:40]:
        village, grid = locate(incident.lat, incident.lng)
        assert village == incident.region, incident.code
        assert incident.grid is None or grid == incident.grid
    assert Incident.objects.filter(state=State.MERGED).exists()
    assert Grid.objects.filter(village__code="623023103203", workers__username="grid_worker_a").exists()
