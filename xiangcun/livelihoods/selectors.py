"""Reads of 务工 that are more than a filter: the labour subsidy (劳务补贴) list, used by the 小微权力 module."""

from __future__ import annotations

LABOUR_SUBSIDY_SETTING = "households.labour_subsidy_months"  # the key from before the split: saved values stay
LABOUR_SUBSIDY_DEFAULT_MONTHS = 6
OUTSIDE_COUNTY = ("in_province", "out_province")  # choices.WorkPlace values of work outside the home county


def labour_subsidy_required_months() -> int:
    """N of "outside-county work for at least N months in the year" (SystemSetting, default 6)."""
    from xiangcun.core.models import SystemSetting

    value = SystemSetting.get(LABOUR_SUBSIDY_SETTING, LABOUR_SUBSIDY_DEFAULT_MONTHS)
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else LABOUR_SUBSIDY_DEFAULT_MONTHS


def outside_county_months(persons, year: int) -> dict[int, int]:
    """Person id -> months of ``year`` in which the person worked outside the home county.

    A month counts once even when two jobs overlap in it; a job that began in an earlier year or
    ends in a later one counts only its months inside ``year``. One query for all ``persons``.
    """
    from datetime import date

    from django.db.models import Q

    from xiangcun.livelihoods.models import Employment

    first, last = date(year, 1, 1), date(year, 12, 31)
    jobs = (Employment.objects.filter(person__in=persons.values("pk"), place__in=OUTSIDE_COUNTY,
                                      start_date__lte=last)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
            .values_list("person_id", "start_date", "end_date"))
    months: dict[int, set[int]] = {}
    for person_id, start, end in jobs:
        start = max(start, first)
        end = min(end or last, last)
        months.setdefault(person_id, set()).update(range(start.month, end.month + 1))
    return {person_id: len(worked) for person_id, worked in months.items()}


def labour_subsidy_eligible(persons, year: int, months: int | None = None):
    """Persons of ``persons`` (a queryset the caller restricted) who worked outside the home county for at
    least ``months`` months of ``year`` (default: the configured N): the 劳务补贴 candidates."""
    months = labour_subsidy_required_months() if months is None else months
    counted = outside_county_months(persons, year)
    return persons.filter(pk__in=[person_id for person_id, worked in counted.items() if worked >= months])
