"""The case API's steps, one route each (``POST /api/v1/monitoring-cases/{uuid}/{step}/``), and the older generic
``…/transition/`` kept as an alias for outside clients (docs/workflows.md, "One API shape")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.households.tests.factories import make_household
from xiangcun.monitoring import services as monitoring
from xiangcun.monitoring import workflow
from xiangcun.monitoring.api import STEP_BODIES
from xiangcun.monitoring.choices import CaseState
from xiangcun.monitoring.models import MonitoringCase, MonitoringLine
from xiangcun.monitoring.tests.factories import make_case

TODAY = timezone.localdate()
API = "/api/v1/monitoring-cases/"


@pytest.fixture
def line(db):
    return MonitoringLine.objects.create(province_code="62", year=TODAY.year, amount=Decimal("7600"))


def step(client, uuid, name: str, **body):
    return client.post(f"{API}{uuid}/{name}/", body, content_type="application/json")


def test_every_manual_step_of_the_workflow_is_a_route_whose_body_holds_what_the_step_takes():
    assert set(workflow.MANUAL_STEPS) == set(STEP_BODIES)
    for name in workflow.MANUAL_STEPS:
        assert reverse(f"monitoringcase-{name.replace('_', '-')}", args=["u"]) == f"{API}u/{name}/"
        fields = STEP_BODIES[name]().fields
        assert set(fields) - {"comment"} <= monitoring.ACCEPTED_FIELDS.get(name, frozenset()), name
        for required in workflow.REQUIRED_FIELDS.get(name, ()):
            assert fields[required].required, (name, required)


def test_a_case_goes_from_the_clue_to_assistance_one_step_route_at_a_time(tree, client_as, line):
    household = make_household(tree[VILLAGE_A])
    clerk = client_as("village_clerk_a")
    uuid = clerk.post(reverse("monitoringcase-list"), {"household": str(household.uuid), "summary": "大病"},
                      content_type="application/json").json()["uuid"]
    assert step(clerk, uuid, "start_verification", comment="入户").json()["state"] == CaseState.VERIFYING
    consent = step(clerk, uuid, "record_consent_and_verify", consent_signed_on=TODAY.isoformat())
    assert consent.status_code == 200 and consent.json()["consent_signed_on"] == TODAY.isoformat()
    assert step(clerk, uuid, "record_comparison", comparison="比对无异常").json()["state"] == CaseState.DELIBERATION
    notice = step(clerk, uuid, "record_deliberation", deliberation="评议通过", notice_days=7).json()
    assert notice["state"] == CaseState.NOTICE and notice["notice_days"] == 7
    MonitoringCase.objects.filter(uuid=uuid).update(notice_ends_on=TODAY)
    assert step(clerk, uuid, "end_notice").json()["allowed_actions"] == []  # the township's turn
    township = step(client_as("township_officer"), uuid, "township_approve", category="sudden")
    assert township.json()["state"] == CaseState.COUNTY_REVIEW and township.json()["category"] == "sudden"
    assert step(client_as("county_admin"), uuid, "county_approve").json()["state"] == CaseState.ASSISTING
    events = [e["action"] for e in clerk.get(reverse("caseevent-list"), {"case": uuid}).json()["results"]]
    assert events[-3:] == ["end_notice", "township_approve", "county_approve"]


def test_a_step_out_of_turn_without_its_data_or_without_the_permission_is_refused_and_nothing_changes(
        tree, client_as, line):
    case = make_case(tree[VILLAGE_A])
    clerk = client_as("village_clerk_a")
    out_of_turn = step(clerk, case.uuid, "record_comparison", comparison="无异常")
    assert out_of_turn.status_code == 409 and out_of_turn.json()["code"] == "illegal_transition"
    reasonless = step(clerk, case.uuid, "reject", reason="  ")
    assert reasonless.status_code == 400 and reasonless.json()["code"] == "field_required"
    assert reasonless.json()["field"] == "reason"
    undated = step(clerk, case.uuid, "reject")
    assert undated.status_code == 400 and "reason" in undated.json()  # the schema's required field
    step(clerk, case.uuid, "start_verification")
    no_date = step(clerk, case.uuid, "record_consent_and_verify")
    assert no_date.status_code == 400 and "consent_signed_on" in no_date.json()
    bad_date = step(clerk, case.uuid, "record_consent_and_verify", consent_signed_on="明天")
    assert bad_date.status_code == 400 and "consent_signed_on" in bad_date.json()
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING and case.consent_signed_on is None
    MonitoringCase.objects.filter(pk=case.pk).update(state=CaseState.TOWNSHIP_REVIEW)
    not_hers = step(clerk, case.uuid, "township_approve")
    assert not_hers.status_code == 403 and not_hers.json()["code"] == "permission_denied"
    assert step(client_as("village_clerk_b"), case.uuid, "township_approve").status_code == 404
    assert MonitoringCase.objects.get(pk=case.pk).state == CaseState.TOWNSHIP_REVIEW


def test_another_villages_case_is_not_found_on_every_step_route(tree, client_as):
    case = make_case(tree[VILLAGE_B])
    clerk = client_as("village_clerk_a")
    for name in workflow.MANUAL_STEPS:
        assert step(clerk, case.uuid, name).status_code == 404, name
    assert step(clerk, case.uuid, "transition").status_code == 404


def test_the_older_transition_route_still_takes_a_step_as_an_alias(tree, client_as, line):
    case = make_case(tree[VILLAGE_A])
    clerk = client_as("village_clerk_a")
    url = reverse("monitoringcase-transition", args=[case.uuid])
    assert url == f"{API}{case.uuid}/transition/"
    moved = clerk.post(url, {"action": "start_verification", "comment": "入户"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["state"] == CaseState.VERIFYING
    done = clerk.post(url, {"action": "record_consent_and_verify", "fields": {"consent_signed_on": str(TODAY)}},
                      content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == CaseState.COMPARING
    # Both shapes write the same timeline row.
    step(clerk, case.uuid, "record_comparison", comparison="比对无异常")
    assert [event.action for event in case.events.order_by("at", "id")] == [
        "start_verification", "record_consent_and_verify", "record_comparison"]


def test_the_schema_states_each_steps_body_and_marks_the_alias_deprecated(client_as):
    schema = client_as("county_admin").get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for name in workflow.MANUAL_STEPS:
        assert f"{API}{{uuid}}/{name}/" in paths, name
    body = paths[f"{API}{{uuid}}/record_consent_and_verify/"]["post"]["requestBody"]["content"]["application/json"]
    component = body["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "consent_signed_on" in schema["components"]["schemas"][component]["required"]
    assert paths[f"{API}{{uuid}}/transition/"]["post"]["deprecated"] is True
