"""The monitoring pages and API as people use them: steps as buttons, the declaration phone page, config, register."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.households.tests.factories import make_household, make_person
from xiangcun.monitoring import sections as monitoring_sections
from xiangcun.monitoring import services as monitoring
from xiangcun.monitoring.choices import CaseState, ClueSource, RiskSignal
from xiangcun.monitoring.models import LowIncomeCategory, MonitoringCase, MonitoringLine, RiskClue
from xiangcun.monitoring.tests.factories import make_case

TODAY = timezone.localdate()


@pytest.fixture
def line(db):
    return MonitoringLine.objects.create(province_code="62", year=TODAY.year, amount=Decimal("7600"))


def step(client, case, action, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(reverse("monitoring:case-action", args=[case.uuid, "step"]), data, follow=True)


def test_a_clerk_takes_the_case_through_the_village_steps_with_the_pages_buttons(tree, client_as, line):
    household = make_household(tree[VILLAGE_A], head_name="扎西")
    clerk = client_as("village_clerk_a")
    opened = clerk.post(reverse("monitoring:case-open", args=[household.uuid]),
                        {"summary": "户主大病", "category": LowIncomeCategory.objects.get(code="sudden").pk})
    case = MonitoringCase.objects.get(household=household)
    assert opened.status_code == 302 and opened.url == case.get_absolute_url()
    page = clerk.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="step-start_verification"' in page and "step-township_approve" not in page
    step(clerk, case, "start_verification")
    refused = step(clerk, case, "record_consent_and_verify", consent_signed_on="")
    assert MonitoringCase.objects.get(pk=case.pk).state == CaseState.VERIFYING
    assert "alert-danger" in refused.content.decode()
    step(clerk, case, "record_consent_and_verify", consent_signed_on=TODAY.isoformat())
    step(clerk, case, "record_comparison", comparison="比对无异常")
    step(clerk, case, "record_deliberation", deliberation="评议通过")
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE
    clerk.post(reverse("monitoring:case-action", args=[case.uuid, "objection"]),
               {"raised_by": "村民", "content": "有车"})
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE_PAUSED
    objection = case.objections.get()
    clerk.post(reverse("monitoring:case-action", args=[case.uuid, "resolve"]),
               {"objection": objection.pk, "upheld": "1", "resolution": "属实"})
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING
    timeline = clerk.get(case.get_absolute_url()).content.decode()
    assert timeline.count('data-testid="timeline-row"') == 7


def test_the_township_sees_only_its_own_step_and_the_county_decides(tree, client_as, personas, line):
    case = make_case(tree[VILLAGE_A], state=CaseState.TOWNSHIP_REVIEW,
                     category=LowIncomeCategory.objects.get(code="edge"))
    clerk_page = client_as("village_clerk_a").get(case.get_absolute_url()).content.decode()
    assert "step-township_approve" not in clerk_page
    township = client_as("township_officer")
    assert "step-township_approve" in township.get(case.get_absolute_url()).content.decode()
    step(township, case, "township_approve")
    assert "step-county_approve" not in township.get(case.get_absolute_url()).content.decode()
    step(client_as("county_admin"), case, "county_approve")
    case.refresh_from_db()
    assert case.state == CaseState.ASSISTING
    client_as("village_clerk_a").post(reverse("monitoring:case-action", args=[case.uuid, "measure"]), {
        "kind": "employment", "description": "就业帮扶", "start_date": TODAY.isoformat()})
    assert case.measures.get().responsible == personas["village_clerk_a"]


def test_a_case_of_another_village_is_not_found(tree, client_as):
    case = make_case(tree[VILLAGE_B])
    client = client_as("village_clerk_a")
    assert client.get(case.get_absolute_url()).status_code == 404
    response = client.post(reverse("monitoring:case-action", args=[case.uuid, "step"]),
                           {"action": "start_verification"})
    assert response.status_code == 404
    assert MonitoringCase.objects.get(pk=case.pk).state == CaseState.CLUE


def test_a_villager_declares_a_difficulty_on_the_phone_page(tree, client_as, personas):
    household = make_household(tree[VILLAGE_A])
    make_person(household, name="卓玛", account=personas["villager_a"])
    client = client_as("villager_a")
    page = client.get(reverse("monitoring_mobile:declare"))
    assert page.status_code == 200 and 'data-testid="risk-disaster"' in page.content.decode()
    sent = client.post(reverse("monitoring_mobile:declare"), {"signal": RiskSignal.DISASTER,
                                                              "description": "泥石流冲毁圈舍", "amount": "8000",
                                                              "occurred_on": TODAY.isoformat()})
    assert sent.status_code == 302
    clue = RiskClue.objects.get(household=household)
    assert clue.source == ClueSource.SELF_DECLARATION and clue.amount == Decimal("8000")
    assert 'data-testid="declared"' in client.get(reverse("monitoring_mobile:declare")).content.decode()


def test_a_villager_without_a_household_is_told_to_ask_the_village(client_as):
    page = client_as("villager_a").get(reverse("monitoring_mobile:declare"))
    assert page.status_code == 404 and 'data-testid="not-linked"' in page.content.decode()
    assert client_as("villager_a").post(reverse("monitoring_mobile:declare"), {"signal": "disaster"}).status_code == 404
    assert not RiskClue.objects.exists()


def test_only_county_staff_get_the_configuration_forms(client_as, line):
    township_page = client_as("township_officer").get(reverse("monitoring:config")).content.decode()
    assert 'data-testid="line-form"' not in township_page
    refused = client_as("township_officer").post(reverse("monitoring:config"), {
        "kind": "line", "line-province_code": "62", "line-year": "2030", "line-amount": "9000",
        "line-near_ratio": "1.2", "line-drop_percent": "30", "line-notice_days": "5"})
    assert refused.status_code == 403 and not MonitoringLine.objects.filter(year=2030).exists()
    county = client_as("county_admin")
    assert 'data-testid="line-form"' in county.get(reverse("monitoring:config")).content.decode()
    county.post(reverse("monitoring:config"), {
        "kind": "line", "line-province_code": "62", "line-year": str(TODAY.year), "line-amount": "8000",
        "line-near_ratio": "1.2", "line-drop_percent": "25", "line-notice_days": "7"})
    line.refresh_from_db()
    assert line.amount == Decimal("8000") and line.notice_days == 7


def test_the_register_counts_current_entries_by_type_within_the_users_scope(tree, client_as, personas):
    for village in (VILLAGE_A, VILLAGE_A, VILLAGE_B):
        monitoring.registration_add(actor=None, household=make_household(tree[village]),
                                    category=LowIncomeCategory.objects.get(code="dibao"), start_date=TODAY)
    page = client_as("village_clerk_a").get(reverse("monitoring:register")).content.decode()
    assert 'data-testid="count-dibao">2<' in page
    page = client_as("county_admin").get(reverse("monitoring:register")).content.decode()
    assert 'data-testid="count-dibao">3<' in page


def test_the_case_list_costs_the_same_queries_for_many_rows(tree, client_as):
    client = client_as("county_admin")
    make_case(tree[VILLAGE_A])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("monitoring:case-list"))
    for village in (VILLAGE_A, VILLAGE_B) * 6:
        make_case(tree[village])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("monitoring:case-list")).status_code == 200
    assert len(many) == len(one)


def test_the_dossier_shows_the_households_monitoring(tree, client_as, personas, line):
    monitoring_sections.register()
    household = make_household(tree[VILLAGE_A])
    case = monitoring.case_open(actor=personas["village_clerk_a"], household=household, summary="突发疾病")
    monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="start_verification")
    page = client_as("village_clerk_a").get(household.get_absolute_url()).content.decode()
    assert 'data-testid="dossier-monitoring"' in page and 'data-testid="dossier-timeline"' in page
    assert case.get_absolute_url() in page


def test_the_api_moves_a_case_and_refuses_a_step_out_of_turn(tree, client_as, line):
    household = make_household(tree[VILLAGE_A])
    client = client_as("village_clerk_a")
    created = client.post(reverse("monitoringcase-list"), {"household": str(household.uuid), "summary": "大病"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    uuid = created.json()["uuid"]
    assert created.json()["allowed_actions"] == ["start_verification", "reject"]
    url = reverse("monitoringcase-transition", args=[uuid])
    wrong = client.post(url, {"action": "county_approve"}, content_type="application/json")
    assert wrong.status_code == 409 and wrong.json()["code"] == "illegal_transition"
    moved = client.post(url, {"action": "start_verification", "comment": "入户"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["state"] == CaseState.VERIFYING
    missing = client.post(url, {"action": "record_consent_and_verify"}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "field_required"
    done = client.post(url, {"action": "record_consent_and_verify", "fields": {"consent_signed_on": str(TODAY)}},
                       content_type="application/json")
    assert done.json()["state"] == CaseState.COMPARING
    events = client.get(reverse("caseevent-list")).json()["results"]
    assert [e["action"] for e in events] == ["open", "start_verification", "record_consent_and_verify"]


def test_the_case_api_costs_the_same_queries_for_many_rows(tree, client_as):
    client = client_as("county_admin")
    make_case(tree[VILLAGE_A])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("monitoringcase-list"))
    for village in (VILLAGE_A, VILLAGE_B) * 5:
        make_case(tree[village])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("monitoringcase-list")).status_code == 200
    assert len(many) == len(one)


def test_a_village_clerk_cannot_change_the_county_configuration_through_the_api(client_as, line):
    response = client_as("village_clerk_a").patch(reverse("monitoringline-detail", args=[line.pk]),
                                                  {"amount": "1"}, content_type="application/json")
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.amount == Decimal("7600")
    ok = client_as("county_admin").patch(reverse("monitoringline-detail", args=[line.pk]), {"amount": "7900"},
                                         content_type="application/json")
    assert ok.status_code == 200 and ok.json()["amount"] == "7900.00"


def test_a_villagers_declaration_is_told_to_the_cadres_of_their_village_only(tree, client_as, personas,
                                                                            django_capture_on_commit_callbacks):
    from xiangcun.core.models import Notification

    household = make_household(tree[VILLAGE_A])
    make_person(household, name="卓玛", account=personas["villager_a"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_as("villager_a").post(reverse("monitoring_mobile:declare"), {
            "signal": RiskSignal.SERIOUS_ILLNESS, "description": "丈夫住院"})
    clue = RiskClue.objects.get(household=household)
    told = Notification.objects.filter(kind="risk_clue_declared")
    assert set(told.values_list("recipient__username", flat=True)) >= {"village_clerk_a"}
    assert not told.filter(recipient__username__in=["village_clerk_b", "villager_a"]).exists()
    assert not told.filter(recipient__username="county_admin").exists()  # the village acts on it first
    note = told.get(recipient__username="village_clerk_a")
    assert household.number in note.title and note.url == clue.get_absolute_url()
    assert note.data == {"clue": str(clue.uuid), "household": str(household.uuid)}
    assert callbacks  # the outside channels go after the commit
