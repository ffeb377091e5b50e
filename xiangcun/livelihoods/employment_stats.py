"""务工 summaries: persons at work by destination province, by industry and by month of a year.

Each figure is one aggregate query over jobs the caller already restricted; a person with two jobs
counts once in a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from xiangcun.livelihoods import choices


def active_in(first: date, last: date, prefix: str = "") -> Q:
    """Jobs that overlap [first, last]."""
    return Q(**{f"{prefix}start_date__lte": last}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": first}))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class Summary:
    year: int
    persons: int
    by_province: list[tuple[str, int]]
    by_industry: list[tuple[str, str, int]]
    by_place: list[tuple[str, str, int]]
    by_month: list[int]


def employment_summary(jobs: QuerySet, year: int) -> Summary:
    """Persons working in ``year`` among ``jobs`` (restricted Employment rows): 4 queries whatever the rows."""
    in_year = jobs.filter(active_in(date(year, 1, 1), date(year, 12, 31))).order_by()
    persons = in_year.aggregate(n=Count("person", distinct=True))["n"]
    by_province = [(row["destination_province"], row["n"]) for row in
                   in_year.values("destination_province").annotate(n=Count("person", distinct=True))
                   .order_by("-n", "destination_province")]
    industries = dict(choices.Industry.choices)
    by_industry = [(row["industry"], str(industries.get(row["industry"], row["industry"])), row["n"]) for row in
                   in_year.values("industry").annotate(n=Count("person", distinct=True)).order_by("-n", "industry")]
    places = dict(choices.WorkPlace.choices)
    by_place = [(row["place"], str(places.get(row["place"], row["place"])), row["n"]) for row in
                in_year.values("place").annotate(n=Count("person", distinct=True)).order_by("place")]
    monthly = in_year.aggregate(**{
        f"m{month}": Count("person", distinct=True, filter=active_in(*month_bounds(year, month)))
        for month in range(1, 13)
    })
    return Summary(year=year, persons=persons, by_province=by_province, by_industry=by_industry,
                   by_place=by_place, by_month=[monthly[f"m{month}"] for month in range(1, 13)])
