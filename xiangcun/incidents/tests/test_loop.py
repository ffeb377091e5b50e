"""The loop through the services: report → accept → dispatch → handle → close → rate, and its refusals."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from xiangcun.core.errors import ServiceError
from xiangcun.incidents import services
from xiangcun.incidents.choices import AssigneeKind, HoldingLevel, State
from xiangcun.incidents.models import Incident
from xiangcun.incidents.tests.factories import category, photo_upload
from xiangcun.regions.models import Grid, Region

pytestmark = pytest.mark.django_db


def report(personas, village, **fields):
    data = services.ReportInput(category=category(fields.pop("category_code", "env-garbage")),
                                description=fields.pop("description", "村口垃圾堆放"), region=village,
                                photos=fields.pop("photos", [photo_upload(exif_gps=True)]), **fields)
    return services.incident_report(actor=personas["villager_a"], data=data).incident


def test_a_villager_report_goes_round_the_loop_to_the_rating(personas, village_a, grid_a):
    incident = report(personas, village_a, grid=grid_a)
    assert incident.state == State.REPORTED and incident.code.startswith("ZQ-")
    assert incident.reporter == personas["villager_a"]
    clerk, worker = personas["village_clerk_a"], personas["grid_worker_a"]
    services.incident_dispatch(actor=clerk, incident=incident)  # the rules: the grid's workers
    assert incident.state == State.DISPATCHED and incident.assignee_kind == AssigneeKind.GRID
    services.incident_start(actor=worker, incident=incident)
    with pytest.raises(ServiceError) as refused:
        services.incident_resolve(actor=worker, incident=incident, result="已清理", photos=[])
    assert refused.value.code == "photo_required"
    services.incident_resolve(actor=worker, incident=incident, result="已清理", photos=[photo_upload()])
    services.incident_close(actor=clerk, incident=incident)
    assert incident.closed_level == HoldingLevel.VILLAGE
    services.incident_rate(actor=personas["villager_a"], incident=incident, rating=5, comment="很快")
    incident.refresh_from_db()
    assert incident.state == State.RATED and incident.rating == 5
    assert list(incident.events.values_list("action", flat=True)) == [
        "create", "accept", "dispatch", "start", "resolve", "close", "rate"]


def test_photos_lose_their_exif_and_get_a_thumbnail(personas, village_a):
    incident = report(personas, village_a)
    photo = incident.photos.get()
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    with Image.open(io.BytesIO(photo.thumbnail.read())) as thumb:
        assert max(thumb.size) <= 320


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(personas, village_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("report.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ServiceError) as refused:
        report(personas, village_a, photos=[fake])
    assert refused.value.code == "photo_rejected" and "report.jpg" in refused.value.message
    assert not Incident.objects.exists()


def test_the_same_client_key_twice_gives_one_incident(personas, village_a):
    first = report(personas, village_a, client_key="k-1")
    second = report(personas, village_a, client_key="k-1")
    assert first.pk == second.pk and Incident.objects.count() == 1


def test_the_second_of_two_dispatchers_is_told_someone_was_faster(personas, village_a, grid_a):
    incident = report(personas, village_a)
    stale = Incident.objects.get(pk=incident.pk)
    services.incident_dispatch(actor=personas["village_clerk_a"], incident=incident)
    with pytest.raises(ServiceError) as refused:
        services.incident_accept(actor=personas["township_officer"], incident=stale)
    assert refused.value.code == "state_changed"  # the stale page still showed 已上报


def test_an_escalated_incident_is_dispatched_by_the_township_not_the_village(personas, village_a, grid_a):
    incident = report(personas, village_a)
    services.incident_escalate(actor=personas["village_clerk_a"], incident=incident, comment="涉及多村")
    assert incident.level == HoldingLevel.TOWNSHIP
    with pytest.raises(ServiceError):
        services.incident_dispatch(actor=personas["village_clerk_a"], incident=incident)
    services.incident_dispatch(actor=personas["township_officer"], incident=incident,
                               assignment=services.Assignment(AssigneeKind.TOWNSHIP,
                                                              region=Region.objects.get(code="623023103")))
    assert incident.state == State.DISPATCHED


def test_a_department_member_handles_what_is_routed_to_the_department(personas, village_a):
    incident = report(personas, village_a)
    department = personas["dept_staff"].departments.get()
    services.incident_dispatch(actor=personas["village_clerk_a"], incident=incident,
                               assignment=services.Assignment(AssigneeKind.DEPARTMENT, department=department))
    with pytest.raises(ServiceError):
        services.incident_start(actor=personas["grid_worker_a"], incident=incident)
    services.incident_start(actor=personas["dept_staff"], incident=incident)
    assert incident.state == State.IN_PROGRESS


# --- refusals, scope and the rules around the steps ------------------------------------------------------------

def test_another_village_cannot_see_or_touch_the_incident(personas, village_a):
    incident = report(personas, village_a, category_code="dispute-family")
    assert not incident.is_public  # disputes are private by default
    clerk_b = personas["village_clerk_b"]
    assert not Incident.objects.restrict(clerk_b, "view").filter(pk=incident.pk).exists()
    with pytest.raises(ServiceError) as refused:
        services.incident_accept(actor=clerk_b, incident=incident)
    assert refused.value.status == 404  # out of scope looks like not found
    with pytest.raises(ServiceError):
        services.fetch_for(clerk_b, incident.code)


def test_not_accepting_needs_a_reason_and_tells_the_reporter(personas, village_a, django_capture_on_commit_callbacks):
    from xiangcun.core.models import Notification

    incident = report(personas, village_a)
    with pytest.raises(ServiceError) as refused:
        services.incident_reject(actor=personas["village_clerk_a"], incident=incident, reason=" ")
    assert refused.value.code == "comment_required"
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_reject(actor=personas["village_clerk_a"], incident=incident, reason="不属于本村事务")
    assert incident.state == State.REJECTED
    told = Notification.objects.filter(recipient=personas["villager_a"], kind="incident_status")
    assert told.filter(data__incident=incident.code).exists()


def test_a_second_report_nearby_is_offered_as_a_duplicate_and_can_be_merged(personas, village_a, grid_a):
    first = report(personas, village_a, lat=33.78, lng=104.37)
    second_result = services.incident_report(actor=personas["villager_a"], data=services.ReportInput(
        category=category("env-garbage"), description="又看到垃圾", region=village_a, lat=33.7803, lng=104.3701))
    far = report(personas, village_a, lat=33.80, lng=104.37)
    assert second_result.possible_duplicate == first
    assert far.possible_duplicate_of is None
    services.incident_merge(actor=personas["village_clerk_a"], incident=second_result.incident, into=first)
    second = Incident.objects.get(pk=second_result.incident.pk)
    assert second.state == State.MERGED and second.duplicate_of == first


def test_gcj02_points_are_stored_in_wgs84_and_placed_in_their_village_and_grid(personas, tree, village_a):
    from xiangcun.core.geo import distance_m, wgs84_to_gcj02

    square = {"type": "Polygon", "coordinates": [[[104.30, 33.70], [104.40, 33.70], [104.40, 33.80],
                                                  [104.30, 33.80], [104.30, 33.70]]]}
    village_a.boundary = square
    village_a.save()
    grid = Grid.objects.create(code="623023103203-09", name="东片", village=village_a, boundary=square)
    true_lat, true_lng = 33.75, 104.35
    gcj_lat, gcj_lng = wgs84_to_gcj02(true_lat, true_lng)
    incident = services.incident_report(actor=personas["villager_a"], data=services.ReportInput(
        category=category(), description="路边垃圾", lat=gcj_lat, lng=gcj_lng, coordinate_system="gcj02")).incident
    assert distance_m(incident.lat, incident.lng, true_lat, true_lng) < 0.5
    assert incident.region == village_a and incident.grid == grid


def test_a_report_outside_every_village_asks_for_the_village(personas, tree):
    with pytest.raises(ServiceError) as refused:
        services.incident_report(actor=personas["villager_a"], data=services.ReportInput(
            category=category(), description="某处", lat=30.0, lng=100.0))
    assert refused.value.code == "no_village" and refused.value.extra["field"] == "region"


def test_supervision_comes_from_above_the_holder(personas, village_a):
    incident = report(personas, village_a)
    with pytest.raises(ServiceError):
        services.incident_supervise(actor=personas["village_clerk_a"], incident=incident, comment="抓紧")
    services.incident_supervise(actor=personas["township_officer"], incident=incident, comment="抓紧办理")
    assert incident.supervised
    escalated = report(personas, village_a)
    services.incident_escalate(actor=personas["village_clerk_a"], incident=escalated, comment="需镇里协调")
    with pytest.raises(ServiceError):  # the township now holds it: it cannot supervise itself
        services.incident_supervise(actor=personas["township_officer"], incident=escalated, comment="抓紧")
    services.incident_supervise(actor=personas["county_admin"], incident=escalated, comment="县里督办")


def test_reopening_goes_back_to_the_same_handler_only_within_the_days(personas, village_a):
    from datetime import timedelta

    from django.utils import timezone

    worker = personas["grid_worker_a"]
    incident = report(personas, village_a)
    services.incident_dispatch(actor=personas["village_clerk_a"], incident=incident,
                               assignment=services.Assignment(AssigneeKind.USER, user=worker))
    services.incident_resolve(actor=worker, incident=incident, result="已清理", photos=[photo_upload()])
    services.incident_close(actor=personas["village_clerk_a"], incident=incident)
    services.incident_reopen(actor=personas["villager_a"], incident=incident, comment="又堆起来了")
    assert incident.state == State.DISPATCHED and incident.assigned_user == worker and incident.reopen_count == 1
    services.incident_resolve(actor=worker, incident=incident, result="再次清理", photos=[photo_upload()])
    services.incident_close(actor=personas["village_clerk_a"], incident=incident)
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=30))
    incident.refresh_from_db()
    with pytest.raises(ServiceError):
        services.incident_reopen(actor=personas["villager_a"], incident=incident, comment="还是不行")


def test_a_low_rating_is_flagged(personas, village_a):
    incident = report(personas, village_a)
    Incident.objects.filter(pk=incident.pk).update(state=State.CLOSED)
    incident.refresh_from_db()
    services.incident_rate(actor=personas["villager_a"], incident=incident, rating=1, comment="没人来")
    assert incident.low_rating and Incident.objects.filter(low_rating=True).count() == 1


def test_an_anonymous_caller_is_kept_with_a_masked_phone(personas, village_a):
    incident = services.incident_report(actor=personas["village_clerk_a"], data=services.ReportInput(
        category=category("road-damage"), description="桥面塌陷", source="hotline", region=village_a,
        reporter_name="来电群众", reporter_phone="13912345678")).incident
    assert incident.reporter is None and incident.masked_reporter_phone == "139****5678"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM incidents_incident WHERE id = %s", [incident.pk])
        assert "13912345678" not in cursor.fetchone()[0]


def test_a_device_alarm_opens_an_incident_in_the_same_loop(personas, village_a, django_capture_on_commit_callbacks):
    from xiangcun.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_report(actor=None, data=services.ReportInput(
            category=category("geohazard"), description="位移监测点 GNSS-07 超阈值", source="device",
            region=village_a, client_key="alarm:gnss-07:rule-3:20261124")).incident
    assert incident.reporter is None and incident.priority == "urgent" and incident.state == State.REPORTED
    again = services.incident_report(actor=None, data=services.ReportInput(
        category=category("geohazard"), description="位移监测点 GNSS-07 超阈值", source="device",
        region=village_a, client_key="alarm:gnss-07:rule-3:20261124"))
    assert not again.created and again.incident.pk == incident.pk  # a repeated alarm does not open a second one
    assert Notification.objects.filter(recipient=personas["village_clerk_a"], kind="incident_reported").exists()


def test_an_internal_note_takes_no_photo_so_none_can_reach_the_reporter(personas, village_a):
    incident = report(personas, village_a)
    with pytest.raises(ServiceError) as refused:
        services.incident_add_note(actor=personas["village_clerk_a"], incident=incident, text="现场有纠纷人员",
                                   photos=[photo_upload()])
    assert refused.value.code == "photo_not_allowed" and incident.photos.count() == 1  # only the report's photo
    services.incident_add_note(actor=personas["village_clerk_a"], incident=incident, text="已联系清运",
                               public=True, photos=[photo_upload()])
    assert incident.photos.count() == 2
