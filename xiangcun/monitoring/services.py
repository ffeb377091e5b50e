"""Writes of the 低收入人口 register and the 防返贫 monitoring workflow: clues, cases, objections, measures.

A case moves only through :func:`case_transition` (and the objection services, which apply the notice
steps): the table in ``monitoring.workflow`` says which step is legal and who may take it,
``core.workflow.apply_transition`` applies it with a compare-and-set update and a timeline row.
``actor=None`` is the system (the nightly job ending expired notices, imports).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.notify import Message, notify
from xiangcun.core.services import Actor, authorize, require_county_level, require_permission, save_checked
from xiangcun.core.workflow import apply_transition, transition_for
from xiangcun.households.models import (
    Household,
    HouseholdTag,
)
from xiangcun.monitoring import workflow
from xiangcun.monitoring.choices import (
    CaseKind,
    CaseState,
    ClueSource,
    ClueStatus,
    MeasureStatus,
    ObjectionStatus,
)
from xiangcun.monitoring.errors import ErrorCode
from xiangcun.monitoring.models import (
    AssistanceMeasure,
    CaseEvent,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    MonitoringLine,
    NoticeObjection,
    RiskClue,
)

logger = logging.getLogger(__name__)

MONITORED_TAG = "jiance"  # 监测户: the tag of a household with a current monitoring registration
DEFAULT_NOTICE_DAYS = 5


def _today() -> date:
    return timezone.localdate()


def _require_visible(actor: Actor, model, obj, action: str = "view", *,
                     part: tuple[type, str] | None = None) -> None:
    """The row as the actor may see it, or 'not found' (never 'forbidden').

    ``part`` is the permission a row attached to it needs as well, e.g. ``(NoticeObjection, "add")``: held
    anywhere, since the row it hangs on has just been found in scope.
    """
    if actor is None:
        return
    if not model._default_manager.restrict(actor, action).filter(pk=obj.pk).exists():
        raise OutOfScope()
    if part is not None:
        require_permission(actor, *part)


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


# --- monitoring lines ----------------------------------------------------------------------------

def province_of(region_code: str) -> str:
    """The province of a division code: its first two digits (62 = 甘肃省)."""
    return region_code[:2]


def line_for(region_code: str, year: int) -> MonitoringLine | None:
    """The province's line of exactly that year (the early warning never guesses a missing year)."""
    return MonitoringLine.objects.filter(province_code=province_of(region_code), year=year).first()


def current_line(region_code: str, on: date | None = None) -> MonitoringLine | None:
    """The province's latest line up to the year of ``on`` (for settings such as the notice days)."""
    year = (on or _today()).year
    return (MonitoringLine.objects.filter(province_code=province_of(region_code), year__lte=year)
            .order_by("-year").first())


# --- clues -----------------------------------------------------------------------------------------

@transaction.atomic
def clue_report(*, actor: Actor, household: Household, source: str, signal: str, description: str = "",
                amount: Decimal | None = None, occurred_on: date | None = None) -> RiskClue:
    """Record a 风险线索 of a household: a cadre's check, department data, or the household's own declaration.

    A villager (whose roles reach only their own rows) can only declare for their own household.
    """
    if actor is not None:
        require_permission(actor, RiskClue, "add")
        in_region = Household.objects.restrict(actor, "view").filter(pk=household.pk)
        if not in_region.exists():
            raise OutOfScope()
        if not actor.has_perm("households.change_household") and source != ClueSource.SELF_DECLARATION:
            source = ClueSource.SELF_DECLARATION  # a villager's report is their own declaration, whatever was sent
    if occurred_on and occurred_on > _today():
        raise ServiceError(_("The date lies in the future; enter the day it happened."), code=ErrorCode.FUTURE_DATE)
    if amount is not None and amount < 0:
        raise ServiceError(_("The amount cannot be negative."), code=ErrorCode.NEGATIVE_AMOUNT)
    clue = RiskClue(household=household, source=source, signal=signal, description=_clean_text(description),
                    amount=amount, occurred_on=occurred_on, reported_by=actor)
    save_checked(clue, actor=actor, action="add")
    if clue.source == ClueSource.SELF_DECLARATION:
        _tell_the_village(clue, exclude=actor)
    return clue


def _village_cadres(village_code: str) -> list:
    """The people who act on clues in this village: role assignments at exactly the village whose role may
    change clues (村干部; not the county or township above, who see the clue in their lists; not villagers)."""
    return list(get_user_model().objects.filter(
        is_active=True,
        role_assignments__region__code=village_code,
        role_assignments__role__self_only=False,
        role_assignments__role__group__permissions__codename="change_riskclue",
        role_assignments__role__group__permissions__content_type__app_label=RiskClue._meta.app_label,
    ).distinct())


def _tell_the_village(clue: RiskClue, *, exclude=None) -> None:
    """A household's own declaration (自主申报) reaches the cadres of its village at once (in-app now, the
    outside channels after the commit: ``core.notify``)."""
    household = clue.household
    recipients = [user for user in _village_cadres(household.region.code) if user.pk != getattr(exclude, "pk", None)]
    notify(recipients, Message(
        kind="risk_clue_declared",
        title=_("Household %(number)s declares a difficulty: %(signal)s") % {
            "number": household.number, "signal": clue.get_signal_display()},
        body=clue.description[:140], url=clue.get_absolute_url(),
        data={"clue": str(clue.uuid), "household": str(household.uuid)}))


@transaction.atomic
def clue_dismiss(*, actor: Actor, clue: RiskClue, reason: str) -> RiskClue:
    """Close an open clue without a case (checked and found to be no risk)."""
    authorize(actor, RiskClue, "change", region=clue.household.region)
    if clue.status != ClueStatus.OPEN:
        raise ServiceError(_("Only an open clue can be dismissed."), code=ErrorCode.CLUE_NOT_OPEN)
    if not _clean_text(reason):
        raise ServiceError(_("Say why the clue is dismissed."), code=ErrorCode.REASON_REQUIRED)
    clue.status = ClueStatus.DISMISSED
    clue.description = (clue.description + "\n" if clue.description else "") + _("Dismissed: %(reason)s") % {
        "reason": reason.strip()}
    clue.full_clean()
    clue.save()
    return clue


# --- cases -------------------------------------------------------------------------------------------

def _monitoring_category(value) -> LowIncomeCategory | None:
    """A category given as a row, a pk or a code; it must be an active 防返贫 monitoring category."""
    if value in (None, ""):
        return None
    if isinstance(value, LowIncomeCategory):
        category = value
    else:
        lookup = {"pk": value} if str(value).isdigit() else {"code": value}
        category = LowIncomeCategory.objects.filter(**lookup).first()
    if category is None or not category.active or not category.is_monitoring:
        raise ServiceError(_("Choose one of the active monitoring categories (脱贫不稳定户, 边缘易致贫户, "
                             "突发严重困难户 …)."), code=ErrorCode.BAD_CATEGORY)
    return category


def _add_event(case: MonitoringCase, *, actor: Actor, action: str, comment: str = "",
               data: dict | None = None) -> CaseEvent:
    """A timeline row that is not a state change (a case opened, a measure added)."""
    return CaseEvent.objects.create(case=case, action=action, from_state=case.state, to_state=case.state,
                                    actor=actor, comment=comment, data=data or {})


@transaction.atomic
def case_open(*, actor: Actor, household: Household, clues: list[RiskClue] | tuple = (),
              category: LowIncomeCategory | None = None, summary: str = "") -> MonitoringCase:
    """Open an inclusion case (纳入监测) for a household, from its clues or a cadre's own finding."""
    authorize(actor, MonitoringCase, "add", region=household.region)
    busy = household.cases.filter(kind=CaseKind.INCLUSION,
                                  state__in=[*workflow.OPEN_STATES, CaseState.ASSISTING]).first()
    if busy is not None:
        raise ServiceError(_("This household already has a monitoring case (%(state)s); continue that one.")
                           % {"state": busy.get_state_display()}, code=ErrorCode.CASE_EXISTS)
    clues = list(clues)
    for clue in clues:
        if clue.household_id != household.pk or clue.status != ClueStatus.OPEN:
            raise ServiceError(_("Only open clues of this household can be attached."), code=ErrorCode.BAD_CLUE)
    summary = _clean_text(summary) or "\n".join(f"{c.get_signal_display()}: {c.description}".strip(": ")
                                                for c in clues)
    if not summary:
        raise ServiceError(_("Describe the risk the case is about."), code=ErrorCode.SUMMARY_REQUIRED)
    line = current_line(household.region.code)
    case = MonitoringCase(region=household.region, household=household, kind=CaseKind.INCLUSION,
                          category=_monitoring_category(category), state=workflow.INITIAL_STATE[CaseKind.INCLUSION],
                          summary=summary, notice_days=line.notice_days if line else DEFAULT_NOTICE_DAYS,
                          opened_by=actor)
    save_checked(case, actor=actor, action="add")
    if clues:
        RiskClue.objects.filter(pk__in=[c.pk for c in clues]).update(status=ClueStatus.IN_CASE, case=case)
    _add_event(case, actor=actor, action="open", comment=summary, data={"clues": [str(c.uuid) for c in clues]})
    return case


@transaction.atomic
def elimination_open(*, actor: Actor, inclusion_case: MonitoringCase, reasons: str) -> MonitoringCase:
    """Open a 风险消除 case for a household under assistance; it starts at the village review."""
    authorize(actor, MonitoringCase, "add", region=inclusion_case.region)
    if inclusion_case.kind != CaseKind.INCLUSION or inclusion_case.state != CaseState.ASSISTING:
        raise ServiceError(_("Only a household under assistance can have its risk eliminated."),
                           code=ErrorCode.NOT_ASSISTING)
    if inclusion_case.eliminations.filter(state__in=workflow.OPEN_STATES).exists():
        raise ServiceError(_("An elimination of this household is already under way."), code=ErrorCode.CASE_EXISTS)
    if not _clean_text(reasons):
        raise ServiceError(_("Give the reasons the risk is eliminated (stable income above the line, risks "
                             "removed …)."), code=ErrorCode.REASONS_REQUIRED)
    line = current_line(inclusion_case.region.code)
    case = MonitoringCase(region=inclusion_case.region, household=inclusion_case.household,
                          kind=CaseKind.ELIMINATION, category=inclusion_case.category,
                          state=workflow.INITIAL_STATE[CaseKind.ELIMINATION], summary=reasons.strip(),
                          notice_days=line.notice_days if line else DEFAULT_NOTICE_DAYS, inclusion=inclusion_case,
                          opened_by=actor)
    save_checked(case, actor=actor, action="add")
    _add_event(case, actor=actor, action="open", comment=case.summary, data={"inclusion": str(inclusion_case.uuid)})
    _add_event(inclusion_case, actor=actor, action="elimination_opened", comment=case.summary,
               data={"case": str(case.uuid)})
    return case


# Fields each action accepts (all optional unless listed in workflow.REQUIRED_FIELDS).
ACCEPTED_FIELDS: dict[str, frozenset[str]] = {
    "record_consent_and_verify": frozenset({"consent_signed_on"}),
    "record_comparison": frozenset({"comparison"}),
    "record_deliberation": frozenset({"deliberation", "category", "notice_days"}),
    "reject": frozenset({"reason"}),
    "township_approve": frozenset({"category"}),
    "county_approve": frozenset({"category"}),
}
FIELD_MESSAGES = {
    "consent_signed_on": gettext_lazy("Enter the date the household signed its consent to the data checks (承诺授权)."),
    "comparison": gettext_lazy("Write down the result of the information comparison."),
    "deliberation": gettext_lazy("Write down the result of the village's democratic review."),
    "reason": gettext_lazy("Give the reason."),
    "comment": gettext_lazy("Say why the case is sent back."),
}


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ServiceError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value},
                           code=ErrorCode.BAD_DATE) from None


def _step_updates(case: MonitoringCase, action: str, comment: str, fields: dict) -> dict:
    """Validate the fields of a step and return the columns it writes (besides the state)."""
    unexpected = set(fields) - ACCEPTED_FIELDS.get(action, frozenset())
    if unexpected:
        raise ServiceError(_("This step does not take: %(fields)s.") % {"fields": ", ".join(sorted(unexpected))},
                           code=ErrorCode.UNEXPECTED_FIELDS)
    given = {**fields, "comment": comment}
    for name in workflow.REQUIRED_FIELDS.get(action, ()):
        if given.get(name) in (None, "") or (isinstance(given[name], str) and not given[name].strip()):
            raise ServiceError(str(FIELD_MESSAGES.get(name, name)), code=ErrorCode.FIELD_REQUIRED, field=name)
    today = _today()
    updates: dict = {}
    if action == "record_consent_and_verify":
        signed = _as_date(fields["consent_signed_on"])
        if signed > today:
            raise ServiceError(_("The consent cannot be signed in the future."), code=ErrorCode.FUTURE_DATE,
                               field="consent_signed_on")
        updates["consent_signed_on"] = signed
    elif action == "record_comparison":
        updates["comparison"] = fields["comparison"].strip()
    elif action == "record_deliberation":
        updates["deliberation"] = fields["deliberation"].strip()
        if fields.get("notice_days"):
            updates["notice_days"] = int(fields["notice_days"])
        days = updates.get("notice_days", case.notice_days)
        updates.update(notice_started_on=today, notice_ends_on=today + timedelta(days=days))
    elif action == "end_notice":
        if case.notice_ends_on and today < case.notice_ends_on:
            raise ServiceError(_("The notice runs until %(date)s; it can be ended on that day.")
                               % {"date": case.notice_ends_on.isoformat()}, code=ErrorCode.NOTICE_RUNNING)
    elif action == "reject":
        updates.update(reason=fields["reason"].strip(), decided_on=today)
    elif action == "county_approve":
        updates["decided_on"] = today
    if "category" in fields and fields["category"] not in (None, ""):
        updates["category"] = _monitoring_category(fields["category"])
    if action == "county_approve" and case.kind == CaseKind.INCLUSION and not (updates.get("category")
                                                                                or case.category):
        raise ServiceError(_("Choose the monitoring category before the county decision."),
                           code=ErrorCode.FIELD_REQUIRED,
                           field="category")
    return updates


@transaction.atomic
def case_transition(*, actor: Actor, case: MonitoringCase, action: str, comment: str = "", **fields) -> MonitoringCase:
    """Take one step of the workflow on a case (the buttons of the case page, ``POST …/transition/``)."""
    _require_visible(actor, MonitoringCase, case)
    table = workflow.table_for(case.kind)
    transition = transition_for(table, case.state, action)
    if not transition.manual:
        raise ServiceError(_("This step is taken through the objection form."), code=ErrorCode.NOT_MANUAL)
    updates = _step_updates(case, action, _clean_text(comment), fields)
    for name, value in updates.items():
        setattr(case, name, value)
    case.full_clean()
    data = {key: (value.isoformat() if isinstance(value, date) else str(value)) for key, value in updates.items()
            if key not in ("decided_on",)}
    apply_transition(table=table, obj=case, action=action, actor=actor, event_model=CaseEvent, event_field="case",
                     comment=_clean_text(comment), data=data, updates=updates)
    if action == "county_approve":
        if case.kind == CaseKind.INCLUSION:
            _register_monitored(case, actor=actor)
        else:
            _eliminate(case, actor=actor)
    return case


def _tag_for(category: LowIncomeCategory) -> HouseholdTag | None:
    """The household tag a registration of this category carries: 监测户 for monitoring, else the same code."""
    return HouseholdTag.objects.filter(code=MONITORED_TAG if category.is_monitoring else category.code).first()


def _sync_tag(household: Household, category: LowIncomeCategory) -> None:
    """Add the category's tag while a current registration needs it; remove it when none does."""
    tag = _tag_for(category)
    if tag is None:
        return
    current = household.registrations.filter(end_date__isnull=True)
    if category.is_monitoring:
        needed = current.filter(category__is_monitoring=True).exists()
    else:
        needed = current.filter(category__code=category.code).exists()
    if needed:
        household.tags.add(tag)
    else:
        household.tags.remove(tag)


def _register_monitored(case: MonitoringCase, *, actor: Actor) -> LowIncomeRegistration:
    """The county's decision: the household enters the register with the case's category, tagged 监测户.

    A current monitoring registration of another type ends the same day (the type history is kept).
    """
    today = _today()
    household = case.household
    for previous in household.registrations.filter(end_date__isnull=True, category__is_monitoring=True):
        previous.end_date = today
        previous.end_reason = _("type changed to %(category)s") % {"category": case.category.name}
        previous.save(update_fields=["end_date", "end_reason", "updated_at"])
    registration = LowIncomeRegistration(household=household, category=case.category, start_date=today, case=case)
    registration.full_clean()
    registration.save()
    _sync_tag(household, case.category)
    return registration


def _eliminate(case: MonitoringCase, *, actor: Actor) -> None:
    """An approved elimination ends the inclusion's registration and moves the inclusion case to 风险消除."""
    today = _today()
    inclusion = case.inclusion
    ended = list(inclusion.registrations.filter(end_date__isnull=True))
    for registration in ended:
        registration.end_date = max(today, registration.start_date)
        registration.end_reason = case.summary[:200]
        registration.full_clean()
        registration.save(update_fields=["end_date", "end_reason", "updated_at"])
        _sync_tag(case.household, registration.category)
    apply_transition(table=workflow.INCLUSION, obj=inclusion, action="eliminate", actor=actor,
                     event_model=CaseEvent, event_field="case", comment=case.summary,
                     data={"case": str(case.uuid)}, updates={"decided_on": today})


# --- objections during the public notice ----------------------------------------------------------

@transaction.atomic
def objection_raise(*, actor: Actor, case: MonitoringCase, raised_by: str, content: str) -> NoticeObjection:
    """Record an objection (异议) to a case during its notice: the notice pauses until it is decided."""
    _require_visible(actor, MonitoringCase, case, part=(NoticeObjection, "add"))
    if not _clean_text(raised_by) or not _clean_text(content):
        raise ServiceError(_("Say who objects and what the objection is."), code=ErrorCode.FIELD_REQUIRED)
    objection = NoticeObjection(case=case, raised_by=raised_by.strip(), content=content.strip())
    objection.full_clean()
    apply_transition(table=workflow.table_for(case.kind), obj=case, action="raise_objection", actor=actor,
                     event_model=CaseEvent, event_field="case", comment=objection.content,
                     data={"raised_by": objection.raised_by})
    objection.save()
    return objection


@transaction.atomic
def objection_resolve(*, actor: Actor, objection: NoticeObjection, upheld: bool, resolution: str) -> NoticeObjection:
    """Decide an objection after the recheck.

    Dismissed: the notice resumes and its end date moves on by the days it was paused.
    Upheld: the case goes back (inclusion: to 入户核实; elimination: to 民主评议) and the notice will start
    again, in full, when the case comes round to it.
    """
    case = objection.case
    _require_visible(actor, MonitoringCase, case, part=(NoticeObjection, "change"))
    if objection.status != ObjectionStatus.OPEN:
        raise ServiceError(_("This objection has already been decided."), code=ErrorCode.OBJECTION_DECIDED)
    if not _clean_text(resolution):
        raise ServiceError(_("Write down the result of the recheck."), code=ErrorCode.FIELD_REQUIRED,
                           field="resolution")
    today = _today()
    if upheld:
        action = "uphold_objection"
        updates = {"notice_started_on": None, "notice_ends_on": None}
    else:
        action = "dismiss_objection"
        paused_days = max((today - timezone.localdate(objection.created_at)).days, 0)
        updates = {"notice_ends_on": (case.notice_ends_on or today) + timedelta(days=paused_days)}
    apply_transition(table=workflow.table_for(case.kind), obj=case, action=action, actor=actor,
                     event_model=CaseEvent, event_field="case", comment=resolution.strip(),
                     data={"objection": objection.pk, **{k: v.isoformat() if v else None for k, v in updates.items()}},
                     updates=updates)
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution.strip()
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def notice_expire_all() -> int:
    """The nightly job: every notice whose period is over moves on to the township review (by the system)."""
    moved = 0
    for case in MonitoringCase.objects.filter(state=CaseState.NOTICE, notice_ends_on__lte=_today()).select_related(
            "household"):
        try:
            with transaction.atomic():
                case_transition(actor=None, case=case, action="end_notice", comment=_("The notice period is over."))
        except ServiceError as error:  # changed by someone meanwhile: next night
            logger.info("notice of case %s not ended: %s", case.pk, error.code)
            continue
        moved += 1
    return moved


# --- assistance measures ----------------------------------------------------------------------------

@transaction.atomic
def measure_add(*, actor: Actor, case: MonitoringCase, kind: str, description: str, start_date: date,
                end_date: date | None = None, responsible=None, responsible_name: str = "",
                amount: Decimal | None = None, status: str = MeasureStatus.ACTIVE) -> AssistanceMeasure:
    """Add a 帮扶措施 to a household under assistance."""
    authorize(actor, AssistanceMeasure, "add", region=case.region)
    if case.kind != CaseKind.INCLUSION or case.state != CaseState.ASSISTING:
        raise ServiceError(_("Measures are added once the county has included the household."),
                           code=ErrorCode.NOT_ASSISTING)
    name = _clean_text(responsible_name) or (getattr(responsible, "full_name", "") or str(responsible or ""))
    measure = AssistanceMeasure(case=case, kind=kind, description=_clean_text(description), start_date=start_date,
                                end_date=end_date, responsible=responsible, responsible_name=name, amount=amount,
                                status=status)
    _check_measure_dates(measure)
    save_checked(measure, actor=actor, action="add")
    _add_event(case, actor=actor, action="measure_added", comment=measure.description,
               data={"measure": measure.pk, "kind": kind})
    return measure


def _check_measure_dates(measure: AssistanceMeasure) -> None:
    if measure.end_date and measure.end_date < measure.start_date:
        raise ServiceError(_("The end date lies before the start."), code=ErrorCode.BAD_DATES, field="end_date")


@transaction.atomic
def measure_update(*, actor: Actor, measure: AssistanceMeasure, description: str | None = None,
                   end_date: date | None = None, status: str | None = None, amount: Decimal | None = None,
                   responsible_name: str | None = None) -> AssistanceMeasure:
    """Change a measure's description, end, status or amount (e.g. mark it completed)."""
    authorize(actor, AssistanceMeasure, "change", region=measure.case.region)
    for name, value in (("description", description), ("end_date", end_date), ("status", status),
                        ("amount", amount), ("responsible_name", responsible_name)):
        if value is not None:
            setattr(measure, name, value.strip() if isinstance(value, str) else value)
    _check_measure_dates(measure)
    measure.full_clean()
    measure.save()
    return measure


# --- the register: 低保 / 特困 and other types that come from 民政 ----------------------------------------

@transaction.atomic
def registration_add(*, actor: Actor, household: Household, category: LowIncomeCategory, start_date: date
                     ) -> LowIncomeRegistration:
    """Enter a household in the register under a non-monitoring type (低保, 特困 …, decided by 民政).

    Monitoring types (防止返贫监测对象) enter only through the workflow's county decision.
    """
    authorize(actor, LowIncomeRegistration, "add", region=household.region)
    if category.is_monitoring:
        raise ServiceError(_("Monitoring objects enter the register through the monitoring workflow."),
                           code=ErrorCode.USE_WORKFLOW)
    if not category.active:
        raise ServiceError(_("This category is no longer in use."), code=ErrorCode.BAD_CATEGORY)
    if household.registrations.filter(category=category, end_date__isnull=True).exists():
        raise ServiceError(_("The household is already registered as %(category)s.") % {"category": category.name},
                           code=ErrorCode.ALREADY_REGISTERED)
    registration = LowIncomeRegistration(household=household, category=category, start_date=start_date)
    save_checked(registration, actor=actor, action="add")
    _sync_tag(household, category)
    return registration


@transaction.atomic
def registration_end(*, actor: Actor, registration: LowIncomeRegistration, end_date: date, reason: str
                     ) -> LowIncomeRegistration:
    """End a non-monitoring registration (the entry stays in the history)."""
    authorize(actor, LowIncomeRegistration, "change", region=registration.household.region)
    if registration.case_id is not None:
        raise ServiceError(_("A monitoring registration ends through a risk elimination case."),
                           code=ErrorCode.USE_WORKFLOW)
    if registration.end_date is not None:
        raise ServiceError(_("This registration has already ended."), code=ErrorCode.ALREADY_ENDED)
    if end_date < registration.start_date:
        raise ServiceError(_("The end date lies before the start."), code=ErrorCode.BAD_DATES)
    if not _clean_text(reason):
        raise ServiceError(_("Give the reason."), code=ErrorCode.FIELD_REQUIRED, field="reason")
    registration.end_date = end_date
    registration.end_reason = reason.strip()[:200]
    registration.full_clean()
    registration.save()
    _sync_tag(registration.household, registration.category)
    return registration


# --- county configuration ------------------------------------------------------------------------

def _save_config(actor: Actor, instance, action: str, values: dict):
    if actor is not None:
        require_county_level(actor, type(instance), action)
    for name, value in values.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def monitoring_line_save(*, actor: Actor, line: MonitoringLine | None = None, province_code: str, year: int,
                         amount: Decimal, near_ratio: Decimal = Decimal("1.20"), drop_percent: int = 30,
                         notice_days: int = DEFAULT_NOTICE_DAYS) -> MonitoringLine:
    """Set a province's 监测线 for a year (county-level staff): amount, warning thresholds, notice days."""
    if not (len(province_code) == 2 and province_code.isdigit()):
        raise ServiceError(_("The province code is the first two digits of a division code (e.g. 62)."),
                           code=ErrorCode.BAD_CODE)
    return _save_config(actor, line or MonitoringLine(), "change" if line else "add",
                        {"province_code": province_code, "year": year, "amount": amount, "near_ratio": near_ratio,
                         "drop_percent": drop_percent, "notice_days": notice_days})


@transaction.atomic
def monitoring_line_delete(*, actor: Actor, line: MonitoringLine) -> None:
    if actor is not None:
        require_county_level(actor, MonitoringLine, "delete")
    line.delete()


@transaction.atomic
def low_income_category_save(*, actor: Actor, category: LowIncomeCategory | None = None, code: str, name: str,
                             is_monitoring: bool = False, order: int = 100, active: bool = True) -> LowIncomeCategory:
    """Add or change a type of the low-income register (a county may add its own)."""
    return _save_config(actor, category or LowIncomeCategory(), "change" if category else "add",
                        {"code": code, "name": name, "is_monitoring": is_monitoring, "order": order,
                         "active": active})
