"""The nightly early warning (返贫致贫风险预警): which households show risk signals, and why.

Signals, each with the figures behind it (stored in ``RiskFlag.signals`` as ``{"code", "params"}``,
put into words when shown, so the page speaks the reader's language):

- ``below_line`` / ``near_line``: the latest 收入 record's per-capita net income against the province's
  monitoring line *of that year* (province = first two digits of the village code). Near = at most
  ``line × near_ratio``. No line configured for that province and year: the income signals are skipped
  for those households and a warning is logged (the other signals still count).
- ``income_drop``: per-capita income fell by at least the line's ``drop_percent`` against the year before.
- ``serious_illness``: a registered member whose health is "serious illness" (through the keyed hash).
- ``new_disability``: a registered member now "disabled" whose health was set in the last
  ``NEW_DISABILITY_DAYS`` days, according to the change log (django-auditlog records that the keyed
  hash of the health field changed; the value itself stays out of the log). Members imported in bulk
  have no log entry: an import is the baseline, not news.
- ``disaster``, ``large_expense``, ``lost_work`` and the other reported risks: open clues (风险线索, not
  dismissed) reported or occurred in the last ``CLUE_DAYS`` days.
- ``dangerous_house``: a house rated C or D.

Level: the sum of the signals' weights (below the line 3; drop, illness, disability, disaster, large
expense 2; the others 1), capped at 3. The whole computation is a handful of aggregate queries and one
bulk insert, whatever the number of households.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.core.crypto import lookup_hash
from xiangcun.core.scoping import prefix_q
from xiangcun.core.services import Actor, require_county_level
from xiangcun.households.choices import (
    DANGEROUS_RATINGS,
    Health,
    HouseholdStatus,
    PersonStatus,
)
from xiangcun.households.models import House, Household, Person
from xiangcun.livelihoods.models import IncomeRecord
from xiangcun.monitoring.choices import (
    ClueStatus,
    RiskSignal,
)
from xiangcun.monitoring.models import MonitoringLine, RiskClue, RiskFlag

logger = logging.getLogger(__name__)

NEW_DISABILITY_DAYS = 365
CLUE_DAYS = 365
WEIGHTS = {RiskSignal.BELOW_LINE: 3, RiskSignal.INCOME_DROP: 2, RiskSignal.SERIOUS_ILLNESS: 2,
           RiskSignal.NEW_DISABILITY: 2, RiskSignal.DISASTER: 2, RiskSignal.LARGE_EXPENSE: 2}
MAX_LEVEL = 3
BATCH = 2000


@dataclass
class Figures:
    """What is known of one household for the warning."""

    region_code: str
    incomes: list[tuple[int, Decimal]] = field(default_factory=list)  # (year, per capita), newest first
    serious: int = 0
    new_disabled: int = 0
    dangerous_houses: int = 0
    clues: list[tuple[str, Decimal | None]] = field(default_factory=list)  # (signal, amount)


@dataclass(frozen=True)
class Assessment:
    signals: list[dict]
    level: int
    per_capita: Decimal | None
    line: Decimal | None


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def assess(figures: Figures, lines: dict[tuple[str, int], MonitoringLine]) -> Assessment | None:
    """The signals of one household (pure: no database); ``None`` when it shows none."""
    signals: list[dict] = []
    per_capita = line_amount = None
    if figures.incomes:
        year, per_capita = figures.incomes[0]
        line = lines.get((figures.region_code[:2], year))
        if line is not None:
            line_amount = line.amount
            params = {"year": year, "per_capita": _money(per_capita), "line": _money(line.amount)}
            if per_capita < line.amount:
                signals.append({"code": RiskSignal.BELOW_LINE, "params": params})
            elif per_capita <= line.amount * line.near_ratio:
                signals.append({"code": RiskSignal.NEAR_LINE, "params": {**params, "ratio": str(line.near_ratio)}})
            if len(figures.incomes) > 1:
                previous_year, previous = figures.incomes[1]
                if previous_year == year - 1 and previous > 0:
                    drop = (previous - per_capita) / previous * 100
                    if drop >= line.drop_percent:
                        signals.append({"code": RiskSignal.INCOME_DROP, "params": {
                            "year": year, "previous": _money(previous), "per_capita": _money(per_capita),
                            "percent": str(drop.quantize(Decimal("1"), rounding=ROUND_HALF_UP))}})
    if figures.serious:
        signals.append({"code": RiskSignal.SERIOUS_ILLNESS, "params": {"count": figures.serious}})
    if figures.new_disabled:
        signals.append({"code": RiskSignal.NEW_DISABILITY, "params": {"count": figures.new_disabled}})
    seen: set[str] = {signal["code"] for signal in signals}
    for code, amount in figures.clues:
        if code in seen:
            continue
        seen.add(code)
        signals.append({"code": code, "params": {"amount": _money(amount) if amount is not None else ""},
                        "source": "clue"})
    if figures.dangerous_houses:
        signals.append({"code": RiskSignal.DANGEROUS_HOUSE, "params": {"count": figures.dangerous_houses}})
    if not signals:
        return None
    level = min(MAX_LEVEL, sum(WEIGHTS.get(signal["code"], 1) for signal in signals))
    return Assessment(signals=signals, level=level, per_capita=per_capita, line=line_amount)


def signal_text(signal: dict) -> str:
    """One signal in words, in the reader's language."""
    code, params = signal.get("code"), signal.get("params") or {}
    try:
        if code == RiskSignal.BELOW_LINE:
            return _("per-capita net income %(per_capita)s yuan in %(year)s, below the line of %(line)s") % params
        if code == RiskSignal.NEAR_LINE:
            return _("per-capita net income %(per_capita)s yuan in %(year)s, near the line of %(line)s") % params
        if code == RiskSignal.INCOME_DROP:
            return _("per-capita income fell %(percent)s%% (%(previous)s → %(per_capita)s yuan) in %(year)s") % params
        if code == RiskSignal.SERIOUS_ILLNESS:
            return _("%(count)s member(s) seriously ill") % params
        if code == RiskSignal.NEW_DISABILITY:
            return _("%(count)s member(s) newly disabled") % params
        if code == RiskSignal.DANGEROUS_HOUSE:
            return _("%(count)s house(s) rated C or D") % params
    except (KeyError, TypeError, ValueError):
        pass
    label = str(dict(RiskSignal.choices).get(code, code))
    if params.get("amount"):
        return _("%(risk)s (reported, %(amount)s yuan)") % {"risk": label, "amount": params["amount"]}
    if signal.get("source") == "clue":
        return _("%(risk)s (reported)") % {"risk": label}
    return label


def collect_figures(households: dict[int, Figures], *, on: date, scope: Q) -> None:
    """Fill the figures of ``households`` (id → Figures) with one aggregate query per kind of fact."""
    ids_filter = {"household__status": HouseholdStatus.ACTIVE}
    incomes = (IncomeRecord.objects.filter(scope, **ids_filter).order_by("household_id", "-year")
               .values_list("household_id", "year", "per_capita"))
    for household_id, year, per_capita in incomes.iterator(chunk_size=5000):
        figures = households.get(household_id)
        if figures is not None and len(figures.incomes) < 2:
            figures.incomes.append((year, per_capita))
    members = Person.objects.filter(scope, status=PersonStatus.REGISTERED, **ids_filter)
    for household_id in members.filter(health_hash=lookup_hash(Health.SERIOUS)).values_list("household_id",
                                                                                            flat=True):
        if household_id in households:
            households[household_id].serious += 1
    disabled = dict(members.filter(health_hash=lookup_hash(Health.DISABLED)).values_list("pk", "household_id"))
    if disabled:
        since = timezone.now() - timedelta(days=NEW_DISABILITY_DAYS)
        changed = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person),
                                           timestamp__gte=since, changes__has_key="health_hash")
                   .values_list("object_pk", flat=True).distinct())
        for object_pk in changed:
            household_id = disabled.get(int(object_pk)) if str(object_pk).isdigit() else None
            if household_id in households:
                households[household_id].new_disabled += 1
    houses = House.objects.filter(scope, safety_rating__in=DANGEROUS_RATINGS, **ids_filter)
    for household_id in houses.values_list("household_id", flat=True):
        if household_id in households:
            households[household_id].dangerous_houses += 1
    recent = on - timedelta(days=CLUE_DAYS)
    clues = (RiskClue.objects.filter(scope, status__in=[ClueStatus.OPEN, ClueStatus.IN_CASE], **ids_filter)
             .filter(Q(occurred_on__gte=recent) | Q(occurred_on__isnull=True, created_at__date__gte=recent))
             .order_by("household_id", "-created_at").values_list("household_id", "signal", "amount"))
    for household_id, signal, amount in clues:
        if household_id in households:
            households[household_id].clues.append((signal, amount))


@dataclass
class RiskRun:
    """What one computation did."""

    households: int = 0
    flagged: int = 0
    by_level: dict[int, int] = field(default_factory=dict)
    missing_lines: list[tuple[str, int]] = field(default_factory=list)


@transaction.atomic
def risk_compute_all(*, actor: Actor = None, on: date | None = None, region_code: str | None = None) -> RiskRun:
    """Recompute the warnings of every household (or those under ``region_code``) and replace them at once."""
    if actor is not None:
        require_county_level(actor, RiskFlag, "change")
    on = on or timezone.localdate()
    region_filter = prefix_q("region__code", region_code) if region_code else Q()
    related_filter = prefix_q("household__region__code", region_code) if region_code else Q()
    households = {pk: Figures(region_code=code) for pk, code in Household.objects.filter(
        region_filter, status=HouseholdStatus.ACTIVE).values_list("pk", "region__code").iterator(chunk_size=5000)}
    collect_figures(households, on=on, scope=related_filter)
    lines = {(line.province_code, line.year): line for line in MonitoringLine.objects.all()}
    run = RiskRun(households=len(households))
    missing: set[tuple[str, int]] = set()
    flags = []
    for household_id, figures in households.items():
        if figures.incomes and (figures.region_code[:2], figures.incomes[0][0]) not in lines:
            missing.add((figures.region_code[:2], figures.incomes[0][0]))
        assessment = assess(figures, lines)
        if assessment is None:
            continue
        flags.append(RiskFlag(household_id=household_id, computed_on=on, level=assessment.level,
                              signals=assessment.signals, per_capita=assessment.per_capita, line=assessment.line))
        run.by_level[assessment.level] = run.by_level.get(assessment.level, 0) + 1
    for province, year in sorted(missing):
        logger.warning("no monitoring line for province %s in %s: income signals skipped there; "
                       "set it on the monitoring configuration page", province, year)
    run.missing_lines = sorted(missing)
    RiskFlag.objects.filter(related_filter).delete()
    RiskFlag.objects.bulk_create(flags, batch_size=BATCH)
    run.flagged = len(flags)
    return run

