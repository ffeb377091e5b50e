"""Rows of the 低收入人口 register and the 防返贫 monitoring in a given village: the monitoring app's scope
factories."""

from __future__ import annotations

from datetime import date

from xiangcun.core.testing import scope_factory
from xiangcun.households.tests.factories import make_household
from xiangcun.monitoring import choices
from xiangcun.monitoring.models import (
    AssistanceMeasure,
    CaseEvent,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    NoticeObjection,
    RiskClue,
    RiskFlag,
)
from xiangcun.regions.models import Region


@scope_factory(RiskFlag)
def make_risk_flag(village: Region) -> RiskFlag:
    return RiskFlag.objects.create(household=make_household(village), computed_on=date(2026, 1, 1), level=2,
                                   signals=[{"code": choices.RiskSignal.BELOW_LINE, "value": "5000"}])



@scope_factory(RiskClue)
def make_clue(village: Region) -> RiskClue:
    return RiskClue.objects.create(household=make_household(village), source=choices.ClueSource.CADRE_CHECK,
                                   signal=choices.RiskSignal.SERIOUS_ILLNESS, description="大病住院")



@scope_factory(MonitoringCase)
def make_case(village: Region, **fields) -> MonitoringCase:
    household = fields.pop("household", None) or make_household(village)
    return MonitoringCase.objects.create(region=household.region, household=household, summary="收入骤降", **fields)



@scope_factory(CaseEvent)
def make_case_event(village: Region) -> CaseEvent:
    return CaseEvent.objects.create(case=make_case(village), action="open", to_state=choices.CaseState.CLUE)



@scope_factory(NoticeObjection)
def make_objection(village: Region) -> NoticeObjection:
    return NoticeObjection.objects.create(case=make_case(village, state=choices.CaseState.NOTICE_PAUSED),
                                          raised_by="村民甲", content="家中有车")



@scope_factory(AssistanceMeasure)
def make_measure(village: Region) -> AssistanceMeasure:
    return AssistanceMeasure.objects.create(case=make_case(village, state=choices.CaseState.ASSISTING),
                                            kind=choices.MeasureKind.EMPLOYMENT, description="公益岗位",
                                            start_date=date(2026, 3, 1), responsible_name="帮扶干部")



@scope_factory(LowIncomeRegistration)
def make_registration(village: Region) -> LowIncomeRegistration:
    return LowIncomeRegistration.objects.create(household=make_household(village),
                                                category=LowIncomeCategory.objects.get(code="edge"),
                                                start_date=date(2026, 1, 1))

