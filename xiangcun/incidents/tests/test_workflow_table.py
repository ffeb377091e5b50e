"""The incident loop's transition table, checked exhaustively without a database (DESIGN.md §3)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from xiangcun.core.errors import ServiceError
from xiangcun.core.workflow import transition_for
from xiangcun.incidents import workflow
from xiangcun.incidents.choices import FINISHED_STATES, OPEN_STATES, AssigneeKind, HoldingLevel, State

S = State
D, H, SV, V = workflow.DISPATCH, workflow.HANDLE, workflow.SUPERVISE, workflow.VIEW

# 发现 → 受理 → 分拨 → 处置 → 办结 → 评价, written out edge by edge: (from, action, to, permission).
EXPECTED = {
    (S.REPORTED, "accept", S.ACCEPTED, D),
    (S.REPORTED, "reject", S.REJECTED, D),
    (S.REPORTED, "merge", S.MERGED, D),
    (S.ACCEPTED, "merge", S.MERGED, D),
    (S.ACCEPTED, "dispatch", S.DISPATCHED, D),
    (S.DISPATCHED, "reassign", S.DISPATCHED, D),
    (S.IN_PROGRESS, "reassign", S.DISPATCHED, D),
    (S.DISPATCHED, "start", S.IN_PROGRESS, H),
    (S.DISPATCHED, "send_back", S.ACCEPTED, H),
    (S.DISPATCHED, "resolve", S.RESOLVED, H),
    (S.IN_PROGRESS, "resolve", S.RESOLVED, H),
    (S.RESOLVED, "close", S.CLOSED, D),
    (S.RESOLVED, "rework", S.IN_PROGRESS, D),
    (S.REPORTED, "escalate", S.ACCEPTED, D),
    (S.ACCEPTED, "escalate", S.ACCEPTED, D),
    (S.DISPATCHED, "escalate", S.ACCEPTED, D),
    (S.IN_PROGRESS, "escalate", S.ACCEPTED, D),
    (S.REPORTED, "supervise", S.REPORTED, SV),
    (S.ACCEPTED, "supervise", S.ACCEPTED, SV),
    (S.DISPATCHED, "supervise", S.DISPATCHED, SV),
    (S.IN_PROGRESS, "supervise", S.IN_PROGRESS, SV),
    (S.RESOLVED, "supervise", S.RESOLVED, SV),
    (S.CLOSED, "rate", S.RATED, V),
    (S.CLOSED, "rate_callback", S.RATED, D),
    (S.CLOSED, "reopen", S.DISPATCHED, V),
    (S.RATED, "reopen", S.DISPATCHED, V),
}
ACTIONS = sorted({action for (_state, action) in workflow.TABLE} | {"approve", "delete", "open"})


def test_the_table_holds_exactly_the_loop():
    actual = {(state, action, t.next_state, t.permission) for (state, action), t in workflow.TABLE.items()}
    assert actual == EXPECTED


@pytest.mark.parametrize(("state", "action"), list(itertools.product(list(State), ACTIONS)))
def test_every_state_and_action_is_either_a_step_or_refused_with_a_code(state, action):
    expected = {(s, a): (to, perm) for s, a, to, perm in EXPECTED}
    if (state, action) in expected:
        transition = transition_for(workflow.TABLE, state, action)
        assert (transition.next_state, transition.permission) == expected[(state, action)]
    else:
        with pytest.raises(ServiceError) as refused:
            transition_for(workflow.TABLE, state, action)
        assert refused.value.code == "illegal_transition" and refused.value.status == 409


def test_finished_states_lead_nowhere_but_rating_and_reopening():
    for (state, action) in workflow.TABLE:
        if state in FINISHED_STATES:
            assert state in (S.CLOSED, S.RATED) and action in ("rate", "rate_callback", "reopen")


def test_every_open_state_can_be_supervised_and_every_state_is_reachable():
    assert {state for (state, action) in workflow.TABLE if action == "supervise"} == set(OPEN_STATES)
    reachable, frontier = {S.REPORTED}, [S.REPORTED]
    while frontier:
        state = frontier.pop()
        for (source, _action), transition in workflow.TABLE.items():
            if source == state and transition.next_state not in reachable:
                reachable.add(transition.next_state)
                frontier.append(transition.next_state)
    assert reachable == set(State)


def test_resolving_and_rejecting_need_words_and_internal_steps_stay_internal():
    assert {"reject", "send_back", "rework", "escalate", "supervise"} <= workflow.COMMENT_REQUIRED
    assert "resolve" not in workflow.INTERNAL_ACTIONS and "close" not in workflow.INTERNAL_ACTIONS
    assert "supervise" in workflow.INTERNAL_ACTIONS


def _incident(**fields):
    now = timezone.now()
    defaults = {"state": S.CLOSED, "reporter_id": 7, "closed_at": now - timedelta(days=1),
                "level": HoldingLevel.VILLAGE, "category": SimpleNamespace(reopen_days=7),
                "assignee_kind": AssigneeKind.USER, "assigned_user_id": 3, "supervised": False}
    return SimpleNamespace(**{**defaults, **fields})


def _allows(incident, user_pk: int, action: str) -> bool:
    return workflow.allows(incident, SimpleNamespace(pk=user_pk), workflow.TABLE[(incident.state, action)])


def test_only_the_reporter_rates_and_reopens_and_only_within_the_window():
    assert _allows(_incident(), 7, "rate")
    assert not _allows(_incident(), 8, "rate")
    assert not _allows(_incident(reporter_id=None), 7, "rate")
    assert _allows(_incident(), 7, "reopen")
    assert not _allows(_incident(closed_at=timezone.now() - timedelta(days=8)), 7, "reopen")
    assert _allows(_incident(state=S.RATED), 7, "reopen")


def test_only_the_person_it_was_dispatched_to_handles_it():
    dispatched = _incident(state=S.DISPATCHED)
    assert _allows(dispatched, 3, "start") and _allows(dispatched, 3, "resolve")
    assert not _allows(dispatched, 4, "start") and not _allows(dispatched, 4, "send_back")


def test_a_county_held_incident_cannot_be_escalated_further():
    assert _allows(_incident(state=S.ACCEPTED, level=HoldingLevel.TOWNSHIP), 1, "escalate")
    assert not _allows(_incident(state=S.ACCEPTED, level=HoldingLevel.COUNTY), 1, "escalate")
