"""My reports on the phone: only the villager's own, the public timeline only, the rating and "not solved"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xiangcun.accounts.models import RoleAssignment, User
from xiangcun.incidents import services
from xiangcun.incidents.choices import State
from xiangcun.incidents.models import Incident
from xiangcun.incidents.tests.factories import category, make_incident, photo_upload

pytestmark = pytest.mark.django_db

MINE = "/m/incidents/mine/"


@pytest.fixture
def neighbour(personas, village_a):
    """Another villager of 杰迪村 with a report of her own."""
    villager = personas["villager_a"]
    user = User.objects.create_user(username="villager_a_neighbour", password="Test-pass-2026",
                                    must_change_password=False)
    role = villager.role_assignments.get().role
    RoleAssignment.objects.create(user=user, role=role, region=village_a)
    return user


def detail(code: str) -> str:
    return f"/m/incidents/mine/{code}/"


def closed_report(personas, village_a) -> Incident:
    """A report of villager_a taken through the loop to 已办结."""
    data = services.ReportInput(category=category("road-light"), description="路灯不亮", region=village_a)
    incident = services.incident_report(actor=personas["villager_a"], data=data).incident
    clerk = personas["village_clerk_a"]
    services.incident_dispatch(actor=clerk, incident=incident,
                               assignment=services.Assignment("user", user=personas["grid_worker_a"]))
    services.incident_resolve(actor=personas["grid_worker_a"], incident=incident, result="已更换灯泡",
                              photos=[photo_upload()])
    services.incident_add_note(actor=clerk, incident=incident, text="内部：费用走村集体")
    services.incident_close(actor=clerk, incident=incident)
    return incident


def test_a_villager_sees_only_her_own_reports(client_as, personas, village_a, neighbour):
    own = make_incident(village_a, reporter=personas["villager_a"])
    theirs = make_incident(village_a, reporter=neighbour)
    unowned = make_incident(village_a)
    client = client_as("villager_a")
    html = client.get(MINE).content.decode()
    assert own.code in html and theirs.code not in html and unowned.code not in html
    assert client.get(detail(own.code)).status_code == 200
    assert client.get(detail(theirs.code)).status_code == 404
    assert client.get(detail(unowned.code)).status_code == 404


def test_my_reports_list_does_not_grow_in_queries_with_rows(client_as, personas, village_a):
    client = client_as("villager_a")
    make_incident(village_a, reporter=personas["villager_a"])
    client.get(MINE)
    with CaptureQueriesContext(connection) as few:
        client.get(MINE)
    for _ in range(6):
        make_incident(village_a, reporter=personas["villager_a"], category_code="road-light")
    with CaptureQueriesContext(connection) as many:
        page = client.get(MINE)
    assert page.content.decode().count('data-testid="my-report"') == 7
    assert len(many) == len(few)


def test_the_reporter_never_sees_internal_notes(client_as, personas, village_a):
    incident = closed_report(personas, village_a)
    html = client_as("villager_a").get(detail(incident.code)).content.decode()
    assert "已更换灯泡" in html  # the result is public
    assert "费用走村集体" not in html and 'data-internal="1"' not in html
    assert 'data-action="close"' in html and 'data-action="create"' in html


def test_the_reporter_rates_a_closed_report_and_sees_it_rated(client_as, personas, village_a):
    incident = closed_report(personas, village_a)
    client = client_as("villager_a")
    assert 'data-testid="rate-form"' in client.get(detail(incident.code)).content.decode()
    response = client.post(detail(incident.code), {"action": "rate", "rating": "5", "comment": "很快"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == State.RATED and incident.rating == 5 and incident.rating_comment == "很快"
    html = client.get(detail(incident.code)).content.decode()
    assert 'data-testid="rated"' in html and 'data-testid="rate-form"' not in html


def test_a_rating_without_stars_is_refused_and_keeps_the_comment(client_as, personas, village_a):
    incident = closed_report(personas, village_a)
    page = client_as("villager_a").post(detail(incident.code), {"action": "rate", "comment": "还行"})
    assert page.status_code == 400 and "还行" in page.content.decode()
    incident.refresh_from_db()
    assert incident.state == State.CLOSED


def test_the_reporter_reopens_within_the_window_with_a_reason(client_as, personas, village_a):
    incident = closed_report(personas, village_a)
    client = client_as("villager_a")
    refused = client.post(detail(incident.code), {"action": "reopen", "comment": ""})
    assert refused.status_code == 400
    response = client.post(detail(incident.code), {"action": "reopen", "comment": "晚上还是不亮"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == State.DISPATCHED and incident.reopen_count == 1


def test_reopening_is_not_offered_after_the_window(client_as, personas, village_a):
    incident = closed_report(personas, village_a)
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=30))
    client = client_as("villager_a")
    assert 'data-testid="reopen"' not in client.get(detail(incident.code)).content.decode()
    refused = client.post(detail(incident.code), {"action": "reopen", "comment": "还是不亮"})
    assert refused.status_code == 400
    incident.refresh_from_db()
    assert incident.state == State.CLOSED


def test_someone_else_cannot_rate_my_report(client_as, personas, village_a, neighbour):
    incident = closed_report(personas, village_a)
    other = client_as(None)
    other.force_login(neighbour)
    assert other.post(detail(incident.code), {"action": "rate", "rating": "1"}).status_code == 404
    incident.refresh_from_db()
    assert incident.state == State.CLOSED
