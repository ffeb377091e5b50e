"""乡村一张图 in headless Chromium on the demo county: the page loads with no failed and no foreign request, the canvas
is drawn (pixels read back through ``?capture=1``), a layer toggle changes the drawn pixels, 3D houses render, the
search box flies to a village and a click on a household opens its summary."""

from __future__ import annotations

from xiangcun.core.tests.browser import BROWSER_MARKS, foreign_requests, login, screenshot, watch_failures

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

READY = 30_000  # ms: MapLibre starts its worker, the first layers arrive and are drawn
VILLAGE_A = "623023103203"  # 杰迪村
MAP = "document.getElementById('xiangcun-map').xiangcunMap"
# Pixels of the map canvas that differ from the background (#eef1f5), and a checksum of the whole picture.
PIXELS = """() => {
  const source = document.querySelector('#xiangcun-map canvas');
  const copy = Object.assign(document.createElement('canvas'), {width: source.width, height: source.height});
  const context = copy.getContext('2d');
  context.drawImage(source, 0, 0);
  const data = context.getImageData(0, 0, copy.width, copy.height).data;
  let drawn = 0, sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 238) + Math.abs(data[i + 1] - 241) + Math.abs(data[i + 2] - 245) > 24) drawn++;
    sum = (sum * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) % 1000000007;
  }
  return {drawn, sum};
}"""
IDLE = f"() => new Promise((resolve) => {{ const m = {MAP}.map; m.once('idle', resolve); m.triggerRepaint(); }})"


def settle(page, key: str | None = None) -> None:
    """Wait until the layer's answer arrived (no request in flight) and the map has drawn it."""
    if key:
        page.wait_for_function(f"() => {{ const row = document.querySelector('[data-testid=layer-{key}]');"
                               " return row.dataset.count !== undefined && !row.dataset.loading; }")
    page.wait_for_function(f"() => !{MAP}.map.isMoving()")
    page.evaluate(IDLE)


def test_the_county_map_draws_toggles_a_layer_and_renders_3d_houses(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(viewport={"width": 1280, "height": 900})
    failed = watch_failures(page)
    login(page, "county_admin")
    page.goto("/map/?capture=1")
    expect(page.locator("[data-testid=map]")).to_have_attribute("data-ready", "1", timeout=READY)
    settle(page, "boundaries")
    assert page.locator(".maplibregl-ctrl-zoom-in").get_attribute("title") == "放大"  # MapLibre's words in Chinese
    assert int(page.locator("[data-testid=layer-boundaries]").get_attribute("data-count")) > 200  # the county
    drawn = page.evaluate(PIXELS)
    assert drawn["drawn"] > 2000, drawn  # outlines of 19 townships and 212 villages

    page.locator("[data-testid=layer-toggle-boundaries]").uncheck()
    settle(page)
    without = page.evaluate(PIXELS)
    assert without["sum"] != drawn["sum"] and without["drawn"] < drawn["drawn"], (drawn, without)
    page.locator("[data-testid=layer-toggle-boundaries]").check()
    settle(page, "boundaries")
    screenshot(page, "map-county")

    # Houses in 3D near a household of 杰迪村, tilted: the extrusions are drawn (no GPU flags needed).
    point = page.evaluate("""async () => {
      const village = (await (await fetch('/map/search/?q=' + encodeURIComponent('杰迪'))).json()).results[0];
      const box = village.bbox.join(',');
      const body = await (await fetch('/map/layers/households.geojson?bbox=' + box)).json();
      return body.features[0].geometry.coordinates;
    }""")
    page.evaluate(f"([lng, lat]) => {MAP}.map.jumpTo({{center: [lng, lat], zoom: 17}})", point)
    settle(page, "boundaries")
    flat = page.evaluate(PIXELS)
    page.locator("[data-testid=layer-toggle-houses]").check()
    settle(page, "houses")
    assert int(page.locator("[data-testid=layer-houses]").get_attribute("data-count")) >= 1
    page.locator("[data-testid=tilt-toggle]").check()
    settle(page)
    houses = page.evaluate(PIXELS)
    assert houses["drawn"] > flat["drawn"] + 200, (flat, houses)
    expect(page.locator("[data-testid=legend-houses] li")).to_have_count(4)  # safety ratings A–D
    screenshot(page, "map-houses-3d")

    # Colour the houses by a tag: the legend follows the answer.
    page.locator("[data-testid=layer-option-houses-color]").select_option("jiance")
    settle(page, "houses")
    expect(page.locator("[data-testid=legend-houses] li")).to_have_count(2)
    assert failed == [], failed
    assert foreign_requests(page) == []


def test_the_search_flies_to_a_village_and_a_click_opens_a_households_summary(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(viewport={"width": 1280, "height": 900})
    failed = watch_failures(page)
    login(page, "county_admin")
    page.goto("/map/")
    expect(page.locator("[data-testid=map]")).to_have_attribute("data-ready", "1", timeout=READY)
    page.locator("[data-testid=map-search-input]").fill("杰迪")
    result = page.locator("[data-testid=search-result]").first
    expect(result).to_contain_text("杰迪村")
    result.click()
    settle(page)
    centre = page.evaluate(f"() => {MAP}.map.getCenter().toArray()")
    box = page.evaluate("async () => (await (await fetch('/map/search/?q=' + encodeURIComponent('杰迪'))).json())"
                        ".results[0].bbox")
    assert box[0] <= centre[0] <= box[2] and box[1] <= centre[1] <= box[3], (centre, box)
    summary = page.locator("[data-testid=map-summary]")
    expect(summary).to_be_visible()  # the village's own summary, with its region page
    expect(summary).to_contain_text("杰迪村")

    # A household point: switched on, clicked where it is drawn.
    page.locator("[data-testid=map-summary-close]").click()
    page.locator("[data-testid=layer-toggle-households]").check()
    settle(page, "households")
    point = page.evaluate(f"() => {MAP}.state.get('households').data.features[0].geometry.coordinates")
    page.evaluate(f"([lng, lat]) => {MAP}.map.jumpTo({{center: [lng, lat], zoom: 17}})", point)
    settle(page, "households")
    x, y = page.evaluate(f"([lng, lat]) => {{ const p = {MAP}.map.project([lng, lat]); return [p.x, p.y]; }}", point)
    frame = page.locator("#xiangcun-map").bounding_box()
    page.mouse.click(frame["x"] + x, frame["y"] + y)
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("data-layer", "households")
    link = summary.locator("[data-testid=map-summary-link]").first
    assert link.get_attribute("href").startswith("/households/")
    screenshot(page, "map-household-summary")
    assert failed == [], failed
    assert foreign_requests(page) == []


def test_the_village_clerk_map_at_360_px_in_elder_mode(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    login(page, "village_clerk_a")
    page.context.add_cookies([{"name": "elder", "value": "1", "url": live_platform.url}])
    page.goto("/map/")
    expect(page.locator("[data-testid=map]")).to_have_attribute("data-ready", "1", timeout=READY)
    settle(page, "boundaries")
    codes = page.evaluate(f"() => {MAP}.state.get('boundaries').data.features.map((f) => f.id)")
    assert codes == [VILLAGE_A]  # her village only
    assert page.evaluate("document.body.classList.contains('elder-mode')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "sideways scrolling at 360 px"
    screenshot(page, "map-village-360-elder")
    assert foreign_requests(page) == []
