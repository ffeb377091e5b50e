"""Deadlines that pass (超时): the periodic job marks overdue incidents and applies the category's rule.

Two steps, both run by ``incidents.tasks.incidents_overdue_sweep`` every five minutes and both safe to
run twice or on two workers at once:

1. :func:`incidents_mark_overdue` — an open incident whose current step's deadline has passed is marked
   overdue (a compare-and-set on ``overdue=False`` and the deadline it was read with), gets an internal
   timeline row, and its handlers and dispatchers are told.
2. :func:`incidents_apply_overdue_rules` — an incident overdue for at least the category's
   ``escalate_after_hours`` gets the category's ``overdue_action`` once (``overdue_acted``): 督办 by the
   level above, 上报 to the level above (as ``services.incident_escalate`` does, with the system as the
   actor), or another reminder. An incident that cannot go higher (held by the county, or waiting for
   the check after handling, which escalation does not apply to) is supervised instead.

Any step of the loop starts a new clock (``handling._step`` resets the overdue flags), so a later delay
is counted again (``overdue_count``). Work is done in batches of :data:`BATCH` rows, ordered by id.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.core.notify import Message, notify
from xiangcun.incidents import choices
from xiangcun.incidents.choices import HoldingLevel, OverdueAction, State
from xiangcun.incidents.models import Category, Incident, IncidentEvent
from xiangcun.incidents.services import notifying

BATCH = 200
# States in which the person who is late is a handler (the others wait for a dispatcher).
HANDLING_STATES = (State.DISPATCHED, State.IN_PROGRESS)
_RELATED = ("region", "category", "grid", "assigned_user", "assigned_department", "assigned_region")


class _Recipients:
    """Dispatchers and supervisors by holding region, looked up once per run rather than once per incident."""

    def __init__(self) -> None:
        self._dispatchers: dict[str, list] = {}
        self._supervisors: dict[str, list] = {}

    def dispatchers(self, incident: Incident) -> list:
        code = incident.holder_code
        if code not in self._dispatchers:
            self._dispatchers[code] = notifying.dispatchers_of(incident)
        return self._dispatchers[code]

    def supervisors(self, incident: Incident) -> list:
        code = incident.holder_code
        if code not in self._supervisors:
            self._supervisors[code] = notifying.supervisors_above(incident)
        return self._supervisors[code]


def _message(incident: Incident, kind: str, title: str, body: str = "") -> Message:
    return Message(kind=kind, title=title, body=body or incident.description[:140], url=incident.get_absolute_url(),
                   data={"incident": incident.code, "state": incident.state})


def _stage_label(incident: Incident) -> str:
    stage = choices.STAGE_OF_STATE.get(incident.state)
    return str(choices.Stage(stage).label) if stage else ""


def _batches(queryset):
    """The rows of ``queryset`` in id order, :data:`BATCH` at a time, re-reading each batch fresh."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).select_related(*_RELATED).order_by("pk")[:BATCH])
        if not rows:
            return
        last = rows[-1].pk
        yield rows


# --- step 1: mark ------------------------------------------------------------------------------------------

def incidents_mark_overdue(*, now: datetime | None = None) -> int:
    """Mark the open incidents whose current deadline has passed; returns how many this call marked."""
    now = now or timezone.now()
    due = Incident.objects.filter(state__in=choices.OPEN_STATES, overdue=False, stage_deadline__lt=now)
    recipients = _Recipients()
    marked = 0
    for rows in _batches(due):
        with transaction.atomic():
            for incident in rows:
                marked += _mark_one(incident, now, recipients)
    return marked


def _mark_one(incident: Incident, now: datetime, recipients: _Recipients) -> int:
    won = Incident.objects.filter(pk=incident.pk, state=incident.state, overdue=False,
                                  stage_deadline=incident.stage_deadline).update(
        overdue=True, overdue_since=now, overdue_count=F("overdue_count") + 1, updated_at=now)
    if not won:
        return 0  # another worker, or a step of the loop, got there first
    incident.overdue, incident.overdue_since = True, now
    incident.overdue_count += 1
    stage = _stage_label(incident)
    IncidentEvent.objects.create(
        incident=incident, action=choices.EventKind.OVERDUE, actor=None, is_public=False, created_at=now,
        comment=_("The deadline of the %(stage)s step has passed.") % {"stage": stage},
        data={"state": incident.state, "deadline": incident.stage_deadline.isoformat()})
    title = _("Overdue: %(code)s %(category)s (%(stage)s)") % {
        "code": incident.code, "category": incident.category.name, "stage": stage}
    people = list(recipients.dispatchers(incident))
    if incident.state in HANDLING_STATES:
        people += notifying.handlers_of(incident)
    notify(people, _message(incident, "incident_overdue", title))
    return 1


# --- step 2: the category's rule ------------------------------------------------------------------------------

def incidents_apply_overdue_rules(*, now: datetime | None = None) -> int:
    """Apply each category's overdue rule to incidents overdue long enough; returns how many were acted on."""
    now = now or timezone.now()
    recipients = _Recipients()
    acted = 0
    for category in Category.objects.all():
        waiting = Incident.objects.filter(
            category=category, state__in=choices.OPEN_STATES, overdue=True, overdue_acted=False,
            overdue_since__lte=now - timedelta(hours=category.escalate_after_hours))
        for rows in _batches(waiting):
            for incident in rows:
                acted += _act_on(incident, now, recipients)
    return acted


def _can_escalate(incident: Incident) -> bool:
    return incident.level != HoldingLevel.COUNTY and incident.state not in (State.RESOLVED,)


@transaction.atomic
def _act_on(incident: Incident, now: datetime, recipients: _Recipients) -> int:
    won = Incident.objects.filter(pk=incident.pk, state=incident.state, overdue=True, overdue_acted=False,
                                  overdue_since=incident.overdue_since).update(overdue_acted=True)
    if not won:
        return 0
    incident.overdue_acted = True
    hours = int((now - incident.overdue_since).total_seconds() // 3600)
    rule = incident.category.overdue_action
    if rule == OverdueAction.ESCALATE and _can_escalate(incident):
        _escalate(incident, hours)
    elif rule in (OverdueAction.SUPERVISE, OverdueAction.ESCALATE):
        _supervise(incident, now, hours, recipients)
    else:
        _remind(incident, now, hours, recipients)
    return 1


def _escalate(incident: Incident, hours: int) -> None:
    """上报 by the system: the level above holds it, its dispatchers are told (services.incident_escalate)."""
    from xiangcun.incidents.services.handling import incident_escalate

    incident_escalate(actor=None, incident=incident,
                      comment=_("Escalated automatically: overdue for %(hours)d hours.") % {"hours": hours})


def _supervise(incident: Incident, now: datetime, hours: int, recipients: _Recipients) -> None:
    """督办 by the system: marked as supervised; the level above, the holder and the handlers are told."""
    comment = _("Supervised automatically: overdue for %(hours)d hours.") % {"hours": hours}
    if not incident.supervised:
        Incident.objects.filter(pk=incident.pk).update(supervised=True, supervised_at=now)
        incident.supervised, incident.supervised_at = True, now
    IncidentEvent.objects.create(incident=incident, action=choices.EventKind.SUPERVISE, actor=None, is_public=False,
                                 comment=comment, created_at=now, data={"rule": OverdueAction.SUPERVISE.value})
    title = _("Supervised: %(code)s is overdue") % {"code": incident.code}
    people = [*recipients.supervisors(incident), *recipients.dispatchers(incident)]
    if incident.state in HANDLING_STATES:
        people += notifying.handlers_of(incident)
    notify(people, _message(incident, "incident_supervised", title, comment))


def _remind(incident: Incident, now: datetime, hours: int, recipients: _Recipients) -> None:
    """Another reminder to the people who must act."""
    comment = _("Still overdue after %(hours)d hours.") % {"hours": hours}
    IncidentEvent.objects.create(incident=incident, action=choices.EventKind.OVERDUE, actor=None, is_public=False,
                                 comment=comment, created_at=now, data={"rule": OverdueAction.NOTIFY.value})
    title = _("Still overdue: %(code)s") % {"code": incident.code}
    people = list(recipients.dispatchers(incident))
    if incident.state in HANDLING_STATES:
        people += notifying.handlers_of(incident)
    notify(people, _message(incident, "incident_overdue", title, comment))
