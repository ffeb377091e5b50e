"""The 防返贫 workflow table, checked exhaustively without a database (DESIGN.md §3)."""

from __future__ import annotations

import itertools

import pytest

from xiangcun.core.errors import ServiceError
from xiangcun.core.workflow import transition_for
from xiangcun.monitoring import workflow
from xiangcun.monitoring.choices import CaseKind, CaseState

S = CaseState
V, T, C = workflow.VILLAGE, workflow.TOWNSHIP, workflow.COUNTY

# The workflow as counties run it, written out edge by edge: (from, action, to, permission).
INCLUSION = {
    (S.CLUE, "start_verification", S.VERIFYING, V),
    (S.VERIFYING, "record_consent_and_verify", S.COMPARING, V),
    (S.COMPARING, "record_comparison", S.DELIBERATION, V),
    (S.DELIBERATION, "record_deliberation", S.NOTICE, V),
    (S.NOTICE, "raise_objection", S.NOTICE_PAUSED, V),
    (S.NOTICE_PAUSED, "dismiss_objection", S.NOTICE, V),
    (S.NOTICE_PAUSED, "uphold_objection", S.VERIFYING, V),
    (S.NOTICE, "end_notice", S.TOWNSHIP_REVIEW, V),
    (S.TOWNSHIP_REVIEW, "township_approve", S.COUNTY_REVIEW, T),
    (S.TOWNSHIP_REVIEW, "send_back", S.VERIFYING, T),
    (S.COUNTY_REVIEW, "county_approve", S.ASSISTING, C),
    (S.COUNTY_REVIEW, "send_back", S.VERIFYING, C),
    (S.ASSISTING, "eliminate", S.ELIMINATED, C),
    (S.CLUE, "reject", S.REJECTED, V),
    (S.VERIFYING, "reject", S.REJECTED, V),
    (S.COMPARING, "reject", S.REJECTED, V),
    (S.DELIBERATION, "reject", S.REJECTED, V),
    (S.TOWNSHIP_REVIEW, "reject", S.REJECTED, T),
    (S.COUNTY_REVIEW, "reject", S.REJECTED, C),
}
ELIMINATION = {
    (S.DELIBERATION, "record_deliberation", S.NOTICE, V),
    (S.DELIBERATION, "reject", S.REJECTED, V),
    (S.NOTICE, "raise_objection", S.NOTICE_PAUSED, V),
    (S.NOTICE_PAUSED, "dismiss_objection", S.NOTICE, V),
    (S.NOTICE_PAUSED, "uphold_objection", S.DELIBERATION, V),
    (S.NOTICE, "end_notice", S.TOWNSHIP_REVIEW, V),
    (S.TOWNSHIP_REVIEW, "township_approve", S.COUNTY_REVIEW, T),
    (S.TOWNSHIP_REVIEW, "send_back", S.DELIBERATION, T),
    (S.TOWNSHIP_REVIEW, "reject", S.REJECTED, T),
    (S.COUNTY_REVIEW, "county_approve", S.ELIMINATED, C),
    (S.COUNTY_REVIEW, "send_back", S.DELIBERATION, C),
    (S.COUNTY_REVIEW, "reject", S.REJECTED, C),
}
EXPECTED = {CaseKind.INCLUSION: INCLUSION, CaseKind.ELIMINATION: ELIMINATION}
ACTIONS = sorted({action for table in workflow.TABLES.values() for (_state, action) in table} | {"approve", "open"})


@pytest.mark.parametrize("kind", list(CaseKind))
def test_the_table_holds_exactly_the_workflow_counties_run(kind):
    table = workflow.table_for(kind)
    actual = {(state, action, t.next_state, t.permission) for (state, action), t in table.items()}
    assert actual == EXPECTED[kind]


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_other_state_and_action_is_an_illegal_transition(kind):
    table = workflow.table_for(kind)
    legal = {(state, action) for state, action, _to, _perm in EXPECTED[kind]}
    for state, action in itertools.product(CaseState, ACTIONS):
        if (state, action) in legal:
            assert transition_for(table, state, action) is table[(state, action)]
            continue
        with pytest.raises(ServiceError) as refused:
            transition_for(table, state, action)
        assert refused.value.code == "illegal_transition", (kind, state, action)


@pytest.mark.parametrize("kind", list(CaseKind))
def test_a_decided_case_takes_no_further_step(kind):
    table = workflow.table_for(kind)
    assert not [key for key in table if key[0] in workflow.FINAL_STATES]


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_state_of_a_kind_is_reachable_from_where_it_starts(kind):
    table = workflow.table_for(kind)
    reached, frontier = {workflow.INITIAL_STATE[kind]}, [workflow.INITIAL_STATE[kind]]
    while frontier:
        state = frontier.pop()
        for (source, _action), transition in table.items():
            if source == state and transition.next_state not in reached:
                reached.add(transition.next_state)
                frontier.append(transition.next_state)
    assert reached == {state for key in table for state in (key[0], table[key].next_state)}


def test_only_the_county_decides_and_only_the_township_reviews():
    for table in workflow.TABLES.values():
        for (state, action), transition in table.items():
            if state == S.COUNTY_REVIEW or action == "eliminate":
                assert transition.permission == C
            elif state == S.TOWNSHIP_REVIEW:
                assert transition.permission == T
            else:
                assert transition.permission == V


def test_objection_steps_are_taken_only_through_the_objection_services():
    for table in workflow.TABLES.values():
        hidden = {action for (_s, action), t in table.items() if not t.manual}
        assert hidden <= {"raise_objection", "dismiss_objection", "uphold_objection", "eliminate"}
        assert {"raise_objection", "dismiss_objection", "uphold_objection"} <= hidden


def test_a_rejection_and_a_send_back_need_a_reason():
    assert workflow.REQUIRED_FIELDS["reject"] == ("reason",)
    assert workflow.REQUIRED_FIELDS["send_back"] == ("comment",)
    assert workflow.REQUIRED_FIELDS["record_consent_and_verify"] == ("consent_signed_on",)
