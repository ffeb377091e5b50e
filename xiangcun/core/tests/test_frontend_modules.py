"""Every page makes its maps with static/js/maps.js and its charts with static/js/charts.js, never with a copy.

A source check over the templates and our own scripts: the pieces the shared modules hold (creating a MapLibre map,
the blank style, the extent walk, reading MapLibre's locale, importing MapLibre, initialising ECharts, loading
ECharts) appear nowhere else. The browser side (the incident page's map drawn by the module) is in
test_browser_frontend.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

XIANGCUN = Path(__file__).resolve().parents[2]
STATIC = XIANGCUN / "static"
MAPS = STATIC / "js" / "maps.js"
CHARTS = STATIC / "js" / "charts.js"
CHARTS_INCLUDE = XIANGCUN / "templates" / "includes" / "charts.html"
# The big screen (数字大屏) is a plain script with a dark map and dark charts of its own, owned by the screen's
# work; it still carries its own copy. Remove these two once screen.js is a module built on maps.js/charts.js.
SCREEN = {STATIC / "dashboard" / "screen.js", XIANGCUN / "dashboard" / "templates" / "dashboard" / "screen.html"}

MAP_COPIES = {
    "a MapLibre map made by hand": re.compile(r"new\s+maplibregl\.Map\s*\("),
    "a style of its own": re.compile(r"version\s*:\s*8\b"),
    "a background layer of its own": re.compile(r"type\s*:\s*[\"']background[\"']"),
    "an extent walk": re.compile(r"typeof\s+\w+\[0\]\s*===?\s*[\"']number[\"']"),
    "MapLibre's locale read by hand": re.compile(r"maplibre-locale[\"']\s*\)"),
    "MapLibre imported by hand": re.compile(r"maplibre-gl\.mjs"),
}
CHART_COPIES = {
    "ECharts initialised by hand": re.compile(r"echarts\.init\s*\("),
    "ECharts loaded by hand": re.compile(r"echarts\.min\.js"),
    "an ECharts option built by hand": re.compile(r"\.setOption\s*\("),
}


def sources() -> list[Path]:
    """Our templates and scripts (the vendored libraries excluded)."""
    found = list(XIANGCUN.rglob("templates/**/*.html"))
    found += [path for path in STATIC.rglob("*") if path.suffix in {".js", ".mjs"} and "vendor" not in path.parts]
    return sorted(found)


def copies(patterns: dict[str, re.Pattern], allowed: set[Path]) -> list[str]:
    found = []
    for path in sources():
        if path in allowed or path in SCREEN:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(XIANGCUN)}: {what}" for what, pattern in patterns.items() if pattern.search(text)]
    return found


def test_the_sources_are_found():
    names = {path.name for path in sources()}
    assert {"maps.js", "charts.js", "point-picker.js", "map.js", "detail.html", "stats.html"} <= names
    maps = MAPS.read_text()
    assert all(pattern.search(maps) for pattern in MAP_COPIES.values()), "a pattern no longer matches maps.js"
    assert CHART_COPIES["ECharts initialised by hand"].search(CHARTS.read_text())
    assert CHART_COPIES["ECharts loaded by hand"].search(CHARTS_INCLUDE.read_text())


def test_no_page_or_script_keeps_a_copy_of_the_map_module():
    assert copies(MAP_COPIES, {MAPS}) == []


def test_no_page_or_script_keeps_a_copy_of_the_chart_module():
    assert copies(CHART_COPIES, {CHARTS, CHARTS_INCLUDE}) == []


MAP_SCRIPTS = ["js/point-picker.js", "js/region-map.js", "dashboard/map.js", "dashboard/village-map.js"]


@pytest.mark.parametrize("path", MAP_SCRIPTS)
def test_each_map_script_is_built_on_the_map_module(path):
    assert re.search(r"from\s+\"(\./|\.\./js/)maps\.js\"", (STATIC / path).read_text())
