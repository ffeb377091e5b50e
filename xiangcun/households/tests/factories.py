"""Rows of the household registry in a given village: scope factories and helpers for the tests."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from xiangcun.core.testing import scope_factory
from xiangcun.core.validators import id_check_digit
from xiangcun.households import choices
from xiangcun.households.models import (
    AssistanceMeasure,
    CaseEvent,
    Employment,
    House,
    Household,
    IncomeRecord,
    LandParcel,
    LivestockHolding,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    NoticeObjection,
    Person,
    PersonEvent,
    RiskClue,
    RiskFlag,
)
from xiangcun.regions.models import Region

_serial = itertools.count(1)


def make_id_number(birth: date = date(1980, 5, 17), sex: str = "M", region: str = "623023") -> str:
    """A valid 身份证号 (GB 11643 check digit) for the birth date and sex, unique per call."""
    serial = next(_serial) % 500
    order = serial * 2 + (1 if sex == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_digit(first17)


@scope_factory(Household)
def make_household(village: Region, *, head_name: str = "测试户主", members: int = 1) -> Household:
    number = f"{village.code}{next(_serial):04d}"
    household = Household.objects.create(region=village, number=number, head_name=head_name, address="测试地址")
    for index in range(members):
        person = make_person(household, name=head_name if index == 0 else f"成员{index}",
                             relation=choices.Relation.HEAD if index == 0 else choices.Relation.CHILD)
        if index == 0:
            household.head = person
    household.member_count = members
    household.save()
    return household


def make_person(household: Household, *, name: str = "测试成员", birth: date = date(1980, 5, 17), sex: str = "M",
                relation: str = choices.Relation.CHILD, **fields) -> Person:
    return Person.objects.create(household=household, name=name, id_number=make_id_number(birth, sex), sex=sex,
                                 birth_date=birth, relation=relation, **fields)


@scope_factory(Person)
def make_person_in(village: Region) -> Person:
    return make_household(village).members.get()


@scope_factory(PersonEvent)
def make_person_event(village: Region) -> PersonEvent:
    household = make_household(village)
    return PersonEvent.objects.create(household=household, person=household.head,
                                      kind=choices.PersonEventKind.REGISTERED, date=date(2024, 1, 1))


@scope_factory(House)
def make_house(village: Region) -> House:
    return House.objects.create(household=make_household(village), structure=choices.HouseStructure.BRICK_CONCRETE,
                                floors=2, floor_area=Decimal("120"), safety_rating=choices.SafetyRating.B)


@scope_factory(LandParcel)
def make_parcel(village: Region) -> LandParcel:
    return LandParcel.objects.create(household=make_household(village), land_type=choices.LandType.CULTIVATED,
                                     area_mu=Decimal("2.5"), crop="花椒")


@scope_factory(LivestockHolding)
def make_livestock(village: Region) -> LivestockHolding:
    return LivestockHolding.objects.create(household=make_household(village), kind=choices.Livestock.BLACK_PIG,
                                           heads=3)


@scope_factory(IncomeRecord)
def make_income(village: Region) -> IncomeRecord:
    return IncomeRecord.objects.create(household=make_household(village), year=2025, family_size=1,
                                       wage_income=Decimal("12000"))


@scope_factory(Employment)
def make_employment(village: Region) -> Employment:
    return Employment.objects.create(person=make_household(village).head, destination_province="江苏省",
                                     destination_city="苏州市", place=choices.WorkPlace.OUT_PROVINCE,
                                     industry=choices.Industry.MANUFACTURING, start_date=date(2025, 3, 1),
                                     monthly_income=Decimal("4500"), method=choices.CollectionMethod.GRID_WORKER)


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
