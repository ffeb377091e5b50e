"""Rows of the household registry in a given village: scope factories and helpers for the tests."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from xiangcun.core.testing import scope_factory
from xiangcun.core.validators import id_check_digit
from xiangcun.households import choices
from xiangcun.households.models import (
    House,
    Household,
    LandParcel,
    LivestockHolding,
    Person,
    PersonEvent,
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
