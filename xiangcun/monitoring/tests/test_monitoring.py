"""The 防返贫 monitoring workflow through its services: as counties run it, refusals, concurrency, the register."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.households.tests.factories import make_household, make_person
from xiangcun.monitoring import services as monitoring
from xiangcun.monitoring.choices import CaseKind, CaseState, ClueSource, ClueStatus, MeasureKind, RiskSignal
from xiangcun.monitoring.models import (
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    MonitoringLine,
    NoticeObjection,
    RiskClue,
)

TODAY = timezone.localdate()


@pytest.fixture
def line(db):
    return MonitoringLine.objects.create(province_code="62", year=TODAY.year, amount=Decimal("7600"), notice_days=5)


@pytest.fixture
def household(tree):
    return make_household(tree[VILLAGE_A], head_name="扎西", members=3)


def edge() -> LowIncomeCategory:
    return LowIncomeCategory.objects.get(code="edge")


def open_case(personas, household) -> MonitoringCase:
    clue = monitoring.clue_report(actor=personas["village_clerk_a"], household=household,
                                  source=ClueSource.CADRE_CHECK, signal=RiskSignal.SERIOUS_ILLNESS,
                                  description="户主大病住院", amount=Decimal("48000"))
    return monitoring.case_open(actor=personas["village_clerk_a"], household=household, clues=[clue],
                                category=edge())


def to_notice(personas, case) -> MonitoringCase:
    clerk = personas["village_clerk_a"]
    if case.state == CaseState.CLUE:
        monitoring.case_transition(actor=clerk, case=case, action="start_verification", comment="入户")
    monitoring.case_transition(actor=clerk, case=case, action="record_consent_and_verify",
                               consent_signed_on=TODAY, comment="已签承诺授权书")
    monitoring.case_transition(actor=clerk, case=case, action="record_comparison", comparison="无车无房无公职")
    monitoring.case_transition(actor=clerk, case=case, action="record_deliberation", deliberation="评议通过 23/25")
    return case


def pass_notice(personas, case) -> None:
    MonitoringCase.objects.filter(pk=case.pk).update(notice_ends_on=TODAY)  # the notice days have passed
    case.refresh_from_db()
    monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="end_notice")


def to_assisting(personas, household) -> MonitoringCase:
    case = to_notice(personas, open_case(personas, household))
    pass_notice(personas, case)
    monitoring.case_transition(actor=personas["township_officer"], case=case, action="township_approve")
    monitoring.case_transition(actor=personas["county_admin"], case=case, action="county_approve")
    return case


def test_a_risky_household_goes_from_clue_to_assistance_and_enters_the_register(personas, household, line):
    case = open_case(personas, household)
    assert case.state == CaseState.CLUE and case.notice_days == 5
    assert RiskClue.objects.get(household=household).status == ClueStatus.IN_CASE
    to_notice(personas, case)
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE
    assert case.notice_started_on == TODAY and case.notice_ends_on == TODAY + timedelta(days=5)
    assert case.consent_signed_on == TODAY and case.comparison and case.deliberation
    pass_notice(personas, case)
    monitoring.case_transition(actor=personas["township_officer"], case=case, action="township_approve")
    monitoring.case_transition(actor=personas["county_admin"], case=case, action="county_approve")
    case.refresh_from_db()
    assert case.state == CaseState.ASSISTING and case.decided_on == TODAY
    registration = LowIncomeRegistration.objects.get(household=household)
    assert registration.category == edge() and registration.is_current and registration.case == case
    assert "jiance" in set(household.tags.values_list("code", flat=True))
    steps = list(case.events.values_list("action", "from_state", "to_state"))
    assert steps == [
        ("open", "clue", "clue"),
        ("start_verification", "clue", "verifying"),
        ("record_consent_and_verify", "verifying", "comparing"),
        ("record_comparison", "comparing", "deliberation"),
        ("record_deliberation", "deliberation", "notice"),
        ("end_notice", "notice", "township_review"),
        ("township_approve", "township_review", "county_review"),
        ("county_approve", "county_review", "assisting"),
    ]
    approval = case.events.get(action="county_approve")
    assert approval.actor == personas["county_admin"] and approval.at is not None


def test_measures_are_added_to_a_household_under_assistance_and_show_on_the_timeline(personas, household, line):
    case = to_assisting(personas, household)
    clerk = personas["village_clerk_a"]
    measure = monitoring.measure_add(actor=clerk, case=case, kind=MeasureKind.PUBLIC_POST, description="村级保洁公益岗",
                                     start_date=TODAY, responsible=clerk, amount=Decimal("6000"))
    assert measure.responsible_name == personas["village_clerk_a"].full_name
    assert case.events.filter(action="measure_added").exists()
    monitoring.measure_update(actor=personas["village_clerk_a"], measure=measure, status="done",
                              end_date=TODAY + timedelta(days=90))
    measure.refresh_from_db()
    assert measure.status == "done"


def test_a_measure_needs_a_household_under_assistance(personas, household, line):
    case = open_case(personas, household)
    with pytest.raises(ServiceError) as refused:
        monitoring.measure_add(actor=personas["village_clerk_a"], case=case, kind=MeasureKind.EMPLOYMENT,
                               description="技能培训", start_date=TODAY, responsible_name="杨文书")
    assert refused.value.code == "not_assisting"
    assert not case.measures.exists()


def test_an_elimination_ends_the_registration_keeps_its_history_and_removes_the_tag(personas, household, line):
    inclusion = to_assisting(personas, household)
    elimination = monitoring.elimination_open(actor=personas["village_clerk_a"], inclusion_case=inclusion,
                                              reasons="务工收入稳定，人均纯收入高于监测线，风险已消除")
    assert elimination.kind == CaseKind.ELIMINATION and elimination.state == CaseState.DELIBERATION
    monitoring.case_transition(actor=personas["village_clerk_a"], case=elimination, action="record_deliberation",
                               deliberation="评议同意消除")
    pass_notice(personas, elimination)
    monitoring.case_transition(actor=personas["township_officer"], case=elimination, action="township_approve")
    monitoring.case_transition(actor=personas["county_admin"], case=elimination, action="county_approve")
    elimination.refresh_from_db()
    inclusion.refresh_from_db()
    assert elimination.state == CaseState.ELIMINATED and inclusion.state == CaseState.ELIMINATED
    registration = LowIncomeRegistration.objects.get(household=household)
    assert registration.end_date == TODAY and "风险已消除" in registration.end_reason
    assert "jiance" not in set(household.tags.values_list("code", flat=True))
    assert inclusion.events.filter(action="eliminate", to_state=CaseState.ELIMINATED).exists()


def test_an_upheld_objection_sends_the_case_back_and_the_notice_starts_again(personas, household, line):
    case = to_notice(personas, open_case(personas, household))
    objection = monitoring.objection_raise(actor=personas["village_clerk_a"], case=case, raised_by="村民李某",
                                           content="该户有营运车辆")
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE_PAUSED
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="end_notice")
    assert refused.value.code == "illegal_transition"
    monitoring.objection_resolve(actor=personas["village_clerk_a"], objection=objection, upheld=True,
                                 resolution="核实属实，需重新核实收入")
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING and case.notice_ends_on is None
    assert NoticeObjection.objects.get(pk=objection.pk).status == "upheld"
    to_notice(personas, case)
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE and case.notice_ends_on == TODAY + timedelta(days=5)


def test_a_dismissed_objection_resumes_the_notice_extended_by_the_paused_days(personas, household, line):
    case = to_notice(personas, open_case(personas, household))
    objection = monitoring.objection_raise(actor=personas["village_clerk_a"], case=case, raised_by="村民",
                                           content="有异议")
    NoticeObjection.objects.filter(pk=objection.pk).update(created_at=timezone.now() - timedelta(days=2))
    objection.refresh_from_db()
    case.refresh_from_db()
    monitoring.objection_resolve(actor=personas["village_clerk_a"], objection=objection, upheld=False,
                                 resolution="经核实不属实")
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE and case.notice_ends_on == TODAY + timedelta(days=7)


def test_the_notice_cannot_end_before_its_days_are_over(personas, household, line):
    case = to_notice(personas, open_case(personas, household))
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="end_notice")
    assert refused.value.code == "notice_running"
    case.refresh_from_db()
    assert case.state == CaseState.NOTICE


def test_the_nightly_job_moves_expired_notices_to_the_township(personas, household, line):
    case = to_notice(personas, open_case(personas, household))
    assert monitoring.notice_expire_all() == 0
    MonitoringCase.objects.filter(pk=case.pk).update(notice_ends_on=TODAY - timedelta(days=1))
    assert monitoring.notice_expire_all() == 1
    case.refresh_from_db()
    assert case.state == CaseState.TOWNSHIP_REVIEW
    assert case.events.get(action="end_notice").actor is None


def test_a_rejection_needs_a_reason(personas, household, line):
    case = open_case(personas, household)
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="reject", reason="  ")
    assert refused.value.code == "field_required"
    case.refresh_from_db()
    assert case.state == CaseState.CLUE and case.events.count() == 1
    monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="reject",
                               reason="收入高于监测线，不符合纳入条件")
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED and case.reason and case.decided_on == TODAY


def test_verification_needs_the_households_signed_consent(personas, household, line):
    case = open_case(personas, household)
    monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="start_verification")
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="record_consent_and_verify")
    assert refused.value.code == "field_required"
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING and case.consent_signed_on is None


def test_a_village_clerk_cannot_approve_for_the_township(personas, household, line):
    case = to_notice(personas, open_case(personas, household))
    pass_notice(personas, case)
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="township_approve")
    assert refused.value.code == "permission_denied"
    assert MonitoringCase.objects.get(pk=case.pk).state == CaseState.TOWNSHIP_REVIEW


def test_a_township_officer_cannot_decide_for_the_county(personas, household, line):
    case = to_notice(personas, open_case(personas, household))
    pass_notice(personas, case)
    monitoring.case_transition(actor=personas["township_officer"], case=case, action="township_approve")
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["township_officer"], case=case, action="county_approve")
    assert refused.value.code == "permission_denied"
    assert MonitoringCase.objects.get(pk=case.pk).state == CaseState.COUNTY_REVIEW
    assert not LowIncomeRegistration.objects.filter(household=household).exists()


def test_two_people_taking_the_same_step_at_once_cannot_both_succeed(personas, household, line):
    case = open_case(personas, household)
    stale = MonitoringCase.objects.get(pk=case.pk)
    monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="start_verification")
    with pytest.raises(ServiceError) as refused:
        monitoring.case_transition(actor=personas["township_officer"], case=stale, action="start_verification")
    assert refused.value.code == "state_changed"
    assert case.events.filter(action="start_verification").count() == 1


def test_a_case_of_another_village_does_not_exist_for_a_clerk(personas, tree, line):
    other = make_household(tree[VILLAGE_B])
    case = monitoring.case_open(actor=personas["county_admin"], household=other, summary="突发火灾")
    with pytest.raises(OutOfScope):
        monitoring.case_transition(actor=personas["village_clerk_a"], case=case, action="start_verification")
    with pytest.raises(OutOfScope):
        monitoring.case_open(actor=personas["village_clerk_a"], household=make_household(tree[VILLAGE_B]),
                             summary="x")
    assert MonitoringCase.objects.count() == 1
    assert MonitoringCase.objects.get(pk=case.pk).state == CaseState.CLUE


def test_a_household_has_one_open_inclusion_case_at_a_time(personas, household, line):
    open_case(personas, household)
    with pytest.raises(ServiceError) as refused:
        monitoring.case_open(actor=personas["village_clerk_a"], household=household, summary="再次申报")
    assert refused.value.code == "case_exists"
    assert MonitoringCase.objects.filter(household=household).count() == 1


def test_the_register_keeps_each_households_type_over_the_years(personas, household, line):
    first = to_assisting(personas, household)
    LowIncomeRegistration.objects.filter(case=first).update(start_date=date(TODAY.year - 1, 3, 1))
    elimination = monitoring.elimination_open(actor=personas["county_admin"], inclusion_case=first,
                                              reasons="收入稳定")
    monitoring.case_transition(actor=personas["county_admin"], case=elimination, action="record_deliberation",
                               deliberation="同意")
    pass_notice(personas, elimination)
    monitoring.case_transition(actor=personas["county_admin"], case=elimination, action="township_approve")
    monitoring.case_transition(actor=personas["county_admin"], case=elimination, action="county_approve")
    second = monitoring.case_open(actor=personas["village_clerk_a"], household=household,
                                  category=LowIncomeCategory.objects.get(code="sudden"), summary="洪灾房屋损毁")
    to_notice(personas, second)
    pass_notice(personas, second)
    monitoring.case_transition(actor=personas["township_officer"], case=second, action="township_approve")
    monitoring.case_transition(actor=personas["county_admin"], case=second, action="county_approve")
    dibao = monitoring.registration_add(actor=personas["village_clerk_a"], household=household,
                                        category=LowIncomeCategory.objects.get(code="dibao"), start_date=TODAY)
    history = list(household.registrations.order_by("start_date", "id").values_list("category__code", "end_date"))
    assert history == [("edge", TODAY), ("sudden", None), ("dibao", None)]
    assert {"jiance", "dibao"} <= set(household.tags.values_list("code", flat=True))
    monitoring.registration_end(actor=personas["village_clerk_a"], registration=dibao, end_date=TODAY,
                                reason="民政停保")
    assert "dibao" not in set(household.tags.values_list("code", flat=True))


def test_monitoring_types_enter_the_register_only_through_the_workflow(personas, household):
    with pytest.raises(ServiceError) as refused:
        monitoring.registration_add(actor=personas["village_clerk_a"], household=household, category=edge(),
                                    start_date=TODAY)
    assert refused.value.code == "use_workflow"
    assert not LowIncomeRegistration.objects.exists()


def test_a_villager_declares_a_risk_of_their_own_household_only(personas, household, tree):
    make_person(household, name="卓玛", account=personas["villager_a"])
    clue = monitoring.clue_report(actor=personas["villager_a"], household=household, source=ClueSource.CADRE_CHECK,
                                  signal=RiskSignal.LOST_WORK, description="工厂停工失业")
    assert clue.source == ClueSource.SELF_DECLARATION and clue.reported_by == personas["villager_a"]
    neighbour = make_household(tree[VILLAGE_A])
    with pytest.raises(OutOfScope):
        monitoring.clue_report(actor=personas["villager_a"], household=neighbour,
                               source=ClueSource.SELF_DECLARATION, signal=RiskSignal.DISASTER)
    assert not RiskClue.objects.filter(household=neighbour).exists()


def test_only_county_staff_change_the_monitoring_line(personas, db):
    with pytest.raises(ServiceError) as refused:
        monitoring.monitoring_line_save(actor=personas["township_officer"], province_code="62", year=2026,
                                        amount=Decimal("7800"))
    assert refused.value.code == "county_level_required"
    assert not MonitoringLine.objects.exists()
    line = monitoring.monitoring_line_save(actor=personas["county_admin"], province_code="62", year=2026,
                                           amount=Decimal("7800"), notice_days=7)
    assert line.notice_days == 7
