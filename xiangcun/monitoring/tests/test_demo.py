"""The monitoring part of the synthetic demo (monitoring/demo.py, drawn with each household of households/demo.py):
the province's monitoring lines and cases whose timelines are in order."""

from __future__ import annotations

import pytest

from xiangcun.households.demo import seed_households
from xiangcun.monitoring.models import MonitoringCase, MonitoringLine

COUNT = 200


@pytest.fixture
def seeded(personas, tree):
    return seed_households(county=tree["623023"], count=COUNT, seed=7)


def test_monitoring_lines_are_made_for_the_province(seeded):
    assert set(MonitoringLine.objects.values_list("year", flat=True)) >= {2023, 2024, 2025, 2026}


def test_monitoring_cases_have_timelines_in_order(seeded):
    cases = MonitoringCase.objects.all()
    assert cases.exists()
    for case in cases:
        events = list(case.events.order_by("at", "id"))
        assert events and events[-1].to_state == case.state
        assert [e.at for e in events] == sorted(e.at for e in events)

