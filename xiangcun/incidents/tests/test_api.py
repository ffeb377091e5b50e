"""The incident API: scope, idempotent reports, the loop through HTTP, refusals with codes, statistics."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.incidents import services
from xiangcun.incidents.api import IncidentViewSet
from xiangcun.incidents.choices import State
from xiangcun.incidents.models import Category, DispatchRule, Incident
from xiangcun.incidents.tests.factories import category, make_incident, photo_upload

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents/"


def report(client, **fields):
    body = {"category": "env-garbage", "description": "村口垃圾堆放", "region": VILLAGE_A, **fields}
    return client.post(API, body, content_type="application/json")


def step(client, code: str, name: str, **body):
    return client.post(f"{API}{code}/{name}/", body, content_type="application/json")


# --- scope ---------------------------------------------------------------------------------------------------


def test_another_villages_clerk_gets_404_for_reading_and_for_every_step(tree, client_as):
    incident = make_incident(tree[VILLAGE_A])
    other = client_as("village_clerk_b")
    assert other.get(f"{API}{incident.code}/").status_code == 404
    for name in ("accept", "events", "photos"):
        method = other.get if name in ("events", "photos") else other.post
        assert method(f"{API}{incident.code}/{name}/").status_code == 404
    assert step(other, incident.code, "reject", reason="不归我管").status_code == 404
    incident.refresh_from_db()
    assert incident.state == State.REPORTED


def test_a_villager_lists_only_their_own_reports(tree, personas, client_as):
    villager = client_as("villager_a")
    mine = report(villager).json()["code"]
    neighbours = make_incident(tree[VILLAGE_A])
    codes = [row["code"] for row in villager.get(API).json()["results"]]
    assert codes == [mine]
    assert villager.get(f"{API}{neighbours.code}/").status_code == 404


def test_a_villager_never_reads_internal_notes_but_the_clerk_does(client_as):
    villager, clerk = client_as("villager_a"), client_as("village_clerk_a")
    code = report(villager).json()["code"]
    assert step(clerk, code, "notes", text="疑似与上周同一户有关").status_code == 201
    assert step(clerk, code, "notes", text="已安排清运", public=True).status_code == 201
    theirs = [e["comment"] for e in villager.get(f"{API}{code}/events/").json()]
    staff = [e["comment"] for e in clerk.get(f"{API}{code}/events/").json()]
    assert "已安排清运" in theirs and "疑似与上周同一户有关" not in theirs
    assert "疑似与上周同一户有关" in staff
    assert step(villager, code, "notes", text="我也写一条").status_code == 403


# --- reporting -------------------------------------------------------------------------------------------------


def test_the_same_client_key_twice_is_one_incident_201_then_200_with_the_same_body(client_as):
    villager = client_as("villager_a")
    first = report(villager, client_key="phone-outbox-1")
    again = report(villager, client_key="phone-outbox-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Incident.objects.count() == 1


def test_the_idempotency_key_header_works_as_client_key(client_as):
    villager = client_as("villager_a")
    body = {"category": "env-garbage", "description": "路灯不亮", "region": VILLAGE_A}
    first = villager.post(API, body, content_type="application/json", headers={"Idempotency-Key": "k-77"})
    again = villager.post(API, body, content_type="application/json", headers={"Idempotency-Key": "k-77"})
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["code"] == again.json()["code"]


def test_a_multipart_report_keeps_its_photos_and_a_bad_photo_is_refused_on_its_field(client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    villager = client_as("villager_a")
    created = villager.post(API, {"category": "env-garbage", "description": "垃圾", "region": VILLAGE_A,
                                  "photos": [photo_upload("a.jpg"), photo_upload("b.jpg")]})
    assert created.status_code == 201
    photos = villager.get(f"{API}{created.json()['code']}/photos/").json()
    assert len(photos) == 2 and photos[0]["thumbnail_url"].startswith("http://testserver/")

    image = villager.get(photos[0]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"
    assert client_as("village_clerk_b").get(photos[0]["thumbnail_url"]).status_code == 404

    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    refused = villager.post(API, {"category": "env-garbage", "description": "垃圾", "region": VILLAGE_A,
                                  "photos": [fake]})
    assert refused.status_code == 400 and refused.json()["code"] == "photo_rejected"
    assert refused.json()["field"] == "photos" and "x.jpg" in refused.json()["detail"]
    assert Incident.objects.count() == 1


def test_a_report_answers_the_masked_phone_never_the_number(client_as):
    created = report(client_as("village_clerk_a"), source="hotline", reporter_name="李四",
                     reporter_phone="13912345678").json()
    assert created["masked_reporter_phone"] == "139****5678"
    assert "13912345678" not in str(created)


def test_a_clerk_cannot_report_in_another_village(client_as):
    refused = report(client_as("village_clerk_b"))
    assert refused.status_code == 404 and not Incident.objects.exists()


def test_a_report_without_a_category_or_words_says_which_field(client_as):
    clerk = client_as("village_clerk_a")
    assert "category" in report(clerk, category="no-such").json()
    empty = report(clerk, description="  ")
    assert empty.status_code == 400 and empty.json()["field"] == "description"


# --- the loop over HTTP ----------------------------------------------------------------------------------------


def test_the_loop_through_the_api_from_report_to_rating(client_as, grid_a):
    villager, clerk, worker = client_as("villager_a"), client_as("village_clerk_a"), client_as("grid_worker_a")
    code = report(villager, grid=grid_a.code).json()["code"]
    detail = clerk.get(f"{API}{code}/").json()
    assert "accept" in detail["actions"] and "dispatch" not in detail["actions"]
    assert step(clerk, code, "accept").json()["state"] == State.ACCEPTED
    dispatched = step(clerk, code, "dispatch", kind="grid", target=grid_a.code).json()
    assert dispatched["state"] == State.DISPATCHED and dispatched["assignee_kind"] == "grid"
    assert "start" in worker.get(f"{API}{code}/").json()["actions"]
    assert step(worker, code, "start").json()["state"] == State.IN_PROGRESS
    no_photo = step(worker, code, "resolve", result="已清运")
    assert no_photo.status_code == 400 and no_photo.json()["code"] == "photo_required"
    resolved = worker.post(f"{API}{code}/resolve/", {"result": "已清运", "photos": [photo_upload()]})
    assert resolved.status_code == 200 and resolved.json()["state"] == State.RESOLVED
    assert step(clerk, code, "close").json()["state"] == State.CLOSED
    rated = step(villager, code, "rate", rating=2, comment="太慢了")
    assert rated.json()["state"] == State.RATED and rated.json()["low_rating"] is True
    assert step(villager, code, "reopen", comment="又堆起来了").json()["state"] == State.DISPATCHED
    actions = [e["action"] for e in clerk.get(f"{API}{code}/events/").json()]
    assert actions == ["create", "accept", "dispatch", "start", "resolve", "close", "rate", "reopen"]


def test_without_a_kind_the_dispatch_rules_decide(tree, client_as):
    incident = make_incident(tree[VILLAGE_A])
    dispatched = step(client_as("village_clerk_a"), incident.code, "dispatch").json()
    assert dispatched["assignee_kind"] == "village" and dispatched["assigned_region"] == VILLAGE_A


def test_steps_that_are_not_allowed_answer_a_code(tree, client_as):
    incident = make_incident(tree[VILLAGE_A])
    clerk = client_as("village_clerk_a")
    illegal = step(clerk, incident.code, "close")
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    not_yours = step(client_as("villager_a"), incident.code, "accept")
    assert not_yours.status_code in (403, 404)
    reasonless = step(clerk, incident.code, "reject", reason="")
    assert reasonless.status_code == 400 and reasonless.json()["code"] == "comment_required"
    unknown = step(clerk, incident.code, "dispatch", kind="user", target="999999")
    assert unknown.status_code == 400 and unknown.json()["field"] == "target"
    assert Incident.objects.get(pk=incident.pk).state == State.REPORTED


def test_two_dispatchers_at_once_one_wins_and_the_other_is_told(tree, personas, client_as, monkeypatch):
    incident = make_incident(tree[VILLAGE_A])
    original = IncidentViewSet.get_object

    def read_then_someone_else_acts(view):
        stale = original(view)  # the page the second dispatcher had open
        services.incident_accept(actor=personas["township_officer"], incident=Incident.objects.get(pk=stale.pk))
        return stale

    monkeypatch.setattr(IncidentViewSet, "get_object", read_then_someone_else_acts)
    late = step(client_as("village_clerk_a"), incident.code, "dispatch", kind="village")
    assert late.status_code == 409 and late.json()["code"] == "state_changed" and late.json()["detail"]
    incident.refresh_from_db()
    assert incident.state == State.ACCEPTED and incident.events.filter(action="dispatch").count() == 0


def test_a_duplicate_is_merged_into_the_open_incident(tree, client_as):
    first, second = make_incident(tree[VILLAGE_A]), make_incident(tree[VILLAGE_A])
    merged = step(client_as("village_clerk_a"), second.code, "merge", into=first.code)
    assert merged.json()["state"] == State.MERGED and merged.json()["duplicate_of"] == first.code
    other = make_incident(tree[VILLAGE_B])
    third = make_incident(tree[VILLAGE_A])
    assert step(client_as("village_clerk_a"), third.code, "merge", into=other.code).status_code == 404


# --- lists, statistics, configuration ------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_for_one_incident_or_many(tree, client_as, grid_a, personas):
    clerk = client_as("village_clerk_a")
    make_incident(tree[VILLAGE_A], grid=grid_a)
    clerk.get(API)
    with CaptureQueriesContext(connection) as few:
        assert len(clerk.get(API).json()["results"]) == 1
    for number in range(12):
        make_incident(tree[VILLAGE_A], grid=grid_a, assigned_user=personas["grid_worker_a"],
                      assigned_region=tree[VILLAGE_A], assignee_kind="user", description=f"第{number}件")
    with CaptureQueriesContext(connection) as many:
        assert len(clerk.get(API).json()["results"]) == 13
    assert len(many) == len(few)


def test_the_list_takes_the_consoles_filters(tree, client_as):
    garbage = make_incident(tree[VILLAGE_A])
    road = make_incident(tree[VILLAGE_A], category_code="road", state=State.CLOSED)
    clerk = client_as("county_admin")
    assert [r["code"] for r in clerk.get(API, {"category": "road"}).json()["results"]] == [road.code]
    assert [r["code"] for r in clerk.get(API, {"open": "true"}).json()["results"]] == [garbage.code]


def test_statistics_count_only_what_the_caller_sees(tree, client_as):
    make_incident(tree[VILLAGE_A])
    make_incident(tree[VILLAGE_A], state=State.CLOSED, closed_level=5)
    make_incident(tree[VILLAGE_B])
    mine = client_as("village_clerk_a").get(f"{API}stats/").json()
    assert mine["received"] == 2 and mine["open"] == 1 and mine["closed"] == 1
    assert client_as("county_admin").get(f"{API}stats/").json()["received"] == 3
    assert client_as("county_admin").get(f"{API}stats/", {"region": VILLAGE_B}).json()["received"] == 1


def test_categories_are_read_by_everyone_and_changed_only_at_county_level(client_as):
    assert "env-garbage" in {c["code"] for c in client_as("villager_a").get(
        "/api/v1/incident-categories/", {"page_size": 1000}).json()["results"]}
    body = {"code": "stray-dogs", "name": "流浪犬", "parent": "env-garbage", "accept_hours": 4, "dispatch_hours": 4,
            "handle_hours": 48, "check_hours": 24}
    refused = client_as("village_clerk_a").post("/api/v1/incident-categories/", body,
                                                 content_type="application/json")
    assert refused.status_code == 403 and not Category.objects.filter(code="stray-dogs").exists()
    created = client_as("county_admin").post("/api/v1/incident-categories/", body, content_type="application/json")
    assert created.status_code == 201 and Category.objects.get(code="stray-dogs").parent.code == "env-garbage"
    changed = client_as("county_admin").patch("/api/v1/incident-categories/stray-dogs/", {"handle_hours": 24},
                                              content_type="application/json")
    assert changed.status_code == 200 and Category.objects.get(code="stray-dogs").handle_hours == 24


def test_a_township_writes_its_dispatch_rules_through_the_api(tree, client_as):
    officer = client_as("township_officer")
    body = {"region": "623023103", "category": "road", "assignee_kind": "township"}
    created = officer.post("/api/v1/dispatch-rules/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert DispatchRule.objects.get().region.code == "623023103"
    elsewhere = officer.post("/api/v1/dispatch-rules/", {**body, "region": "623023102"},
                             content_type="application/json")
    assert elsewhere.status_code == 400 and DispatchRule.objects.count() == 1
    assert category("road").dispatch_rules.count() == 1


def test_the_openapi_schema_documents_the_incident_routes(client_as):
    schema = client_as("county_admin").get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = set(schema.json()["paths"])
    assert {"/api/v1/incidents/", "/api/v1/incidents/{code}/dispatch/", "/api/v1/incidents/stats/",
            "/api/v1/incident-categories/", "/api/v1/dispatch-rules/", "/api/v1/patrols/"} <= paths


def test_answering_a_new_report_costs_no_query_after_the_service(client_as, monkeypatch):
    """The benchmark posts reports as fast as it can: the answer is serialized from what the service loaded."""
    from xiangcun.incidents import api

    villager = client_as("villager_a")
    report(villager, client_key="warm-up")
    original, marks = api.services.incident_report, {}

    def counted(**kwargs):
        result = original(**kwargs)
        marks["after_service"] = len(queries)
        return result

    monkeypatch.setattr(api.services, "incident_report", counted)
    with CaptureQueriesContext(connection) as queries:
        assert report(villager, lat=33.81, lng=104.31).status_code == 201
    assert len(queries) == marks["after_service"]


@pytest.mark.parametrize("route", ["/api/v1/patrols/", "/api/v1/dispatch-rules/", "/api/v1/incident-categories/"])
def test_the_other_lists_cost_the_same_queries_for_one_row_or_many(route, tree, personas, client_as):
    from xiangcun.incidents.tests.factories import make_dispatch_rule, make_patrol

    county = client_as("county_admin")
    worker, village = personas["grid_worker_a"], tree[VILLAGE_A]
    make_patrol(village, worker=worker).incidents.add(make_incident(village))
    make_dispatch_rule(tree["623023103"])
    county.get(route)
    with CaptureQueriesContext(connection) as few:
        county.get(route)
    for code in ("road", "env-sewage", "dispute", "road-light"):
        make_dispatch_rule(tree["623023"], category_code=code)
        patrol = make_patrol(village, worker=worker)
        patrol.incidents.add(make_incident(village), make_incident(village))
    Category.objects.create(code="extra", name="其他2", parent=category("road"))
    with CaptureQueriesContext(connection) as many:
        assert county.get(route).status_code == 200
    assert len(many) == len(few)


# --- one route per step (docs/workflows.md, "One API shape for workflow transitions") ------------------------


def test_every_step_of_the_table_is_a_route_of_its_own_name():
    from django.urls import reverse

    from xiangcun.incidents.workflow import TABLE

    for _state, name in TABLE:
        assert reverse(f"incident-{name.replace('_', '-')}", args=["SJ0000"]) == f"{API}SJ0000/{name}/", name


def test_reassign_sends_a_dispatched_incident_elsewhere_and_is_refused_before_the_first_dispatch(tree, client_as,
                                                                                                grid_a):
    incident = make_incident(tree[VILLAGE_A])
    clerk = client_as("village_clerk_a")
    step(clerk, incident.code, "accept")
    early = step(clerk, incident.code, "reassign", kind="grid", target=grid_a.code)
    assert early.status_code == 409 and early.json()["code"] == "illegal_transition"
    assert Incident.objects.get(pk=incident.pk).state == State.ACCEPTED
    step(clerk, incident.code, "dispatch")
    assert "reassign" in clerk.get(f"{API}{incident.code}/").json()["actions"]
    moved = step(clerk, incident.code, "reassign", kind="grid", target=grid_a.code)
    assert moved.status_code == 200 and moved.json()["assignee_kind"] == "grid"
    assert [e["action"] for e in clerk.get(f"{API}{incident.code}/events/").json()][-1] == "reassign"


def test_a_dispatcher_records_a_callback_rating_on_its_own_route(client_as, grid_a):
    villager, clerk, worker = client_as("villager_a"), client_as("village_clerk_a"), client_as("grid_worker_a")
    code = report(villager, grid=grid_a.code).json()["code"]
    step(clerk, code, "dispatch", kind="grid", target=grid_a.code)
    step(worker, code, "start")
    worker.post(f"{API}{code}/resolve/", {"result": "已清运", "photos": [photo_upload()]})
    step(clerk, code, "close")
    assert "rate_callback" in clerk.get(f"{API}{code}/").json()["actions"]
    rated = step(clerk, code, "rate_callback", rating=4, comment="电话回访满意")
    assert rated.status_code == 200 and rated.json()["state"] == State.RATED
    incident = Incident.objects.get(code=code)
    assert incident.rating == 4 and incident.rated_by_callback
    assert [e["action"] for e in clerk.get(f"{API}{code}/events/").json()][-1] == "rate_callback"
