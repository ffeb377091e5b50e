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


@pytest.fixture
def village_a(tree):
    return tree["623023103203"]


@pytest.fixture
def grid_a(village_a, personas):
    grid = Grid.objects.create(code="623023103203-01", name="杰迪村一网格", village=village_a)
    grid.workers.add(personas["grid_worker_a"])
    return grid


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
    assert refused.value.code in ("state_changed", "illegal_transition")


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
