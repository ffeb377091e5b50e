"""The overview's figures against the hand-counted registry of overview_data.py, at village and township level."""

from __future__ import annotations

import pytest

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.dashboard.aggregates import village_counters
from xiangcun.dashboard.models import RegionSnapshot
from xiangcun.dashboard.selectors import region_overview
from xiangcun.dashboard.services import snapshots_refresh
from xiangcun.dashboard.tests.overview_data import build_incidents, build_registry
from xiangcun.households.figures import AGE_BANDS

TOWNSHIP_A = VILLAGE_A[:9]
COUNTY = VILLAGE_A[:6]


@pytest.fixture
def registry(tree, personas):
    return {**build_registry(tree), **build_incidents(tree, personas)}


def counts(rows) -> dict:
    return {row["key"]: row["count"] for row in rows}


def test_village_counters_are_counted_in_group_by_queries(tree, registry, django_assert_max_num_queries):
    villages = [tree[VILLAGE_A].pk, tree[VILLAGE_A2].pk, tree[VILLAGE_B].pk]
    with django_assert_max_num_queries(6):  # lines, households, persons, tags, incomes, cases
        counters = village_counters(villages)
    a = counters[tree[VILLAGE_A].pk]["households"]  # the households app's counters (households/figures.py)
    assert a["households"] == 2
    assert a["households_by_status"] == {"active": 2, "cancelled": 1}
    assert a["persons"] == 7
    assert a["age"] == {"M": [1, 1, 0, 1, 1, 0, 0, 0, 0], "F": [0, 0, 0, 1, 1, 0, 0, 0, 1]}
    assert a["by_ethnicity"] == {"han": 1, "tibetan": 5, "hui": 1}
    assert a["by_tag"] == {"tuopin": 2, "jiance": 1}
    assert a["income"] == {
        "2025": {"sum": 14000.0, "count": 2, "below": 1, "near": 1, "bands": {"5000-10000": 2}},
        "2024": {"sum": 15000.0, "count": 1, "below": 0, "near": 0, "bands": {"15000-20000": 1}},
    }
    assert a["cases"] == {"assisting": 1, "clue": 1}
    assert counters[tree[VILLAGE_A2].pk]["households"]["persons"] == 3
    assert counters[tree[VILLAGE_B].pk]["households"]["by_tag"] == {"dibao": 1}


def test_a_village_overview_suppresses_its_small_cells(tree, registry):
    overview = region_overview(tree[VILLAGE_A])
    population = overview["population"]
    assert population["households"] is None  # 2 households: "<5"
    assert population["persons"] == 7
    assert counts(population["by_ethnicity"]) == {"han": None, "tibetan": 5, "hui": None, "other": 0}
    tags = counts(population["by_tag"])
    assert tags["tuopin"] is None and tags["jiance"] is None and tags["dibao"] == 0
    assert population["age_pyramid"]["bands"] == list(AGE_BANDS)
    assert population["age_pyramid"]["male"] == [None, None, 0, None, None, 0, 0, 0, 0]
    income = overview["income"]
    assert income["year"] == 2025 and income["monitoring_line"] == 7600.0
    # Two households a year: neither the mean nor the count may show (a mean of two reveals each).
    assert income["per_capita_trend"] == [{"year": 2024, "mean": None, "households": None},
                                          {"year": 2025, "mean": None, "households": None}]
    assert income["below_line"] is None and income["near_line"] is None
    assert counts(overview["monitoring"]["by_state"])["assisting"] is None
    assert overview["monitoring"]["open_cases"] is None
    assert overview["region"]["children"] == []
    assert [a["code"] for a in overview["region"]["ancestors"]] == ["62", "6230", COUNTY, TOWNSHIP_A]


def test_a_township_sums_its_villages_then_suppresses(tree, registry):
    overview = region_overview(tree[TOWNSHIP_A])
    population = overview["population"]
    assert population["households"] == 5  # 2 + 3: each village alone would be "<5"
    assert population["persons"] == 10
    assert counts(population["by_ethnicity"]) == {"han": None, "tibetan": 5, "hui": None, "other": 0}  # han: 1 + 3
    # 男 40–49: 1 in 杰迪村 + 3 in 水地村 = 4, still suppressed; 男 30–39 (1) too.
    assert population["age_pyramid"]["male"] == [None, None, 0, None, None, 0, 0, 0, 0]
    children = {child["code"]: child for child in overview["region"]["children"]}
    assert set(children) == {VILLAGE_A, VILLAGE_A2}  # not 狼岔坝村 of the other township
    # 杰迪村 7 persons, 水地村 3: beside the township's 10, showing 7 would give 水地村's 3 away, so both are hidden.
    assert children[VILLAGE_A]["persons"] is None and children[VILLAGE_A]["households"] is None
    assert children[VILLAGE_A2]["persons"] is None
    assert children[VILLAGE_A]["open_incidents"] == 2 and children[VILLAGE_A2]["open_incidents"] == 0
    assert counts(population["by_tag"])["dibao"] == 0  # 狼岔坝村's 低保户 is not in 立节镇


def test_the_county_adds_every_village(tree, registry):
    overview = region_overview(tree[COUNTY])
    assert overview["population"]["persons"] == 16
    assert overview["population"]["households"] == 6
    assert counts(overview["population"]["by_ethnicity"])["tibetan"] == 11
    assert overview["population"]["age_pyramid"]["female"][3] == 7  # 女 30–39: 1 + 6
    assert {child["code"] for child in overview["region"]["children"]} == {TOWNSHIP_A, VILLAGE_B[:9]}
    assert overview["incidents"]["today"] == 4  # 3 in 杰迪村 + 1 in 狼岔坝村


def test_incident_figures_are_live_and_not_suppressed(tree, registry):
    figures = region_overview(tree[VILLAGE_A])["incidents"]
    assert figures["today"] == 3 and figures["month"] == 3
    assert figures["open"] == 2  # the late one and the one from 40 days ago
    assert figures["overdue"] == 1
    assert figures["on_time_rate"] == 0.5  # of two closed this month, one ran late
    assert figures["village_closed_share"] == 0.5
    assert counts(figures["by_category"]) == {
        registry["late"].category.parent_id: 2, registry["closed_township"].category.parent_id: 1}
    assert [item["id"] for item in figures["recent"]] == [
        registry["late"].pk, registry["closed_township"].pk, registry["closed_village"].pk, registry["old"].pk]


def test_grid_figures(tree, registry):
    grid = region_overview(tree[TOWNSHIP_A])["grid"]
    assert grid["grids"] == 1 and grid["workers"] == 2 and grid["patrols_month"] == 1
    # The old incident was reported last month: only this month's two on the grid count.
    assert grid["reports_per_grid"] == [{"key": registry["grid"].code, "label": "杰迪一网格", "count": 2}]
    assert region_overview(tree[VILLAGE_B])["grid"] == {"grids": 0, "workers": 0, "patrols_month": 0,
                                                        "reports_per_grid": []}


def test_a_village_without_snapshot_is_computed_on_first_read(tree, registry):
    assert not RegionSnapshot.objects.exists()
    region_overview(tree[VILLAGE_A])
    assert list(RegionSnapshot.objects.values_list("region__code", flat=True)) == [VILLAGE_A]


def test_overview_reads_the_snapshot_until_it_is_refreshed(tree, registry):
    from xiangcun.dashboard.tests.overview_data import household

    snapshots_refresh()
    assert RegionSnapshot.objects.count() == 3
    for number in (8, 9):
        household(tree[VILLAGE_A2], f"A2-{number}", members=(("M", 40, "han"),))
    assert region_overview(tree[VILLAGE_A2])["population"]["households"] is None  # still 3 in the snapshot
    assert snapshots_refresh(villages=[tree[VILLAGE_A2]]) == 1
    assert region_overview(tree[VILLAGE_A2])["population"]["households"] == 5


def test_overview_query_count_does_not_grow_with_villages(tree, registry, django_assert_max_num_queries):
    snapshots_refresh()
    with django_assert_max_num_queries(20):
        region_overview(tree[COUNTY])


def test_the_command_refreshes_the_villages_under_a_region(tree, registry):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("refresh_dashboard", "--region", TOWNSHIP_A, stdout=out)
    assert set(RegionSnapshot.objects.values_list("region__code", flat=True)) == {VILLAGE_A, VILLAGE_A2}
    assert "2 villages" in out.getvalue()
    call_command("refresh_dashboard", stdout=out)
    assert RegionSnapshot.objects.count() == 3


def test_the_command_refuses_an_unknown_region(tree):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("refresh_dashboard", "--region", "999999")


def test_the_periodic_task_refreshes_every_village_every_ten_minutes(tree, registry):
    from datetime import datetime

    from xiangcun.dashboard.tasks import refresh_snapshots

    task = refresh_snapshots.task_class()
    assert task.validate_datetime(datetime(2026, 11, 24, 10, 20))
    assert not task.validate_datetime(datetime(2026, 11, 24, 10, 25))
    assert refresh_snapshots.call_local() == 3
    assert RegionSnapshot.objects.get(region=tree[VILLAGE_B]).data["households"]["persons"] == 6


def test_a_quiet_region_still_shows_its_latest_incidents(tree, registry, monkeypatch):
    from xiangcun.incidents import figures
    from xiangcun.incidents.tests.factories import make_incident

    for _ in range(3):
        make_incident(tree[VILLAGE_B])  # newer incidents elsewhere push 杰迪村's out of the short window
    monkeypatch.setattr(figures, "RECENT_WINDOW", 2)
    recent = region_overview(tree[VILLAGE_A])["incidents"]["recent"]
    assert [item["id"] for item in recent] == [
        registry["late"].pk, registry["closed_township"].pk, registry["closed_village"].pk, registry["old"].pk]


def test_seed_demo_ends_with_every_village_snapshot(db):
    from io import StringIO

    from django.core.management import call_command

    from xiangcun.regions.choices import Level
    from xiangcun.regions.models import Region

    out = StringIO()
    call_command("seed_demo", households=30, incidents=0, seed=5, stdout=out)
    villages = Region.objects.under("623023").filter(level=Level.VILLAGE)
    assert RegionSnapshot.objects.count() == villages.count() > 200
    assert sum(snapshot.data["households"]["households"] for snapshot in RegionSnapshot.objects.all()) == 30
    assert f"dashboard snapshots: {villages.count()} villages" in out.getvalue()
