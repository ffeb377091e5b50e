"""Browser tests of the shared front-end modules (static/js/maps.js, static/js/charts.js) in Chromium.

- The incident page's map is made by maps.js (not by a copy of its own): it loads the module, draws the village
  and the reported point (pixels read back with ``?capture=1``), opens a popup on the point, with no failed and
  no foreign request and no script error.
- The four desk pages with charts (incidents in figures, the low-income register, migrant work in figures, a
  household's income) draw them with charts.js: every chart's canvas is drawn, and in 长辈版 its text is larger.
"""

from __future__ import annotations

import pytest

from xiangcun.core.tests.browser import BROWSER_MARKS, drawn_share, foreign_requests, login, screenshot
from xiangcun.core.tests.browser import watch_failures as watch_page_failures

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

READY = 20_000  # ms: MapLibre starts its worker, SwiftShader draws
BACKGROUND = (244, 246, 250)  # #f4f6fa, maps.js's blank style
# The newest incident with a point in the county admin's scope, and its page (through the map's own endpoints).
AN_INCIDENT_WITH_A_POINT = """async () => {
  const layer = await (await fetch("/map/layers/incidents.geojson?state=all&bbox=100,30,110,40")).json();
  const feature = layer.features.find((f) => f.geometry && f.geometry.type === "Point");
  const summary = await (await fetch(`/map/layers/incidents/${feature.id}/`)).json();
  return { url: summary.url, point: feature.geometry.coordinates };
}"""
PIXEL_OF = ("([id, lng, lat]) => { const p = document.getElementById(id).sharedMap.project([lng, lat]);"
            " return [p.x, p.y]; }")


# Chart containers of each page; the household page is found through the API (a household with income records).
CHART_PAGES = {
    "/incidents/stats/": ["chart-state", "chart-category", "chart-village", "chart-trend"],
    "/households/monitoring/register/": ["register-chart"],
    "/households/employment/summary/": ["chart-province", "chart-industry", "chart-month"],
}
A_HOUSEHOLD_WITH_INCOME = """async () => {
  const records = await (await fetch("/api/v1/income-records/?page_size=1")).json();
  return records.results[0].household;
}"""
# The chart's text size as ECharts drew it: the first axis's labels, or the labels of a pie.
TEXT_SIZE = """(id) => { const option = document.getElementById(id).xiangcunChart.getOption();
  const axis = (option.xAxis || [])[0];
  return axis && axis.type === "category" ? axis.axisLabel.fontSize
    : axis ? option.yAxis[0].axisLabel.fontSize : option.series[0].label.fontSize; }"""


def watch_failures(page) -> list[str]:
    """What the shared rule counts (core.tests.browser.watch_failures) and console errors, from now on."""
    failed = watch_page_failures(page)
    page.on("console", lambda message: failed.append(f"console: {message.text}") if message.type == "error" else None)
    return failed


def test_the_incident_page_draws_its_place_with_the_shared_map(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page()
    login(page, "county_admin")
    page.goto("/map/")
    found = page.evaluate(AN_INCIDENT_WITH_A_POINT)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failed = watch_failures(page)
    page.goto(f"{found['url']}?capture=1")
    box = page.locator("[data-testid=map]")
    expect(box).to_have_attribute("data-ready", "1", timeout=READY)
    assert page.evaluate("() => Boolean(document.getElementById('incident-map').sharedMap)"), \
        "the incident's map was not made by static/js/maps.js"
    assert any("/static/js/maps." in url for url in requested), "static/js/maps.js was not loaded"
    share = drawn_share(page, "#incident-map canvas", BACKGROUND, tolerance=12)
    assert share > 0.02, f"the incident's map is blank ({share:.3f} of its pixels drawn)"

    lng, lat = found["point"]
    x, y = page.evaluate(PIXEL_OF, ["incident-map", lng, lat])
    frame = box.bounding_box()
    assert 0 < x < frame["width"] and 0 < y < frame["height"], "the reported point is not on the map"
    page.mouse.click(frame["x"] + x, frame["y"] + y)
    code = page.locator("[data-testid=code]").inner_text()
    expect(page.locator("#incident-map .maplibregl-popup")).to_contain_text(code)
    expect(page.locator("#incident-map .maplibregl-popup-close-button")).to_have_attribute("aria-label", "关闭摘要")
    screenshot(page, "incident-detail-map")
    assert failed == [], failed
    assert foreign_requests(page) == []


@pytest.mark.parametrize("elder", [False, True])
def test_the_desk_pages_draw_their_charts_with_the_chart_module(live_platform, browser_page, elder):
    from playwright.sync_api import expect

    page = browser_page()
    login(page, "county_admin")
    if elder:
        page.context.add_cookies([{"name": "elder", "value": "1", "url": live_platform.url}])
    household = page.evaluate(A_HOUSEHOLD_WITH_INCOME)
    pages = {**CHART_PAGES, f"/households/{household}/": [None]}
    failed = watch_failures(page)
    for path, charts in pages.items():
        page.goto(path)
        assert page.evaluate("document.body.classList.contains('elder-mode')") is elder
        if charts == [None]:
            charts = [page.locator("[data-testid=income-chart]").get_attribute("id")]
        for chart in charts:
            expect(page.locator(f"#{chart} canvas")).to_have_count(1)
            assert page.evaluate("(id) => Boolean(document.getElementById(id).xiangcunChart)", chart), \
                f"{path}: #{chart} was not drawn by static/js/charts.js"
            page.wait_for_timeout(600)  # the charts' entry animation (400 ms)
            share = drawn_share(page, f"#{chart} canvas", (255, 255, 255))
            assert share > 0.003, f"{path}: #{chart} is blank ({share:.4f})"
            size = page.evaluate(TEXT_SIZE, chart)
            assert size == (16 if elder else 12), f"{path}: #{chart} writes {size} px text"
        screenshot(page, f"charts{path.replace('/', '-').rstrip('-')}{'-elder' if elder else ''}", full_page=True)
    assert failed == [], failed
    assert foreign_requests(page) == []
