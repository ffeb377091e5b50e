"""The incident loop as data (DESIGN.md §3): 已上报 → 已受理 → 已分拨 → 处置中 → 已处置 → 已办结 → 已评价.

``TABLE`` is pure: states, actions, next states and permissions, tested exhaustively without a
database. :func:`allows` adds what a permission in a region cannot say: only the assignee handles,
only the reporter rates or reopens (within the category's days), a county-held incident cannot be
escalated further, supervision comes from above the holder.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.workflow import Transition, TransitionTable
from xiangcun.incidents.choices import AssigneeKind, HoldingLevel, State

DISPATCH = "incidents.dispatch_incident"
HANDLE = "incidents.handle_incident"
SUPERVISE = "incidents.supervise_incident"
VIEW = "view"

_ESCALABLE = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS)
_SUPERVISABLE = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED)

TABLE: TransitionTable = {
    (State.REPORTED, "accept"): Transition(State.ACCEPTED, DISPATCH, _("Accept")),
    (State.REPORTED, "reject"): Transition(State.REJECTED, DISPATCH, _("Do not accept")),
    (State.REPORTED, "merge"): Transition(State.MERGED, DISPATCH, _("Merge as duplicate")),
    (State.ACCEPTED, "merge"): Transition(State.MERGED, DISPATCH, _("Merge as duplicate")),
    (State.ACCEPTED, "dispatch"): Transition(State.DISPATCHED, DISPATCH, _("Dispatch")),
    (State.DISPATCHED, "reassign"): Transition(State.DISPATCHED, DISPATCH, _("Dispatch to someone else")),
    (State.IN_PROGRESS, "reassign"): Transition(State.DISPATCHED, DISPATCH, _("Dispatch to someone else")),
    (State.DISPATCHED, "start"): Transition(State.IN_PROGRESS, HANDLE, _("Start handling")),
    (State.DISPATCHED, "send_back"): Transition(State.ACCEPTED, HANDLE, _("Not ours: send back")),
    (State.DISPATCHED, "resolve"): Transition(State.RESOLVED, HANDLE, _("Report as handled")),
    (State.IN_PROGRESS, "resolve"): Transition(State.RESOLVED, HANDLE, _("Report as handled")),
    (State.RESOLVED, "close"): Transition(State.CLOSED, DISPATCH, _("Close")),
    (State.RESOLVED, "rework"): Transition(State.IN_PROGRESS, DISPATCH, _("Return for more work")),
    **{(state, "escalate"): Transition(State.ACCEPTED, DISPATCH, _("Escalate to the level above"))
       for state in _ESCALABLE},
    **{(state, "supervise"): Transition(state, SUPERVISE, _("Supervise")) for state in _SUPERVISABLE},
    (State.CLOSED, "rate"): Transition(State.RATED, VIEW, _("Rate")),
    (State.CLOSED, "rate_callback"): Transition(State.RATED, DISPATCH, _("Record the rating from a callback")),
    (State.CLOSED, "reopen"): Transition(State.DISPATCHED, VIEW, _("Not solved: reopen")),
    (State.RATED, "reopen"): Transition(State.DISPATCHED, VIEW, _("Not solved: reopen")),
}

# Actions whose timeline row is internal (not shown to the reporter, not a public status change).
INTERNAL_ACTIONS = frozenset({"supervise", "reassign", "send_back", "rework"})
# Actions whose comment is required.
COMMENT_REQUIRED = frozenset({"reject", "send_back", "rework", "escalate", "supervise"})


def reporter_window_open(incident, now=None) -> bool:
    """Whether the reporter may still reopen: within the category's days after closing."""
    if incident.closed_at is None:
        return False
    now = now or timezone.now()
    return now <= incident.closed_at + timedelta(days=incident.category.reopen_days)


def is_assignee(incident, user) -> bool:
    """Whether ``user`` is among the people the incident was dispatched to."""
    kind = incident.assignee_kind
    if kind == AssigneeKind.USER:
        return incident.assigned_user_id == user.pk
    if kind == AssigneeKind.DEPARTMENT:
        return incident.assigned_department_id is not None and \
            incident.assigned_department.members.filter(pk=user.pk).exists()
    if kind == AssigneeKind.GRID:
        return incident.grid_id is not None and incident.grid.workers.filter(pk=user.pk).exists()
    # VILLAGE / TOWNSHIP: anyone holding the handling permission over that office's region
    # (checked by the permission's scope, see Incident.workflow_scope_code).
    return kind in (AssigneeKind.VILLAGE, AssigneeKind.TOWNSHIP)


def supervises_from_above(incident, user) -> bool:
    """Whether the user's supervision reaches the holder from a level above it (督办 comes from above)."""
    from xiangcun.core.scoping import user_scope

    scope = user_scope(user, SUPERVISE)
    holder = incident.holder_code
    return scope.everything or any(holder.startswith(code) and len(code) < len(holder) for code in scope.codes)


def allows(incident, user, transition: Transition) -> bool:
    """The conditions of a step beyond its permission in the region (see the module docstring)."""
    action = next((a for (s, a), t in TABLE.items() if t is transition and s == incident.state), None)
    if action in ("start", "send_back", "resolve"):
        return is_assignee(incident, user)
    if action in ("rate", "reopen"):
        if incident.reporter_id is None or incident.reporter_id != user.pk:
            return False
        return action == "rate" or reporter_window_open(incident)
    if action == "escalate":
        return incident.level != HoldingLevel.COUNTY
    if action == "supervise":
        return not incident.supervised and supervises_from_above(incident, user)
    return True
