"""收入测算 — a household's income estimated from its land, livestock and work (reads only, no writes).

The county's rules (``IncomeRule``) give the net income of one unit: a mu of a crop, a head of
livestock, a month of work in a place (inside the county, the province, outside it). A job whose
monthly income was declared counts with that income instead of the rule, and the breakdown says so.

What the rules estimate are the wage and business parts of the income. Property and transfer
income (rents, pensions, 低保 …) have no rule: the estimated net income takes them as declared, so
the difference between declaration and estimate is the difference in what can be estimated.

Everything is computed from a handful of aggregate queries for a whole queryset of households
(sums per household of parcel area by crop, heads by kind, and the jobs that overlap the year),
never one query per household.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.core.scoping import permission_name, user_scope
from xiangcun.households import choices as household_choices
from xiangcun.households.models import (
    Household,
    LandParcel,
    LivestockHolding,
    Person,
)
from xiangcun.livelihoods import choices
from xiangcun.livelihoods.models import (
    Employment,
    IncomeRecord,
    IncomeRule,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
DEFAULT_THRESHOLD_PERCENT = 30


class Source:
    """Where the amount of a breakdown line comes from."""

    RULE = "rule"
    DECLARED = "declared"
    NO_RULE = "no_rule"

    LABELS = {RULE: _("county rule"), DECLARED: _("declared monthly income"), NO_RULE: _("no rule")}


@dataclass(frozen=True)
class EstimateLine:
    """One line of the breakdown: e.g. 花椒 2.5 mu × 3,600 yuan = 9,000 yuan."""

    kind: str
    item: str
    label: str | Promise
    quantity: Decimal
    unit: str | Promise
    per_unit: Decimal | None
    amount: Decimal
    source: str

    @property
    def source_label(self) -> str | Promise:
        return Source.LABELS[self.source]


@dataclass
class Estimate:
    """A household's estimated income of one year beside its declaration."""

    household_id: int
    year: int
    lines: list[EstimateLine] = field(default_factory=list)
    family_size: int = 0
    declared: IncomeRecord | None = None

    @property
    def wages(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == choices.RuleKind.WORK), ZERO)

    @property
    def business(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind != choices.RuleKind.WORK), ZERO)

    @property
    def not_estimated(self) -> Decimal:
        """Property and transfer income, taken as declared (no rule estimates them)."""
        if self.declared is None:
            return ZERO
        return self.declared.property_income + self.declared.transfer_income

    @property
    def total(self) -> Decimal:
        return (self.wages + self.business + self.not_estimated).quantize(CENT)

    @property
    def per_capita(self) -> Decimal:
        return (self.total / self.family_size).quantize(CENT) if self.family_size else ZERO

    @property
    def declared_net(self) -> Decimal | None:
        return self.declared.net_income if self.declared is not None else None

    @property
    def difference(self) -> Decimal | None:
        """Declared minus estimated net income (negative: declared less than estimated)."""
        return None if self.declared is None else self.declared.net_income - self.total

    @property
    def difference_percent(self) -> Decimal | None:
        """The difference as a percentage of the estimate; None without declaration or estimate."""
        if self.declared is None or self.total <= 0:
            return None
        return (self.difference * 100 / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def diverges(self, threshold_percent: int | Decimal) -> bool:
        """Declared and estimated net income differ by more than ``threshold_percent`` of the estimate."""
        if self.declared is None:
            return False
        if self.total <= 0:
            return self.declared.net_income != self.total
        return abs(self.difference_percent) > Decimal(threshold_percent)


# --- rules ---------------------------------------------------------------------------------------------

def county_code_of(household: Household) -> str:
    return household.region.code[:6]


def rules_for_county(county_code: str) -> dict[tuple[str, str], IncomeRule]:
    """The county's active rules, keyed by (kind, item)."""
    return {(rule.kind, rule.item): rule
            for rule in IncomeRule.objects.filter(county_code=county_code, active=True)}


def home_county_code(user) -> str | None:
    """The county whose rules a user works with: the county of their (first) assigned region."""
    scope = user_scope(user, permission_name(Household, "view"))
    for code in scope.codes:
        if len(code) >= 6:
            return code[:6]
    from xiangcun.regions.choices import Level
    from xiangcun.regions.models import Region

    region = Region.objects.restrict(user, "view").filter(level=Level.COUNTY).order_by("code").first()
    if region is not None:
        return region.code
    person = Person.objects.filter(account=user).select_related("household__region").first() if user else None
    return person.household.region.code[:6] if person else None


# --- inputs, gathered for many households at once ------------------------------------------------------

@dataclass
class _Inputs:
    crops: dict[str, Decimal] = field(default_factory=dict)
    livestock: dict[str, int] = field(default_factory=dict)
    jobs: list[tuple[str, int, Decimal]] = field(default_factory=list)  # (place, months, monthly income)
    members: int = 0


def _gather(households: QuerySet, year: int) -> dict[int, _Inputs]:
    """Four aggregate queries for all of ``households``: crops, livestock, jobs in the year, members."""
    ids = households.values("pk")
    inputs: dict[int, _Inputs] = defaultdict(_Inputs)
    parcels = (LandParcel.objects.filter(household__in=ids).exclude(crop="")
               .values("household_id", "crop").annotate(area=Sum("area_mu")).order_by())
    for row in parcels:
        crop = row["crop"].strip()
        entry = inputs[row["household_id"]].crops
        entry[crop] = entry.get(crop, ZERO) + row["area"]
    holdings = (LivestockHolding.objects.filter(household__in=ids).values("household_id", "kind")
                .annotate(total=Sum("heads")).order_by())
    for row in holdings:
        inputs[row["household_id"]].livestock[row["kind"]] = row["total"]
    first, last = date(year, 1, 1), date(year, 12, 31)
    jobs = (Employment.objects.filter(person__household__in=ids, start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .values_list("person__household_id", "place", "start_date", "end_date", "monthly_income"))
    for household_id, place, start, end, monthly in jobs:
        months = Employment(start_date=start, end_date=end).months_in(year)
        if months:
            inputs[household_id].jobs.append((place, months, monthly))
    members = (Person.objects.filter(household__in=ids, status=household_choices.PersonStatus.REGISTERED)
               .values("household_id").annotate(n=Count("pk")).order_by())
    for row in members:
        inputs[row["household_id"]].members = row["n"]
    return inputs


def _lines(inputs: _Inputs, rules: dict[tuple[str, str], IncomeRule]) -> list[EstimateLine]:
    lines: list[EstimateLine] = []
    mu, head, month = _("mu"), _("head"), _("month")
    for crop, area in sorted(inputs.crops.items()):
        rule = rules.get((choices.RuleKind.CROP, crop))
        per_unit = rule.net_per_unit if rule else None
        lines.append(EstimateLine(choices.RuleKind.CROP, crop, crop, area, mu, per_unit,
                                  (area * per_unit).quantize(CENT) if rule else ZERO,
                                  Source.RULE if rule else Source.NO_RULE))
    livestock_labels = dict(household_choices.Livestock.choices)
    for kind, heads in sorted(inputs.livestock.items()):
        rule = rules.get((choices.RuleKind.LIVESTOCK, kind))
        per_unit = rule.net_per_unit if rule else None
        lines.append(EstimateLine(choices.RuleKind.LIVESTOCK, kind, livestock_labels.get(kind, kind), Decimal(heads),
                                  head, per_unit, (heads * per_unit).quantize(CENT) if rule else ZERO,
                                  Source.RULE if rule else Source.NO_RULE))
    place_labels = dict(choices.WorkPlace.choices)
    for place, months, monthly in inputs.jobs:
        rule = rules.get((choices.RuleKind.WORK, place))
        if monthly and monthly > 0:
            per_unit, source = monthly, Source.DECLARED
        elif rule is not None:
            per_unit, source = rule.net_per_unit, Source.RULE
        else:
            per_unit, source = None, Source.NO_RULE
        amount = (months * per_unit).quantize(CENT) if per_unit is not None else ZERO
        lines.append(EstimateLine(choices.RuleKind.WORK, place, place_labels.get(place, place), Decimal(months),
                                  month, per_unit, amount, source))
    return lines


def estimate_many(households: QuerySet, year: int,
                  rules_by_county: dict[str, dict[tuple[str, str], IncomeRule]] | None = None) -> dict[int, Estimate]:
    """Estimates of every household of ``households`` (already restricted) for ``year``, by household id."""
    households = households.order_by()
    inputs = _gather(households, year)
    declared = {record.household_id: record
                for record in IncomeRecord.objects.filter(household__in=households.values("pk"), year=year)}
    counties = {code[:6] for code in households.values_list("region__code", flat=True).distinct()}
    if rules_by_county is None:
        rules_by_county = {}
    missing = counties - set(rules_by_county)
    if missing:
        for rule in IncomeRule.objects.filter(county_code__in=missing, active=True):
            rules_by_county.setdefault(rule.county_code, {})[(rule.kind, rule.item)] = rule
    estimates: dict[int, Estimate] = {}
    for household_id, region_code in households.values_list("pk", "region__code"):
        data = inputs.get(household_id, _Inputs())
        record = declared.get(household_id)
        estimates[household_id] = Estimate(
            household_id=household_id, year=year, declared=record,
            lines=_lines(data, rules_by_county.get(region_code[:6], {})),
            family_size=record.family_size if record else data.members,
        )
    return estimates


def estimate_household(household: Household, year: int,
                       rules: dict[tuple[str, str], IncomeRule] | Iterable[IncomeRule] | None = None) -> Estimate:
    """One household's estimate (the dossier's breakdown); ``rules`` default to its county's."""
    if rules is None:
        rules = rules_for_county(county_code_of(household))
    elif not isinstance(rules, dict):
        rules = {(rule.kind, rule.item): rule for rule in rules if rule.active}
    queryset = Household.objects.filter(pk=household.pk)
    return estimate_many(queryset, year, {county_code_of(household): rules})[household.pk]


@dataclass(frozen=True)
class DivergentRow:
    household: Household
    estimate: Estimate


def divergent_households(queryset: QuerySet, year: int,
                         threshold_percent: int | Decimal = DEFAULT_THRESHOLD_PERCENT) -> list[DivergentRow]:
    """Households of ``queryset`` (restricted by the caller) whose declared net income of ``year`` differs
    from the estimate by more than ``threshold_percent``; largest differences first."""
    declared_ids = IncomeRecord.objects.filter(household__in=queryset.values("pk"), year=year).values("household_id")
    households = queryset.filter(pk__in=declared_ids)
    estimates = estimate_many(households, year)
    rows = [DivergentRow(household, estimates[household.pk])
            for household in households.select_related("region")
            if estimates[household.pk].diverges(threshold_percent)]

    def weight(row: DivergentRow) -> Decimal:
        percent = row.estimate.difference_percent
        return abs(percent) if percent is not None else Decimal("1e9")

    return sorted(rows, key=lambda row: (-weight(row), row.household.number))
