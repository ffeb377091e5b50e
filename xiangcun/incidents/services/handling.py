"""Moving an incident through its loop: accept, dispatch, handle, close, rate; escalate, supervise, merge.

Every step is one call of :func:`core.workflow.apply_transition` (compare-and-set plus a timeline row)
inside a transaction, with the stage's new deadline and the notifications of who must act next.
Two dispatchers pressing "dispatch" at once: one wins, the other gets ``state_changed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.core.errors import CoreErrorCode, OutOfScope, ServiceError
from xiangcun.core.scoping import user_scope
from xiangcun.core.services import Actor
from xiangcun.core.workflow import apply_transition, transition_for
from xiangcun.incidents import choices
from xiangcun.incidents.choices import AssigneeKind, HoldingLevel, State
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.models import DispatchRule, Incident, IncidentEvent
from xiangcun.incidents.services.deadlines import deadline_for
from xiangcun.incidents.services.notifying import (
    notify_dispatchers,
    notify_handlers,
    notify_reporter,
)
from xiangcun.incidents.services.reporting import process_photos, save_photos
from xiangcun.incidents.workflow import COMMENT_REQUIRED, DISPATCH, HANDLE, INTERNAL_ACTIONS, TABLE
from xiangcun.regions.choices import Level

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Assignment:
    """Whom to dispatch to: a kind and the one field that names the target."""

    kind: str
    user: object | None = None
    department: object | None = None
    region: object | None = None  # the village or township office
    grid: object | None = None

    def describe(self) -> str:
        target = self.user or self.department or self.region or self.grid
        label = choices.AssigneeKind(self.kind).label
        return f"{label}: {target}" if target is not None else str(label)


# --- reading what is allowed -------------------------------------------------------------------------------

def fetch_for(actor: Actor, code: str, action: str = "view") -> Incident:
    """The incident with this tracking code if the actor may see it; not found otherwise (never forbidden)."""
    incident = (Incident.objects.restrict(actor, action).select_related(
        "region", "category", "grid", "assigned_user", "assigned_department", "assigned_region", "reporter")
        .filter(code=code).first())
    if incident is None:
        raise OutOfScope(_("The incident is not found or lies outside your jurisdiction."))
    return incident


def _require_visible(actor: Actor, incident: Incident) -> None:
    if actor is not None and not Incident.objects.restrict(actor, "view").filter(pk=incident.pk).exists():
        raise OutOfScope(_("The incident is not found or lies outside your jurisdiction."))


def _clean_comment(action: str, comment: str) -> str:
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED and not comment:
        raise ServiceError(_("Write a reason for this step."), code=ErrorCode.COMMENT_REQUIRED, field="comment")
    if len(comment) > MAX_COMMENT:
        raise ServiceError(_("The comment is longer than %(count)d characters.") % {"count": MAX_COMMENT},
                           code=CoreErrorCode.INVALID, field="comment")
    return comment


def _step(actor: Actor, incident: Incident, action: str, *, comment: str = "", updates: dict | None = None,
          data: dict | None = None) -> IncidentEvent:
    """One transition with its deadline; the caller holds the transaction and sends the notifications."""
    _require_visible(actor, incident)
    comment = _clean_comment(action, comment)
    now = timezone.now()
    next_state = transition_for(TABLE, incident.state, action).next_state
    values = {"stage_deadline": deadline_for(incident, next_state, now), "overdue": False, "overdue_since": None,
              "overdue_acted": False, **(updates or {})}
    if next_state == incident.state and action == "supervise":
        values = dict(updates or {})  # supervision does not restart the clock
    return apply_transition(table=TABLE, obj=incident, action=action, actor=actor, event_model=IncidentEvent,
                            event_field="incident", comment=comment, data=data, updates=values,
                            event_fields={"is_public": action not in INTERNAL_ACTIONS})


def _tell_reporter(incident: Incident) -> None:
    """Every public status change reaches the reporter."""
    notify_reporter(incident, kind="incident_status",
                    title=_("Your report %(code)s: %(state)s") % {"code": incident.code,
                                                                   "state": incident.get_state_display()})


# --- routing -------------------------------------------------------------------------------------------------

def _category_chain(category) -> list:
    chain, seen = [], set()
    while category is not None and category.pk not in seen:
        chain.append(category)
        seen.add(category.pk)
        category = category.parent
    return chain


def suggest_assignment(incident: Incident) -> Assignment:
    """The dispatch rules' answer: nearest region's rule for the category (or a parent category), else the
    category's default; a grid without workers or an unset department falls back to the village."""
    chain = _category_chain(incident.category)
    code = incident.region.code
    prefixes = [code[:length] for length in (6, 9, 12)]
    rules = list(DispatchRule.objects.filter(active=True, category__in=chain, region__code__in=prefixes)
                 .select_related("region", "department", "category"))
    rules.sort(key=lambda rule: (-len(rule.region.code), chain.index(rule.category)))
    kind, department = None, None
    if rules:
        kind, department = rules[0].assignee_kind, rules[0].department
    else:
        for category in chain:
            if category.default_assignee_kind:
                kind = category.default_assignee_kind
                department = next((c.default_department for c in chain if c.default_department_id), None)
                break
    if kind == AssigneeKind.DEPARTMENT and department is not None and department.active:
        return Assignment(AssigneeKind.DEPARTMENT, department=department)
    if kind == AssigneeKind.TOWNSHIP and incident.region.parent_id:
        return Assignment(AssigneeKind.TOWNSHIP, region=incident.region.parent)
    if kind == AssigneeKind.GRID and incident.grid_id and incident.grid.workers.filter(is_active=True).exists():
        return Assignment(AssigneeKind.GRID, grid=incident.grid)
    return Assignment(AssigneeKind.VILLAGE, region=incident.region)


def _assignment_values(incident: Incident, assignment: Assignment) -> dict:
    """The columns an assignment writes, after checking that its target can take the incident."""
    kind = assignment.kind
    values = {"assignee_kind": kind, "assigned_user": None, "assigned_department": None, "assigned_region": None}
    if kind == AssigneeKind.USER:
        user = assignment.user
        if user is None or not user.is_active or not user_scope(user, HANDLE).covers_code(incident.region.code):
            raise ServiceError(_("This person cannot handle incidents in %(village)s.")
                               % {"village": incident.region.name}, code=ErrorCode.INVALID_ASSIGNEE, field="assignee")
        values["assigned_user"] = user
    elif kind == AssigneeKind.DEPARTMENT:
        department = assignment.department
        if department is None or not department.active or not incident.region.code.startswith(
                department.region.code):
            raise ServiceError(_("Choose an active department of the county."), code=ErrorCode.INVALID_ASSIGNEE,
                               field="assignee")
        values["assigned_department"] = department
    elif kind == AssigneeKind.GRID:
        grid = assignment.grid or incident.grid
        if grid is None or grid.village_id != incident.region_id:
            raise ServiceError(_("The incident has no grid in its village; choose the village or a person."),
                               code=ErrorCode.INVALID_ASSIGNEE, field="assignee")
        values["grid"] = grid
    elif kind == AssigneeKind.VILLAGE:
        values["assigned_region"] = incident.region
    elif kind == AssigneeKind.TOWNSHIP:
        township = assignment.region or incident.region.parent
        if township is None or township.level != Level.TOWNSHIP or not incident.region.code.startswith(township.code):
            raise ServiceError(_("Choose the incident's own township."), code=ErrorCode.INVALID_ASSIGNEE,
                               field="assignee")
        values["assigned_region"] = township
    else:
        raise ServiceError(_("Choose whom to dispatch to."), code=ErrorCode.INVALID_ASSIGNEE, field="assignee")
    return values


# --- the steps ---------------------------------------------------------------------------------------------

@transaction.atomic
def incident_accept(*, actor: Actor, incident: Incident, comment: str = "") -> Incident:
    """受理."""
    _step(actor, incident, "accept", comment=comment, updates={"accepted_at": timezone.now()})
    _tell_reporter(incident)
    return incident


@transaction.atomic
def incident_reject(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """不予受理, with the reason the reporter is told."""
    reason = (reason or "").strip()
    _step(actor, incident, "reject", comment=reason, updates={"reject_reason": reason[:300],
                                                              "closed_at": timezone.now()})
    _tell_reporter(incident)
    return incident


@transaction.atomic
def incident_dispatch(*, actor: Actor, incident: Incident, assignment: Assignment | None = None,
                      comment: str = "") -> Incident:
    """分拨 (or 改派 when already dispatched); a report not yet accepted is accepted first.

    Without an assignment the dispatch rules decide (:func:`suggest_assignment`).
    """
    if incident.state == State.REPORTED:
        _step(actor, incident, "accept", updates={"accepted_at": timezone.now()})
    assignment = assignment or suggest_assignment(incident)
    values = _assignment_values(incident, assignment)
    action = "dispatch" if incident.state == State.ACCEPTED else "reassign"
    _step(actor, incident, action, comment=comment,
          updates={**values, "dispatched_at": timezone.now()},
          data={"assignee_kind": assignment.kind, "assignee": assignment.describe()})
    notify_handlers(incident, kind="incident_assigned",
                    title=_("Dispatched to you: %(code)s %(category)s")
                    % {"code": incident.code, "category": incident.category.name})
    if action == "dispatch":
        _tell_reporter(incident)
    return incident


def incidents_bulk_dispatch(*, actor: Actor, incidents: Iterable[Incident], assignment: Assignment | None = None,
                            comment: str = "") -> dict[str, str]:
    """Dispatch several incidents, each in its own transaction; returns {code: "" or the error message}."""
    outcome = {}
    for incident in incidents:
        try:
            incident_dispatch(actor=actor, incident=incident, assignment=assignment, comment=comment)
            outcome[incident.code] = ""
        except ServiceError as exc:
            outcome[incident.code] = exc.message
    return outcome


@transaction.atomic
def incident_start(*, actor: Actor, incident: Incident, comment: str = "") -> Incident:
    """开始处置 by the assignee."""
    _step(actor, incident, "start", comment=comment, updates={"started_at": timezone.now()})
    _tell_reporter(incident)
    return incident


@transaction.atomic
def incident_send_back(*, actor: Actor, incident: Incident, comment: str) -> Incident:
    """退单: the assignee says it is not theirs; back to the dispatcher."""
    _step(actor, incident, "send_back", comment=comment, updates={
        "assignee_kind": "", "assigned_user": None, "assigned_department": None, "assigned_region": None})
    notify_dispatchers(incident, kind="incident_sent_back",
                       title=_("Sent back: %(code)s") % {"code": incident.code}, body=comment)
    return incident


def incident_resolve(*, actor: Actor, incident: Incident, result: str, photos: Sequence = ()) -> Incident:
    """已处置: the result in words and at least one photo (uploaded now or before, while handling)."""
    result = (result or "").strip()
    if not result:
        raise ServiceError(_("Describe what was done."), code=ErrorCode.RESULT_REQUIRED, field="result")
    if len(result) > MAX_COMMENT:
        raise ServiceError(_("The result is longer than %(count)d characters.") % {"count": MAX_COMMENT},
                           code=CoreErrorCode.INVALID, field="result")
    processed = process_photos(photos)
    with transaction.atomic():
        has_photo = processed or incident.photos.filter(stage=choices.PhotoStage.HANDLING).exists()
        if not has_photo:
            raise ServiceError(_("Add at least one photo of the result."), code=ErrorCode.PHOTO_REQUIRED,
                               field="photos")
        now = timezone.now()
        updates = {"result": result, "resolved_at": now}
        if incident.started_at is None:
            updates["started_at"] = now
        _step(actor, incident, "resolve", comment=result, updates=updates)
        save_photos(incident, processed, stage=choices.PhotoStage.HANDLING, actor=actor)
        notify_dispatchers(incident, kind="incident_resolved",
                           title=_("Handled, please check: %(code)s") % {"code": incident.code})
        _tell_reporter(incident)
    return incident


@transaction.atomic
def incident_close(*, actor: Actor, incident: Incident, comment: str = "") -> Incident:
    """办结, checked by the dispatcher; records the level that closed it (小事不出村)."""
    _step(actor, incident, "close", comment=comment,
          updates={"closed_at": timezone.now(), "closed_level": incident.level})
    _tell_reporter(incident)
    return incident


@transaction.atomic
def incident_rework(*, actor: Actor, incident: Incident, comment: str) -> Incident:
    """退回: not done well enough; back to the handler."""
    _step(actor, incident, "rework", comment=comment)
    notify_handlers(incident, kind="incident_rework",
                    title=_("Returned for more work: %(code)s") % {"code": incident.code}, body=comment)
    return incident


@transaction.atomic
def incident_escalate(*, actor: Actor, incident: Incident, comment: str) -> Incident:
    """上报: the level above now holds the incident and dispatches it again."""
    new_level = HoldingLevel.TOWNSHIP if incident.level == HoldingLevel.VILLAGE else HoldingLevel.COUNTY
    _step(actor, incident, "escalate", comment=comment, updates={
        "level": new_level, "assignee_kind": "", "assigned_user": None, "assigned_department": None,
        "assigned_region": None}, data={"to_level": int(new_level)})
    notify_dispatchers(incident, kind="incident_escalated",
                       title=_("Escalated to you: %(code)s %(category)s")
                       % {"code": incident.code, "category": incident.category.name}, body=comment)
    return incident


@transaction.atomic
def incident_supervise(*, actor: Actor, incident: Incident, comment: str) -> Incident:
    """督办 by a higher level: marked, timed, and the holder and handlers are told."""
    _step(actor, incident, "supervise", comment=comment,
          updates={"supervised": True, "supervised_at": timezone.now()})
    title = _("Supervised: %(code)s") % {"code": incident.code}
    notify_dispatchers(incident, kind="incident_supervised", title=title, body=comment)
    notify_handlers(incident, kind="incident_supervised", title=title, body=comment)
    return incident


@transaction.atomic
def incident_rate(*, actor: Actor, incident: Incident, rating: int, comment: str = "",
                  callback: bool = False) -> Incident:
    """评价 1–5 by the reporter (or recorded from a telephone callback); 1–2 is flagged as low."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ServiceError(_("Choose from one to five stars."), code=ErrorCode.INVALID_RATING, field="rating")
    low = rating <= 2
    _step(actor, incident, "rate_callback" if callback else "rate", comment=comment,
          updates={"rating": rating, "rating_comment": (comment or "").strip()[:500], "rated_at": timezone.now(),
                   "rated_by_callback": callback, "low_rating": low}, data={"rating": rating})
    if low:
        notify_dispatchers(incident, kind="incident_low_rating",
                           title=_("Low rating (%(rating)d of 5 stars) for %(code)s") % {"rating": rating,
                                                                                         "code": incident.code},
                           body=comment)
    return incident


@transaction.atomic
def incident_reopen(*, actor: Actor, incident: Incident, comment: str) -> Incident:
    """The reporter says it is not solved (within the category's days): back to the same handlers."""
    if not (comment or "").strip():
        raise ServiceError(_("Say what is still wrong."), code=ErrorCode.COMMENT_REQUIRED, field="comment")
    _step(actor, incident, "reopen", comment=comment, updates={
        "reopen_count": incident.reopen_count + 1, "closed_at": None, "closed_level": None, "rating": None,
        "rated_at": None, "low_rating": False, "resolved_at": None, "dispatched_at": timezone.now()})
    title = _("Reopened by the reporter: %(code)s") % {"code": incident.code}
    notify_dispatchers(incident, kind="incident_reopened", title=title, body=comment)
    notify_handlers(incident, kind="incident_reopened", title=title, body=comment)
    return incident


@transaction.atomic
def incident_merge(*, actor: Actor, incident: Incident, into: Incident, comment: str = "") -> Incident:
    """Merge a duplicate into an open incident: the duplicate ends, its reporter follows the other one."""
    _require_visible(actor, into)
    if into.pk == incident.pk or into.duplicate_of_id == incident.pk or not into.is_open:
        raise ServiceError(_("Merge into another incident that is still open."), code=ErrorCode.INVALID_MERGE,
                           field="into")
    _step(actor, incident, "merge", comment=comment, updates={"duplicate_of": into, "closed_at": timezone.now()},
          data={"into": into.code})
    IncidentEvent.objects.create(incident=into, action="merged_in", actor=actor, comment=comment,
                                 data={"from": incident.code}, is_public=False)
    notify_reporter(incident, kind="incident_status",
                    title=_("Your report %(code)s is handled together with %(into)s")
                    % {"code": incident.code, "into": into.code})
    return incident


# --- entries that are not state changes ------------------------------------------------------------------------

def may_work_on(actor: Actor, incident: Incident) -> bool:
    """Dispatchers of the holder and handlers where it was sent: the people who write notes and updates."""
    if actor is None:
        return True
    for permission in (DISPATCH, HANDLE):
        if actor.has_perm(permission) and user_scope(actor, permission).covers_code(
                incident.workflow_scope_code(permission)):
            return True
    return False


def _require_staff_on(actor: Actor, incident: Incident) -> None:
    _require_visible(actor, incident)
    if not may_work_on(actor, incident):
        raise ServiceError(_("You do not have permission to take this step here."),
                           code=CoreErrorCode.PERMISSION_DENIED,
                           status=403)


@transaction.atomic
def incident_add_note(*, actor: Actor, incident: Incident, text: str, public: bool = False,
                      photos: Sequence = ()) -> IncidentEvent:
    """An internal note (kept from the reporter) or a public update (the reporter is told)."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the note."), code=ErrorCode.REQUIRED, field="text")
    if len(text) > MAX_COMMENT:
        raise ServiceError(_("The note is longer than %(count)d characters.") % {"count": MAX_COMMENT},
                           code=CoreErrorCode.INVALID, field="text")
    _require_staff_on(actor, incident)
    if photos and not public:
        # Photos of an incident are shown to its reporter once it is handled; an internal one would leak.
        raise ServiceError(_("Photos go with a public update or with the result; an internal note is words only."),
                           code=ErrorCode.PHOTO_NOT_ALLOWED, field="photos")
    processed = process_photos(photos)
    kind = choices.EventKind.UPDATE if public else choices.EventKind.NOTE
    event = IncidentEvent.objects.create(incident=incident, action=kind, actor=actor, comment=text,
                                         is_public=public)
    save_photos(incident, processed, stage=choices.PhotoStage.HANDLING, actor=actor)
    if public:
        notify_reporter(incident, kind="incident_update",
                        title=_("News on your report %(code)s") % {"code": incident.code}, body=text)
    return event


@transaction.atomic
def incident_link_household(*, actor: Actor, incident: Incident, household) -> Incident:
    """Link the incident to a household of its village (it then shows in the household's dossier)."""
    _require_staff_on(actor, incident)
    if household is not None:
        from xiangcun.households.models import Household

        if household.region_id != incident.region_id or not Household.objects.restrict(actor, "view").filter(
                pk=household.pk).exists():
            raise ServiceError(_("Choose a household of %(village)s.") % {"village": incident.region.name},
                               code=ErrorCode.INVALID_HOUSEHOLD, field="household")
    Incident.objects.filter(pk=incident.pk).update(household=household, updated_at=timezone.now())
    incident.household = household
    IncidentEvent.objects.create(incident=incident, action=choices.EventKind.LINK, actor=actor, is_public=False,
                                 data={"household": household.number if household else ""})
    return incident


@transaction.atomic
def incident_relocate(*, actor: Actor, incident: Incident, region, grid=None, lat: float | None = None,
                      lng: float | None = None, address: str | None = None) -> Incident:
    """Correct the village, grid or point of an incident (the point-in-polygon guess is editable)."""
    _require_staff_on(actor, incident)
    if region is None or region.level != Level.VILLAGE:
        raise ServiceError(_("Choose the village where it happened."), code=CoreErrorCode.INVALID, field="region")
    scope = user_scope(actor, "incidents.dispatch_incident") if actor is not None else None
    if scope is not None and not scope.covers_code(region.code):
        raise OutOfScope(_("The region is not found or lies outside your jurisdiction."))
    if grid is not None and grid.village_id != region.pk:
        raise ServiceError(_("The grid %(grid)s does not belong to %(village)s.")
                           % {"grid": grid.name, "village": region.name}, code=CoreErrorCode.INVALID, field="grid")
    old = {"region": incident.region.code, "grid": incident.grid.code if incident.grid_id else ""}
    values = {"region": region, "grid": grid, "updated_at": timezone.now()}
    if lat is not None and lng is not None:
        values.update(lat=lat, lng=lng)
    if address is not None:
        values["address"] = address.strip()[:200]
    Incident.objects.filter(pk=incident.pk).update(**values)
    for name, value in values.items():
        setattr(incident, name, value)
    IncidentEvent.objects.create(incident=incident, action=choices.EventKind.LOCATE, actor=actor, is_public=False,
                                 data={"from": old, "to": {"region": region.code, "grid": grid.code if grid else ""}})
    return incident
