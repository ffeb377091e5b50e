"""A person's labour ability, when nobody chooses one, follows the age: a child is not ordinary labour force.

The rule (``services.registry.default_labour_ability``): under the working age of 16 a person is 无劳动力
(``LabourAbility.NONE``, the only choice that fits a child); from 16 on, 普通劳动力 until someone records less.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, form_values
from xiangcun.households import choices
from xiangcun.households.services import registry
from xiangcun.households.services.registry import MemberInput
from xiangcun.households.tests.factories import make_household, make_id_number

pytestmark = pytest.mark.django_db


def test_a_newborn_added_on_the_page_without_choosing_is_not_ordinary_labour_force(tree, client_as):
    household = make_household(tree[VILLAGE_A])
    client = client_as("village_clerk_a")
    url = f"/households/{household.uuid}/members/add/"
    values = form_values(client.get(url).content.decode(), "action-form")
    today = timezone.localdate()
    born = date(today.year - 1, 5, 17)
    values.update({"name": "小卓玛", "id_number": make_id_number(born, "F"), "relation": choices.Relation.CHILD,
                   "kind": choices.PersonEventKind.BORN, "date": born.isoformat()})
    assert client.post(url, values).status_code == 302
    baby = household.members.get(name="小卓玛")
    assert baby.labour_ability == choices.LabourAbility.NONE


@pytest.mark.parametrize(("years", "expected"), [
    (0, choices.LabourAbility.NONE), (15, choices.LabourAbility.NONE), (16, choices.LabourAbility.NORMAL),
    (45, choices.LabourAbility.NORMAL)])
def test_the_default_follows_the_persons_age(tree, personas, years, expected):
    household = make_household(tree[VILLAGE_A])
    today = timezone.localdate()
    born = date(today.year - years, 1, 1)  # the birthday of this year is behind: the age is ``years``
    person = registry.person_add(actor=personas["village_clerk_a"], household=household, on=today,
                                 member=MemberInput(name="新成员", id_number=make_id_number(born, "M"),
                                                    relation=choices.Relation.CHILD))
    assert person.labour_ability == expected


def test_a_chosen_labour_ability_is_kept(tree, personas):
    household = make_household(tree[VILLAGE_A])
    person = registry.person_add(actor=personas["village_clerk_a"], household=household,
                                 on=timezone.localdate(),
                                 member=MemberInput(name="病人", id_number=make_id_number(date(1980, 2, 3), "M"),
                                                    relation=choices.Relation.SIBLING,
                                                    labour_ability=choices.LabourAbility.WEAK))
    assert person.labour_ability == choices.LabourAbility.WEAK
