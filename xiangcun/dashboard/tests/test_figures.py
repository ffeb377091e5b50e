"""The figure registry (core.figures) seen from the dashboard: a module that declares a counter, a block, a panel and a
key figure in its own figures.py appears in the overview API and on the screen, its counts added up and suppressed by
the dashboard, and hidden from readers without its permission."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from xiangcun.core import figures
from xiangcun.core.figures import Block, Cell, Chart, Counter, KeyFigure, Mean, Panel, Surname, Tile
from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.dashboard.models import RegionSnapshot
from xiangcun.dashboard.privacy import resolve
from xiangcun.dashboard.selectors import region_overview
from xiangcun.dashboard.services import snapshots_refresh

TOWNSHIP_A = VILLAGE_A[:9]
COUNTY = VILLAGE_A[:6]
SEEN_BY_CADRES = "incidents.view_incident"
MEMBERS = {VILLAGE_A: 2, VILLAGE_A2: 2, VILLAGE_B: 6}  # tparty members per village, one of each in the old branch


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch):
    """Each test registers its module on a copy of the registry; the apps' declarations stay as they are."""
    figures.counters()  # the apps' figures.py are imported first, so they are in the copy
    monkeypatch.setattr(figures, "_REGISTRY", {kind: dict(items) for kind, items in figures._REGISTRY.items()})
    cache.clear()
    yield
    cache.clear()


def tparty_members(village_ids: list[int], as_of) -> dict[int, dict]:
    from xiangcun.regions.models import Region

    codes = dict(Region.objects.filter(pk__in=village_ids).values_list("pk", "code"))
    return {pk: {"members": MEMBERS.get(code, 0), "by_branch": {"old": 1, "young": MEMBERS.get(code, 0) - 1}}
            for pk, code in codes.items()}


def tparty(area) -> dict:
    counted = area.counted("tparty")
    return {"members": Cell(counted.get("members", 0)),
            "by_branch": [{"key": key, "label": key, "count": Cell(counted.get("by_branch", {}).get(key, 0), "branch")}
                          for key in ("old", "young")],
            "meetings": 9}  # events: shown as they are


def register_tparty(permission: str = SEEN_BY_CADRES) -> None:
    figures.register(
        Counter("tparty", tparty_members),
        Block("tparty", tparty, permission, order=90),
        Panel("tparty", "党建之窗", permission, place="right", order=5, height=200,
              tiles=(Tile("tparty.members", "党员", testid="figure-tparty-members"),
                     Tile("tparty.meetings", "三会一课")),
              charts=(Chart("tparty_branches", "bars", "tparty.by_branch", "党员"),)),
        KeyFigure("tparty_members", "tparty.members", "党员", permission, order=60),
    )


def embedded(response, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    assert match, f"#{element_id} is not in the page"
    return json.loads(match.group(1))


def test_a_module_s_panel_reaches_the_overview_api_and_the_screen(client_as, tree):
    register_tparty()
    client = client_as("county_admin")
    body = client.get(reverse("dashboard:overview-api", args=[COUNTY])).json()
    assert body["tparty"] == {"members": 10, "by_branch": [{"key": "old", "label": "old", "count": None},
                                                         {"key": "young", "label": "young", "count": None}],
                             "meetings": 9}
    assert body["population"]["households"] == 0  # the apps' own blocks are still there

    response = client.get(f"/screen/{COUNTY}/")
    content = response.content.decode()
    assert 'data-testid="panel-tparty"' in content and "党建之窗" in content
    assert 'data-testid="figure-tparty-members">10<' in content  # a tile, drawn by the server
    assert 'data-testid="figure-tparty-members"' in content and 'data-figure="tparty.members"' in content
    assert 'data-chart="tparty_branches" data-kind="bars"' in content
    charts = {spec["key"]: spec for spec in embedded(response, "screen-charts")}
    assert charts["tparty_branches"] == {"key": "tparty_branches", "kind": "bars", "figure": "tparty.by_branch",
                                        "label": "党员", "options": {}, "testid": "chart-tparty-branches"}
    assert {"tags", "pyramid", "on_time", "categories"} <= set(charts)  # the apps' panels are there as before
    # The right column puts it first (order 5): above the incidents panel.
    assert content.index('data-testid="panel-tparty"') < content.index('data-testid="panel-incidents"')


def test_the_dashboard_adds_up_then_suppresses_a_module_s_counts(tree):
    register_tparty()
    assert region_overview(tree[VILLAGE_A])["tparty"]["members"] is None  # 2
    assert region_overview(tree[TOWNSHIP_A])["tparty"]["members"] is None  # 2 + 2
    county = region_overview(tree[COUNTY])["tparty"]
    assert county["members"] == 10  # 2 + 2 + 6
    assert region_overview(tree[VILLAGE_B])["tparty"]["members"] == 6
    # old 3, young 7: the branches add up to the members shown, so hiding only the 3 would give it away (10 - 7).
    assert [row["count"] for row in county["by_branch"]] == [None, None]


def test_a_block_and_its_panel_are_left_out_for_a_reader_without_its_permission(client_as, tree):
    register_tparty(permission="tparty.view_member")  # nobody holds it in the test roles
    client = client_as("county_admin")
    body = client.get(reverse("dashboard:overview-api", args=[COUNTY])).json()
    assert "tparty" not in body and "population" in body
    content = client.get(f"/screen/{COUNTY}/").content.decode()
    assert 'data-testid="panel-tparty"' not in content and "tparty.members" not in content
    assert 'data-testid="panel-population"' in content


def test_a_snapshot_without_a_new_module_s_counters_is_recomputed_on_read(tree):
    snapshots_refresh()
    assert "tparty" not in RegionSnapshot.objects.get(region=tree[VILLAGE_A]).data
    register_tparty()
    assert region_overview(tree[COUNTY])["tparty"]["members"] == 10  # not 0 until the periodic refresh
    assert RegionSnapshot.objects.get(region=tree[VILLAGE_A]).data["tparty"]["members"] == 2


def test_the_dashboard_resolves_means_and_names():
    shown = resolve({"few": Mean(9000.0, 4), "many": Mean(50_000.0, 5), "reporter": Surname("张三丰"),
                     "cells": [Cell(0), Cell(3), Cell(12)]})
    assert shown == {"few": None, "many": 10_000.0, "reporter": "张*", "cells": [0, None, 12]}


def test_a_declaration_is_checked_when_registered():
    register_tparty()
    with pytest.raises(ValueError, match="registered twice"):
        figures.register(Block("tparty", tparty, SEEN_BY_CADRES))
    with pytest.raises(ValueError, match="dashboard's own"):
        figures.register(Block("region", tparty, SEEN_BY_CADRES))
    with pytest.raises(ValueError, match="unknown kind"):
        Chart("x", "radar", "tparty.members")
    with pytest.raises(ValueError, match="unknown place"):
        Panel("x", "x", SEEN_BY_CADRES, place="top")
