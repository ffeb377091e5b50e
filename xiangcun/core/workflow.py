"""Workflows are data plus one function (DESIGN.md §3).

An app describes its state machine as a pure table, ``{(state, action): Transition(next_state, permission)}``
(in its ``workflow.py``, tested without a database), and its services move a record with
:func:`apply_transition`: a compare-and-set ``UPDATE … WHERE pk = … AND state = <old>`` (which also works
on SQLite) plus one immutable timeline row (who, when, from, to, action, comment, data). Two people
pressing a button on the same record at once: the second one updates nothing and is told to reload.

The permission of a step is a model action (``"change"``) or a dotted permission
(``"monitoring.review_township_monitoringcase"``); both are checked in the record's region, the way
``restrict()`` checks a read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.core.scoping import permission_name, user_scope
from xiangcun.core.services import Actor


@dataclass(frozen=True)
class Transition:
    """One allowed step: where it leads and which permission (in the record's region) it needs.

    ``manual=False`` marks a step that another service applies as a consequence (an objection being
    raised, a decision on a linked record): it is legal, but not offered as a button of its own.
    """

    next_state: str
    permission: str
    label: str | Promise = ""
    manual: bool = True


TransitionTable = Mapping[tuple[str, str], Transition]


def actions_from(table: TransitionTable, state: str) -> list[str]:
    """Every action the table allows from ``state``, in the table's order."""
    return [action for (source, action) in table if source == state]


def transition_for(table: TransitionTable, state: str, action: str) -> Transition:
    """The step ``action`` from ``state``, or ``ServiceError(code="illegal_transition")``."""
    transition = table.get((state, action))
    if transition is None:
        raise ServiceError(
            _("This step is not possible in the record's current state; reload the page to see what can be done."),
            code=CoreErrorCode.ILLEGAL_TRANSITION, status=409, state=state, action=action,
        )
    return transition


def _region_code(obj: models.Model) -> str | None:
    """The division code that scopes ``obj``, following its ``scope_code_lookup`` (``region__code``)."""
    lookup = getattr(type(obj), "scope_code_lookup", None)
    if not lookup:
        return None
    value: Any = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return str(value)


def may_perform(user, obj: models.Model, transition: Transition) -> bool:
    """Whether ``user`` holds the step's permission in ``obj``'s region (``None``, the system, may).

    A model may refine this with two optional methods: ``workflow_scope_code(permission)`` names the
    region code the permission must cover (an escalated incident is held by its township, not its
    village), and ``workflow_allows(user, transition)`` adds a condition of its own (only the assignee
    handles an incident; only its reporter rates it).
    """
    if user is None:
        return True
    allows = getattr(obj, "workflow_allows", None)
    if allows is not None and not allows(user, transition):
        return False
    perm = permission_name(type(obj), transition.permission)
    if not user.has_perm(perm):
        return False
    scope = user_scope(user, perm)
    scope_code = getattr(obj, "workflow_scope_code", None)
    code = scope_code(transition.permission) if scope_code is not None else _region_code(obj)
    if scope.everything or (code is not None and scope.covers_code(code)):
        return True
    if scope.own_rows:
        return type(obj)._default_manager.restrict(user, perm).filter(pk=obj.pk).exists()
    return False


def allowed_actions(table: TransitionTable, state: str, user, obj: models.Model, *,
                    manual_only: bool = True) -> list[str]:
    """The actions this user may take on ``obj`` in ``state`` (the buttons a page shows)."""
    return [action for action in actions_from(table, state)
            if (table[(state, action)].manual or not manual_only) and may_perform(user, obj, table[(state, action)])]


def apply_transition(*, table: TransitionTable, obj: models.Model, action: str, actor: Actor,
                     event_model: type[models.Model], event_field: str, comment: str = "", data: dict | None = None,
                     updates: dict | None = None,
                     state_field: str = "state", event_fields: dict | None = None) -> models.Model:
    """Move ``obj`` one step: check the table and the permission, compare-and-set, append the timeline row.

    ``updates`` are further fields written by the same UPDATE (e.g. a decision date); they are also set on
    ``obj``. ``event_fields`` are further columns of the timeline row (e.g. whether it is public). Call
    inside the service's transaction. Returns the new timeline row.
    """
    old = getattr(obj, state_field)
    transition = transition_for(table, old, action)
    if not may_perform(actor, obj, transition):
        raise ServiceError(_("You do not have permission to take this step here."),
                           code=CoreErrorCode.PERMISSION_DENIED, status=403)
    values = {state_field: transition.next_state, **(updates or {})}
    if any(field.name == "updated_at" for field in obj._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    changed = type(obj)._default_manager.filter(pk=obj.pk, **{state_field: old}).update(**values)
    if changed == 0:
        raise ServiceError(_("Someone else changed this record in the meantime; reload the page and try again."),
                           code=CoreErrorCode.STATE_CHANGED, status=409)
    for name, value in values.items():
        setattr(obj, name, value)
    return event_model._default_manager.create(**{event_field: obj}, action=action, from_state=old,
                                               to_state=transition.next_state, actor=actor, comment=comment,
                                               data=data or {}, **(event_fields or {}))
