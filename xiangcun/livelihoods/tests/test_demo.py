"""The livelihoods part of the synthetic demo (livelihoods/demo.py, drawn with each household of households/demo.py):
jobs that agree with their destinations, three years of income, the county's income rules."""

from __future__ import annotations

import pytest

from xiangcun.households.demo import seed_households
from xiangcun.households.models import Household
from xiangcun.livelihoods import choices
from xiangcun.livelihoods.models import Employment, IncomeRecord, IncomeRule
from xiangcun.monitoring.models import MonitoringLine

COUNT = 200


@pytest.fixture
def seeded(personas, tree):
    return seed_households(county=tree["623023"], count=COUNT, seed=7)


def test_work_places_agree_with_the_destinations(seeded):
    jobs = Employment.objects.all()
    assert jobs.count() > COUNT // 3
    for job in jobs:
        if job.place == choices.WorkPlace.IN_COUNTY:
            assert job.destination_code == "623023"
        elif job.place == choices.WorkPlace.IN_PROVINCE:
            assert job.destination_province == "甘肃省" and job.destination_code != "623023"
        else:
            assert job.destination_province != "甘肃省"
        assert job.end_date is None or job.end_date >= job.start_date


def test_three_years_of_income_with_some_households_near_or_below_the_line(seeded):
    lines = {line.year: line.amount for line in MonitoringLine.objects.filter(province_code="62")}
    assert lines[2025] == 7600
    assert IncomeRecord.objects.count() == 3 * COUNT
    latest = IncomeRecord.objects.filter(year=2025)
    near = latest.filter(per_capita__lt=lines[2025] * 12 / 10).count()
    assert 1 <= near <= COUNT // 5
    for record in latest[:50]:
        assert record.net_income == (record.wage_income + record.business_income - record.business_expense
                                     + record.property_income + record.transfer_income)
    monitored = Household.objects.filter(tags__code="jiance")
    for household in monitored:
        assert household.registrations.filter(category__is_monitoring=True, end_date__isnull=True).exists()


def test_income_rules_are_made_for_the_county(seeded):
    pepper = IncomeRule.objects.get(county_code="623023", kind="crop", item="花椒")
    assert pepper.net_per_unit == 60 * 80 - 800
