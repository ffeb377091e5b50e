"""The grid worker's inbox (mine, nearby, overdue) and the handling page on the phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xiangcun.incidents import services
from xiangcun.incidents.choices import AssigneeKind, State
from xiangcun.incidents.models import Incident
from xiangcun.incidents.tests.factories import category, make_incident, photo_upload

pytestmark = pytest.mark.django_db

INBOX = "/m/incidents/inbox/"
POINT = (33.7900, 104.3700)


def handle(code: str) -> str:
    return f"/m/incidents/handle/{code}/"


def dispatched(village, **fields) -> Incident:
    return make_incident(village, state=State.DISPATCHED, **fields)


def codes(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"')[0] for part in html.split('data-testid="inbox-row" data-code="')[1:]]


def test_mine_lists_what_was_dispatched_to_me_my_grid_and_my_village(client_as, personas, tree, village_a, grid_a):
    worker = personas["grid_worker_a"]
    to_me = dispatched(village_a, assignee_kind=AssigneeKind.USER, assigned_user=worker)
    to_grid = dispatched(village_a, assignee_kind=AssigneeKind.GRID, grid=grid_a)
    to_village = dispatched(village_a, assignee_kind=AssigneeKind.VILLAGE, assigned_region=village_a)
    to_someone_else = dispatched(village_a, assignee_kind=AssigneeKind.USER,
                                 assigned_user=personas["village_clerk_a"])
    not_yet = make_incident(village_a)
    elsewhere = dispatched(tree["623023102214"], assignee_kind=AssigneeKind.VILLAGE,
                           assigned_region=tree["623023102214"])
    listed = codes(client_as("grid_worker_a").get(INBOX))
    assert set(listed) == {to_me.code, to_grid.code, to_village.code}
    assert to_someone_else.code not in listed and not_yet.code not in listed and elsewhere.code not in listed


def test_nearby_lists_open_incidents_within_two_km_nearest_first(client_as, village_a, tree):
    near = make_incident(village_a, lat=POINT[0] + 0.005, lng=POINT[1])      # about 560 m
    nearer = make_incident(village_a, lat=POINT[0] + 0.001, lng=POINT[1])    # about 110 m
    far = make_incident(village_a, lat=POINT[0] + 0.05, lng=POINT[1])        # about 5.6 km
    closed = make_incident(village_a, lat=POINT[0], lng=POINT[1], state=State.CLOSED)
    other_village = make_incident(tree["623023102214"], lat=POINT[0], lng=POINT[1])
    client = client_as("grid_worker_a")
    assert codes(client.get(INBOX, {"tab": "nearby"})) == []  # no position yet: asks for it
    listed = codes(client.get(INBOX, {"tab": "nearby", "lat": POINT[0], "lng": POINT[1]}))
    assert listed == [nearer.code, near.code]
    assert far.code not in listed and closed.code not in listed and other_village.code not in listed


def test_overdue_lists_late_incidents_i_can_see(client_as, village_a, tree):
    past = timezone.now() - timedelta(hours=3)
    late = make_incident(village_a, stage_deadline=past)
    on_time = make_incident(village_a, stage_deadline=timezone.now() + timedelta(hours=3))
    late_elsewhere = make_incident(tree["623023102214"], stage_deadline=past)
    page = client_as("grid_worker_a").get(INBOX, {"tab": "overdue"})
    assert codes(page) == [late.code]
    assert on_time.code not in codes(page) and late_elsewhere.code not in codes(page)
    assert 'data-testid="overdue"' in page.content.decode()  # stands out


def test_the_inbox_does_not_grow_in_queries_with_rows(client_as, personas, village_a, grid_a):
    client = client_as("grid_worker_a")
    dispatched(village_a, assignee_kind=AssigneeKind.GRID, grid=grid_a)
    client.get(INBOX)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    for _ in range(5):
        dispatched(village_a, assignee_kind=AssigneeKind.GRID, grid=grid_a)
    with CaptureQueriesContext(connection) as many:
        page = client.get(INBOX)
    assert len(codes(page)) == 6 and len(many) == len(few)


def test_a_villager_has_no_inbox(client_as):
    assert client_as("villager_a").get(INBOX).status_code == 404


def test_another_villages_incident_is_not_found_on_the_handle_page(client_as, tree):
    other = dispatched(tree["623023102214"], assignee_kind=AssigneeKind.VILLAGE, assigned_region=tree["623023102214"])
    assert client_as("grid_worker_a").get(handle(other.code)).status_code == 404
    assert client_as("grid_worker_a").post(handle(other.code), {"action": "start"}).status_code == 404
    other.refresh_from_db()
    assert other.state == State.DISPATCHED


def test_the_reporter_cannot_open_the_handle_page_of_her_own_report(client_as, personas, village_a):
    own = make_incident(village_a, reporter=personas["villager_a"])
    assert client_as("villager_a").get(handle(own.code)).status_code == 404


def test_the_worker_starts_and_resolves_with_a_photo(client_as, personas, village_a, grid_a):
    incident = dispatched(village_a, assignee_kind=AssigneeKind.GRID, grid=grid_a)
    client = client_as("grid_worker_a")
    html = client.get(handle(incident.code)).content.decode()
    assert 'data-testid="action-start"' in html and 'data-testid="action-resolve"' in html
    assert client.post(handle(incident.code), {"action": "start"}).status_code == 302
    incident.refresh_from_db()
    assert incident.state == State.IN_PROGRESS
    response = client.post(handle(incident.code), {"action": "resolve", "result": "已清理干净",
                                                   "photos": [photo_upload()]})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == State.RESOLVED and incident.result == "已清理干净"
    assert incident.photos.filter(stage="handling").count() == 1


def test_resolving_without_a_photo_is_refused_and_keeps_the_result(client_as, village_a, grid_a):
    incident = dispatched(village_a, assignee_kind=AssigneeKind.GRID, grid=grid_a)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    client = client_as("grid_worker_a")
    for photos in ([], [fake]):
        page = client.post(handle(incident.code), {"action": "resolve", "result": "已清理", "photos": photos})
        assert page.status_code == 400
        html = page.content.decode()
        assert "已清理</textarea>" in html
        assert html.split('data-testid="error-photos"')[1].split("</div></div>")[0].strip(">")
    incident.refresh_from_db()
    assert incident.state == State.DISPATCHED


def test_someone_not_assigned_sees_no_handling_buttons(client_as, personas, village_a):
    incident = dispatched(village_a, assignee_kind=AssigneeKind.USER, assigned_user=personas["village_clerk_a"])
    client = client_as("grid_worker_a")
    assert 'data-testid="action-start"' not in client.get(handle(incident.code)).content.decode()
    assert client.post(handle(incident.code), {"action": "start"}).status_code in (400, 403)
    incident.refresh_from_db()
    assert incident.state == State.DISPATCHED


def test_send_back_needs_a_reason(client_as, village_a, grid_a):
    incident = dispatched(village_a, assignee_kind=AssigneeKind.GRID, grid=grid_a)
    client = client_as("grid_worker_a")
    assert client.post(handle(incident.code), {"action": "send_back", "back-comment": ""}).status_code == 400
    response = client.post(handle(incident.code), {"action": "send_back", "back-comment": "属于林业站"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == State.ACCEPTED


def test_an_internal_note_shows_to_the_worker_and_not_to_the_reporter(client_as, personas, village_a, grid_a):
    data = services.ReportInput(category=category(), description="垃圾", region=village_a)
    incident = services.incident_report(actor=personas["villager_a"], data=data).incident
    services.incident_dispatch(actor=personas["village_clerk_a"], incident=incident,
                               assignment=services.Assignment(AssigneeKind.GRID, grid=grid_a))
    worker = client_as("grid_worker_a")
    assert worker.post(handle(incident.code), {"action": "note", "text": "需要挖机"}).status_code == 302
    assert "需要挖机" in worker.get(handle(incident.code)).content.decode()
    assert "需要挖机" not in client_as("villager_a").get(f"/m/incidents/mine/{incident.code}/").content.decode()
