"""The generic workflow mechanism (DESIGN.md §3), on a toy table, without a database."""

from __future__ import annotations

import pytest

from xiangcun.core.errors import ServiceError
from xiangcun.core.workflow import Transition, actions_from, allowed_actions, transition_for

TOY = {
    ("draft", "submit"): Transition("submitted", "change"),
    ("submitted", "approve"): Transition("approved", "app.approve_thing"),
    ("submitted", "note"): Transition("submitted", "change", manual=False),
}


class Thing:
    """Not a model: the superuser check never reaches the database."""


class Superuser:
    is_superuser = True
    is_authenticated = True
    is_active = True

    def has_perm(self, perm: str) -> bool:
        return True


class Nobody(Superuser):
    is_superuser = False

    def has_perm(self, perm: str) -> bool:
        return False


def test_a_step_in_the_table_says_where_it_leads_and_what_it_needs():
    assert transition_for(TOY, "submitted", "approve") == Transition("approved", "app.approve_thing")


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "unknown"])
@pytest.mark.parametrize("action", ["submit", "approve", "note", "delete"])
def test_every_step_outside_the_table_is_refused_with_a_code(state, action):
    if (state, action) in TOY:
        assert transition_for(TOY, state, action) is TOY[(state, action)]
        return
    with pytest.raises(ServiceError) as refused:
        transition_for(TOY, state, action)
    assert refused.value.code == "illegal_transition"
    assert refused.value.message


def test_the_actions_of_a_state_come_in_the_tables_order():
    assert actions_from(TOY, "submitted") == ["approve", "note"]
    assert actions_from(TOY, "approved") == []


def test_steps_taken_by_other_services_are_not_offered_as_buttons():
    thing = Thing()
    assert allowed_actions(TOY, "submitted", None, thing) == ["approve"]
    assert allowed_actions(TOY, "submitted", None, thing, manual_only=False) == ["approve", "note"]


def test_a_user_without_the_steps_permission_is_offered_nothing():
    assert allowed_actions(TOY, "submitted", Nobody(), Thing()) == []
