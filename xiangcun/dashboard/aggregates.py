"""The counters of each village (村情快照), computed for many villages at once in a few GROUP BY queries.

``village_counters(ids)`` reads the households app and returns, per village id, a JSON-ready dict:

```
{"households": int,                      # registered (active) households
 "households_by_status": {status: n},    # every household, by status
 "persons": int,                         # registered members of registered households
 "age": {"M": [n × 9], "F": [n × 9]},   # persons by sex and age band (AGE_BANDS) on ``as_of``
 "by_ethnicity": {key: n},               # persons
 "by_tag": {tag code: n},                # registered households carrying the tag
 "income": {"2025": {"sum": float, "count": n, "below": n, "near": n, "bands": {band key: n}}},
 "cases": {state: n},                    # 防返贫 monitoring cases by state
 "as_of": "YYYY-MM-DD"}
```

Income figures are per household: ``sum`` adds the households' per-capita net income (``count`` of them), so the
mean is the mean household per-capita income; ``below`` / ``near`` compare it with that year's monitoring line of
the village's province (``MonitoringLine``; below: < line, near: line ≤ x ≤ line × near_ratio).

The counters are raw (small cells included): they are stored, summed, and only then suppressed
(``dashboard.privacy``). Nothing here loops over persons in Python; the queries return one row per
(village, group) and their number does not grow with the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

from xiangcun.households import choices
from xiangcun.households.models import Household, Person
from xiangcun.livelihoods.models import IncomeRecord
from xiangcun.monitoring.models import MonitoringCase, MonitoringLine

# Age bands of the pyramid: 0-9, 10-19 … 70-79, 80+.
AGE_BAND_YEARS = 10
AGE_BANDS = (*(f"{low}-{low + 9}" for low in range(0, 80, AGE_BAND_YEARS)), "80+")
# Households by per-capita net income (yuan per year): (key, lower bound); the last band is open.
INCOME_BANDS = (("lt5000", None), ("5000-10000", 5000), ("10000-15000", 10000), ("15000-20000", 15000),
                ("20000-30000", 20000), ("ge30000", 30000))
INCOME_BAND_LABELS = {"lt5000": "<5000", "5000-10000": "5000–10000", "10000-15000": "10000–15000",
                      "15000-20000": "15000–20000", "20000-30000": "20000–30000", "ge30000": "≥30000"}
BATCH = 500  # villages per round of queries (keeps IN lists short on any backend)
SEXES = (choices.Sex.MALE, choices.Sex.FEMALE)


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_band_expression(as_of: date) -> Case:
    """The index in AGE_BANDS of a person's age on ``as_of``, from ``birth_date`` (age ≥ n ⇔ born on or before
    ``as_of`` n years back)."""
    whens = [When(birth_date__gt=years_before(as_of, (index + 1) * AGE_BAND_YEARS), then=Value(index))
             for index in range(len(AGE_BANDS) - 1)]
    return Case(*whens, default=Value(len(AGE_BANDS) - 1), output_field=IntegerField())


def income_band_expression() -> Case:
    whens = [When(per_capita__lt=Decimal(upper), then=Value(key))
             for (key, _lower), (_next, upper) in pairwise(INCOME_BANDS)]
    return Case(*whens, default=Value(INCOME_BANDS[-1][0]))


def monitoring_lines() -> dict[tuple[str, int], MonitoringLine]:
    """(province code, year) -> the monitoring line."""
    return {(line.province_code, line.year): line for line in MonitoringLine.objects.all()}


def _line_conditions(lines: Iterable[MonitoringLine]) -> tuple[Q, Q]:
    """Conditions on IncomeRecord rows: below the line of their year and province, and near it."""
    below, near = Q(pk__in=[]), Q(pk__in=[])
    for line in lines:
        province = Q(household__region__code__gte=line.province_code,
                     household__region__code__lt=line.province_code + ":")
        below |= province & Q(year=line.year, per_capita__lt=line.amount)
        near |= province & Q(year=line.year, per_capita__gte=line.amount,
                             per_capita__lte=line.amount * line.near_ratio)
    return below, near


def empty_counters(as_of: date) -> dict:
    return {"households": 0, "households_by_status": {}, "persons": 0,
            "age": {sex: [0] * len(AGE_BANDS) for sex in SEXES}, "by_ethnicity": {}, "by_tag": {}, "income": {},
            "cases": {}, "as_of": as_of.isoformat()}


def village_counters(village_ids: Iterable[int], *, as_of: date | None = None) -> dict[int, dict]:
    """The counters of each village in ``village_ids`` (villages without any row get zeros)."""
    as_of = as_of or date.today()
    ids = list(village_ids)
    counters = {village_id: empty_counters(as_of) for village_id in ids}
    lines = list(monitoring_lines().values())
    for start in range(0, len(ids), BATCH):
        _count_batch(counters, ids[start:start + BATCH], as_of, lines)
    return counters


def _count_batch(counters: dict[int, dict], ids: list[int], as_of: date, lines: list[MonitoringLine]) -> None:
    active = choices.HouseholdStatus.ACTIVE
    households = (Household.objects.filter(region_id__in=ids).order_by().values("region_id", "status")
                  .annotate(n=Count("id")))
    for row in households:
        village = counters[row["region_id"]]
        village["households_by_status"][row["status"]] = row["n"]
        if row["status"] == active:
            village["households"] = row["n"]

    persons = (Person.objects.filter(household__region_id__in=ids, household__status=active,
                                     status=choices.PersonStatus.REGISTERED)
               .annotate(band=age_band_expression(as_of)).order_by()
               .values("household__region_id", "sex", "ethnicity", "band").annotate(n=Count("id")))
    for row in persons:
        village = counters[row["household__region_id"]]
        village["persons"] += row["n"]
        if row["sex"] in village["age"]:
            village["age"][row["sex"]][row["band"]] += row["n"]
        by_ethnicity = village["by_ethnicity"]
        by_ethnicity[row["ethnicity"]] = by_ethnicity.get(row["ethnicity"], 0) + row["n"]

    tagged = (Household.tags.through.objects.filter(household__region_id__in=ids, household__status=active)
              .order_by().values("household__region_id", "householdtag__code").annotate(n=Count("id")))
    for row in tagged:
        counters[row["household__region_id"]]["by_tag"][row["householdtag__code"]] = row["n"]

    below, near = _line_conditions(lines)
    incomes = (IncomeRecord.objects.filter(household__region_id__in=ids, household__status=active)
               .annotate(band=income_band_expression()).order_by()
               .values("household__region_id", "year", "band")
               .annotate(n=Count("id"), total=Sum("per_capita"), n_below=Count("id", filter=below),
                         n_near=Count("id", filter=near)))
    for row in incomes:
        years = counters[row["household__region_id"]]["income"]
        year = years.setdefault(str(row["year"]), {"sum": 0.0, "count": 0, "below": 0, "near": 0, "bands": {}})
        year["sum"] = round(year["sum"] + float(row["total"] or 0), 2)
        year["count"] += row["n"]
        year["below"] += row["n_below"]
        year["near"] += row["n_near"]
        year["bands"][row["band"]] = year["bands"].get(row["band"], 0) + row["n"]

    cases = (MonitoringCase.objects.filter(region_id__in=ids).order_by().values("region_id", "state")
             .annotate(n=Count("id")))
    for row in cases:
        counters[row["region_id"]]["cases"][row["state"]] = row["n"]


def add_counters(total: dict, counters: dict) -> dict:
    """Add one village's counters into ``total`` (in place; returns it)."""
    total["households"] = total.get("households", 0) + counters.get("households", 0)
    total["persons"] = total.get("persons", 0) + counters.get("persons", 0)
    for key in ("households_by_status", "by_ethnicity", "by_tag", "cases"):
        target = total.setdefault(key, {})
        for name, count in counters.get(key, {}).items():
            target[name] = target.get(name, 0) + count
    age = total.setdefault("age", {sex: [0] * len(AGE_BANDS) for sex in SEXES})
    for sex, counts in counters.get("age", {}).items():
        if sex in age:
            age[sex] = [a + b for a, b in zip(age[sex], counts, strict=False)]
    income = total.setdefault("income", {})
    for year, figures in counters.get("income", {}).items():
        target = income.setdefault(year, {"sum": 0.0, "count": 0, "below": 0, "near": 0, "bands": {}})
        target["sum"] = round(target["sum"] + figures.get("sum", 0.0), 2)
        for key in ("count", "below", "near"):
            target[key] += figures.get(key, 0)
        for band, count in figures.get("bands", {}).items():
            target["bands"][band] = target["bands"].get(band, 0) + count
    return total


def sum_counters(many: Iterable[dict]) -> dict:
    """The counters of several villages added up (zeros when there are none)."""
    total = empty_counters(date.today())
    del total["as_of"]
    for counters in many:
        add_counters(total, counters)
    return total

