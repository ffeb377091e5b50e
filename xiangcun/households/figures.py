"""The households app on the big screens (core.figures): its village counters, its blocks of the overview
(``population``, ``income``, ``monitoring``), the households and persons of each child region, its panels and key
figures. docs/dashboard.md defines every figure.

The counters of a village (stored in its snapshot under ``"households"``)::

    {"households": int,                      # registered (active) households
     "households_by_status": {status: n},    # every household, by status
     "persons": int,                         # registered members of registered households
     "age": {"M": [n × 9], "F": [n × 9]},   # persons by sex and age band (AGE_BANDS) on ``as_of``
     "by_ethnicity": {key: n},               # persons
     "by_tag": {tag code: n},                # registered households carrying the tag
     "income": {"2025": {"sum": float, "count": n, "below": n, "near": n, "bands": {band key: n}}},
     "cases": {state: n}}                    # 防返贫 monitoring cases by state

Income figures are per household: ``sum`` adds the households' per-capita net income (``count`` of them), so the
mean is the mean household per-capita income; ``below`` / ``near`` compare it with that year's monitoring line of
the village's province (``MonitoringLine``; below: < line, near: line ≤ x ≤ line × near_ratio).

The counters are raw (small cells included); every count of persons or households leaves here wrapped in
``Cell`` or ``Mean`` and the dashboard suppresses it. Nothing loops over persons in Python; the queries return one
row per (village, group) and their number does not grow with the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from xiangcun.core.figures import Area, Block, Cell, Chart, Counter, KeyFigure, Mean, Panel, Tile, register
from xiangcun.households import choices
from xiangcun.households.models import Household, HouseholdTag, Person
from xiangcun.livelihoods.models import IncomeRecord
from xiangcun.monitoring.choices import CaseState
from xiangcun.monitoring.models import MonitoringCase, MonitoringLine
from xiangcun.monitoring.workflow import OPEN_STATES as OPEN_CASE_STATES

KEY = "households"  # the snapshot key of the counters below
PERMISSION = "households.view_household"
# Age bands of the pyramid: 0-9, 10-19 … 70-79, 80+.
AGE_BAND_YEARS = 10
AGE_BANDS = (*(f"{low}-{low + 9}" for low in range(0, 80, AGE_BAND_YEARS)), "80+")
# Households by per-capita net income (yuan per year): (key, lower bound); the last band is open.
INCOME_BANDS = (("lt5000", None), ("5000-10000", 5000), ("10000-15000", 10000), ("15000-20000", 15000),
                ("20000-30000", 20000), ("ge30000", 30000))
INCOME_BAND_LABELS = {"lt5000": "<5000", "5000-10000": "5000–10000", "10000-15000": "10000–15000",
                      "15000-20000": "15000–20000", "20000-30000": "20000–30000", "ge30000": "≥30000"}
SEXES = (choices.Sex.MALE, choices.Sex.FEMALE)


# --- the village counters -----------------------------------------------------------------------------------------

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


def empty_counters() -> dict:
    return {"households": 0, "households_by_status": {}, "persons": 0,
            "age": {sex: [0] * len(AGE_BANDS) for sex in SEXES}, "by_ethnicity": {}, "by_tag": {}, "income": {},
            "cases": {}}


def village_counters(village_ids: list[int], as_of: date) -> dict[int, dict]:
    """The counters of each village in ``village_ids`` (villages without any row get zeros): six queries."""
    counters = {village_id: empty_counters() for village_id in village_ids}
    ids = list(counters)
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

    below, near = _line_conditions(monitoring_lines().values())
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
    return counters


# --- blocks of the overview ---------------------------------------------------------------------------------------

def counted(keys_and_labels: Iterable[tuple], counts: dict, *, partition: str | None = None) -> list[dict]:
    """Rows ``{"key", "label", "count"}`` of a breakdown of persons or households; ``partition`` names the cells
    when they add up to a total shown beside them."""
    return [{"key": key, "label": str(label), "count": Cell(counts.get(key, 0), partition)}
            for key, label in keys_and_labels]


def population(area: Area) -> dict:
    totals = area.counted(KEY)
    tags = list(HouseholdTag.objects.order_by("order", "code").values_list("code", "name"))
    age = totals["age"]
    return {
        "households": Cell(totals["households"]),
        "persons": Cell(totals["persons"]),
        "by_tag": counted(tags, totals["by_tag"]),  # not a partition: a household may carry several tags
        "by_ethnicity": counted(choices.Ethnicity.choices, totals["by_ethnicity"], partition="ethnicity"),
        "age_pyramid": {"bands": list(AGE_BANDS),  # every person is in one cell of the pyramid
                        "male": [Cell(n, "age") for n in age[choices.Sex.MALE]],
                        "female": [Cell(n, "age") for n in age[choices.Sex.FEMALE]]},
    }


def income(area: Area) -> dict:
    totals = area.counted(KEY)
    years = sorted((int(year), figures) for year, figures in totals["income"].items() if figures["count"])
    if not years:
        return {"year": None, "monitoring_line": None, "per_capita_trend": [], "distribution": [],
                "below_line": None, "near_line": None}
    trend = [{"year": year, "mean": Mean(figures["sum"], figures["count"]), "households": Cell(figures["count"])}
             for year, figures in years]
    year, latest = years[-1]
    line = MonitoringLine.objects.filter(province_code=area.region.code[:2], year=year).first()
    return {
        "year": year,
        "monitoring_line": float(line.amount) if line else None,
        "per_capita_trend": trend,
        "distribution": counted(((key, INCOME_BAND_LABELS[key]) for key, _lower in INCOME_BANDS), latest["bands"],
                                partition="income-bands"),  # adds up to the year's households
        "below_line": Cell(latest["below"]) if line else None,
        "near_line": Cell(latest["near"]) if line else None,
    }


def monitoring(area: Area) -> dict:
    cases = area.counted(KEY)["cases"]
    rows = {row["key"]: row for row in counted(
        [(state, label) for state, label in CaseState.choices if state in OPEN_CASE_STATES], cases,
        partition="open-cases")}  # the open states add up to open_cases
    rows.update({row["key"]: row for row in counted(
        [(state, label) for state, label in CaseState.choices if state not in OPEN_CASE_STATES], cases)})
    return {"by_state": [rows[state] for state, _label in CaseState.choices],
            "open_cases": Cell(sum(cases.get(state, 0) for state in OPEN_CASE_STATES))}


def child_households(area: Area) -> list[dict]:
    """Each child region's households and persons: they add up to the region's, so each is one partition."""
    return [{"households": Cell(child.counted(KEY)["households"], "children-households"),
             "persons": Cell(child.counted(KEY)["persons"], "children-persons")} for child in area.children]


register(
    Counter(KEY, village_counters, empty=empty_counters),
    Block("population", population, PERMISSION, children=child_households, order=10),
    Block("income", income, PERMISSION, order=20),
    Block("monitoring", monitoring, PERMISSION, order=30),
    Panel("population", _("Population and households"), PERMISSION, place="left", order=10, height=350,
          tiles=(Tile("population.households", _("households"), testid="figure-households"),
                 Tile("population.persons", _("persons"), testid="figure-persons")),
          charts=(Chart("tags", "hbars", "population.by_tag", _("households"), {"font": 12}),)),
    Panel("people", _("Ethnicity and age"), PERMISSION, place="left", order=20, height=280,
          charts=(Chart("ethnicity", "pie", "population.by_ethnicity", _("persons")),
                  Chart("pyramid", "pyramid", "population.age_pyramid"))),
    Panel("income", _("Income"), PERMISSION, place="left", order=30, subtitle="income.year",
          charts=(Chart("trend", "line", "income.per_capita_trend", _("per-capita income (yuan)"),
                        {"line": "income.monitoring_line"}),
                  Chart("distribution", "bars", "income.distribution", _("households"),
                        {"color": "#2b8cff", "rotate": 35, "font": 11, "line": "income.monitoring_line"}))),
    Panel("monitoring", _("Preventing a return to poverty (防返贫): cases by state"), PERMISSION, place="centre",
          order=10, height=230,
          charts=(Chart("monitoring", "bars", "monitoring.by_state", _("cases"), {"color": "#ffd166", "font": 12}),)),
    KeyFigure("open_cases", "monitoring.open_cases", _("open monitoring cases"), PERMISSION, order=40),
    KeyFigure("below_line", "income.below_line", _("households below the line"), PERMISSION, order=50, warn=True),
)
