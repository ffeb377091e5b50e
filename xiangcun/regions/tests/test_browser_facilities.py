"""Browser tests of 杰迪村's 村情 page and its facilities (公共设施) in Chromium, as the village clerk sees them.

- The profile at 1280×900: no failed and no foreign request, the key figures, the small map really drawn (pixels
  read back) with a marker per facility listed, the 村情简报 link answering a PDF.
- A facility opened from the profile: its page shows its name and its map.
- Registering a facility by clicking inside 杰迪村 on the form's map; a point clearly outside the village is refused
  in Chinese, the form keeps what was typed, and nothing is saved.
- The profile at 360 px in 长辈版 scrolls only up and down; another village's clerk gets 404.

The small map's canvas is read back with ``?capture=1``, which asks MapLibre for ``preserveDrawingBuffer``
(static/dashboard/village-map.js; off otherwise). SwiftShader draws WebGL with ``CHROMIUM_ARGS`` of
core/tests/browser.py, no GPU flags.
"""

from __future__ import annotations

import re
import uuid

from xiangcun.core.tests.browser import (
    BROWSER_MARKS,
    drawn_share,
    foreign_requests,
    login,
    path_of,
    screenshot,
    watch_failures,
)

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

VILLAGE_A = "623023103203"  # 杰迪村, village_clerk_a's
PROFILE = f"/screen/{VILLAGE_A}/profile/"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
READY = 20_000  # ms: MapLibre starts its worker, SwiftShader draws
CJK = re.compile(r"[\u4e00-\u9fff]")

# Resolves when the map of the element has drawn everything it has (sources loaded, no transition running).
IDLE = """(id) => new Promise((resolve) => {
  const el = document.getElementById(id);
  const map = el.villageMap || el.pointPicker.map;
  if (map.loaded()) resolve(); else map.once("idle", resolve);
})"""
# The village's label point and outline's extent, from the endpoint the picker uses.
VILLAGE_SHAPE = """async (code) => {
  const feature = (await (await fetch(`/regions/boundaries/?within=${code}`)).json()).features[0];
  let minX = 180, minY = 90, maxX = -180, maxY = -90;
  const walk = (c) => { if (typeof c[0] === "number") { minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
    minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]); } else c.forEach(walk); };
  walk(feature.geometry.coordinates);
  return { centre: feature.properties.c, extent: [minX, minY, maxX, maxY] };
}"""
PIXEL_OF = ("([id, lng, lat]) => { const p = document.getElementById(id).pointPicker.map.project([lng, lat]);"
            " return [p.x, p.y]; }")


def click_on_picker(page, lng: float, lat: float) -> None:
    x, y = page.evaluate(PIXEL_OF, ["place-picker", lng, lat])
    box = page.locator("#place-picker").bounding_box()
    assert 30 <= x <= box["width"] - 60 and 30 <= y <= box["height"] - 30, f"({x}, {y}) is not on the visible map"
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_clerk_reads_the_village_profile_and_opens_a_facility(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page()
    login(page, "village_clerk_a")
    failed = watch_failures(page)
    page.goto(f"{PROFILE}?capture=1")
    expect(page.locator("[data-testid=profile-title]")).to_contain_text("杰迪村")
    for testid in ("households", "persons", "income", "grids"):
        value = page.locator(f"[data-testid=figure-{testid}] .stat-number").inner_text().strip()
        assert re.search(r"[1-9]", value), f"the key figure {testid} shows {value!r}"

    listed = page.locator("[data-testid=facilities] a")
    assert listed.count() >= 1, "杰迪村 lists no facility"
    names = sorted(listed.all_inner_texts())
    expect(page.locator("[data-testid=profile-map]")).to_have_attribute("data-ready", "1", timeout=READY)
    page.evaluate(IDLE, "profile-map")
    share = drawn_share(page, "#profile-map canvas", (244, 246, 250), tolerance=12)  # #f4f6fa
    assert share > 0.02, f"the village map is blank ({share:.3f} of its pixels drawn)"
    print(f"\nprofile map of {VILLAGE_A}: {share:.3f} of the sampled pixels drawn")
    markers = page.locator("#profile-map .vm-marker")
    assert sorted(markers.all_inner_texts()) == names, "the map's markers are not the facilities listed"
    screenshot(page, "profile-village")

    brief = page.locator("[data-testid=brief-link]").get_attribute("href")
    answer = page.request.get(brief)
    assert answer.status == 200, answer.status
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body()[:4] == b"%PDF"

    assert failed == [], failed  # checked before leaving the page
    assert foreign_requests(page) == []

    # A facility's link opens its page, with its name and a map showing it.
    link = listed.first
    name = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert re.fullmatch(r"/regions/facilities/\d+/", path_of(page)), page.url
    expect(page.locator("[data-testid=facility-name]")).to_have_text(name)
    expect(page.locator("[data-testid=facility-map]")).to_have_attribute("data-ready", "1", timeout=READY)
    expect(page.locator("#facility-map .vm-marker")).to_have_text(name)
    assert page.locator("#facility-map canvas").bounding_box()["height"] > 100
    screenshot(page, "facility-detail")
    assert failed == [], failed
    assert foreign_requests(page) == []


def test_the_clerk_registers_a_facility_by_clicking_inside_the_village(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page()
    login(page, "village_clerk_a")
    failed = watch_failures(page)
    page.goto("/regions/facilities/new/")
    picker = page.locator("[data-testid=place-picker]")
    expect(picker).to_have_attribute("data-ready", "1", timeout=READY)
    shape = page.evaluate(VILLAGE_SHAPE, VILLAGE_A)
    lng, lat = shape["centre"]
    click_on_picker(page, lng, lat)
    expect(page.locator("[data-testid=picker-status]")).to_contain_text("杰迪村")
    expect(page.locator("select[name=region]")).to_have_value(VILLAGE_A)
    picked = float(page.locator("input[name=lat]").input_value()), float(page.locator("input[name=lng]").input_value())
    assert abs(picked[0] - lat) < 0.002 and abs(picked[1] - lng) < 0.002, (picked, lat, lng)

    name = f"村口机井{uuid.uuid4().hex[:4]}"
    page.locator("select[name=kind]").select_option("well")
    page.locator("input[name=name]").fill(name)
    page.locator("textarea[name=description]").fill("深井，供三组用水")
    screenshot(page, "facility-form-picked")
    with page.expect_navigation():
        page.locator("[data-testid=save]").click()
    assert re.fullmatch(r"/regions/facilities/\d+/", path_of(page)), page.url
    expect(page.locator("[data-testid=facility-name]")).to_have_text(name)
    expect(page.locator("[data-testid=facility-map]")).to_have_attribute("data-ready", "1", timeout=READY)
    expect(page.locator("#facility-map .vm-marker")).to_have_text(name)
    shown = [float(n) for n in re.findall(r"\d+\.\d+", page.locator("[data-testid=facility-position]").inner_text())]
    assert len(shown) == 2 and abs(shown[0] - picked[0]) < 1e-6 and abs(shown[1] - picked[1]) < 1e-6, shown
    history = page.locator("[data-testid=facility-history] li").first.inner_text()
    assert CJK.search(history) and not re.search(r"[A-Za-z]", history), f"not said in Chinese: {history!r}"
    page.goto(PROFILE)
    expect(page.locator("[data-testid=facility-kind-well] a", has_text=name)).to_have_count(1)

    # A point clearly east of the village (half its width beyond the outline's extent): refused, nothing saved.
    page.goto("/regions/facilities/new/")
    expect(picker).to_have_attribute("data-ready", "1", timeout=READY)
    west, south, east, north = shape["extent"]
    outside = (east + (east - west) / 2, (south + north) / 2)
    page.evaluate("([id, lng, lat]) => document.getElementById(id).pointPicker.map.jumpTo("
                  "{center: [lng, lat], zoom: document.getElementById(id).pointPicker.map.getZoom() - 1})",
                  ["place-picker", (east + outside[0]) / 2, outside[1]])
    page.evaluate(IDLE, "place-picker")
    click_on_picker(page, *outside)
    expect(page.locator("[data-testid=picker-status]")).to_have_text(picker.get_attribute("data-msg-outside"))
    expect(page.locator("select[name=region]")).to_have_value(VILLAGE_A)  # the clerk's only village stays
    stray = f"错点路灯{uuid.uuid4().hex[:4]}"
    page.locator("select[name=kind]").select_option("streetlight")
    page.locator("input[name=name]").fill(stray)
    page.locator("textarea[name=description]").fill("点错了地方")
    typed_lat = page.locator("input[name=lat]").input_value()
    with page.expect_navigation():
        page.locator("[data-testid=save]").click()
    assert path_of(page) == "/regions/facilities/new/"
    error = page.locator("[data-testid=error-lat]")
    expect(error).to_be_visible()
    words = error.inner_text()
    assert "杰迪村" in words and CJK.search(words.replace("杰迪村", "")), f"not a Chinese error: {words!r}"
    assert page.locator("input[name=name]").input_value() == stray
    assert page.locator("select[name=kind]").input_value() == "streetlight"
    assert page.locator("textarea[name=description]").input_value() == "点错了地方"
    assert page.locator("input[name=lat]").input_value() == typed_lat
    # The map reopens on the refused point *and* the village, so the clerk sees where to move it.
    expect(picker).to_have_attribute("data-ready", "1", timeout=READY)
    seen = page.evaluate("([id, points]) => { const b = document.getElementById(id).pointPicker.map.getBounds();"
                         " return points.map((p) => b.contains(p)); }",
                         ["place-picker", [list(outside), [west, south], [east, north]]])
    assert seen == [True, True, True], seen
    screenshot(page, "facility-form-outside", full_page=True)
    page.goto(f"/regions/facilities/?q={stray}")
    expect(page.locator("[data-testid=facility-row]")).to_have_count(0)
    page.goto(f"/regions/facilities/?q={name}")
    expect(page.locator("[data-testid=facility-row]")).to_have_count(1)
    assert failed == [], failed
    assert foreign_requests(page) == []


def test_the_profile_at_360_px_in_elder_mode_and_another_village(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(**PHONE)
    login(page, "village_clerk_a")
    page.context.add_cookies([{"name": "elder", "value": "1", "url": live_platform.url}])  # 长辈版, this browser
    failed = watch_failures(page)
    page.goto(PROFILE)
    assert page.evaluate("document.body.classList.contains('elder-mode')")
    expect(page.locator("[data-testid=profile-map]")).to_have_attribute("data-ready", "1", timeout=READY)
    page.evaluate(IDLE, "profile-map")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"sideways scrolling at 360 px: the page is {width} px wide"
    screenshot(page, "profile-village-360-elder", full_page=True)
    assert failed == [], failed
    assert foreign_requests(page) == []

    other = browser_page()
    login(other, "village_clerk_b")
    assert other.goto(PROFILE).status == 404
    assert other.request.get(f"/screen/{VILLAGE_A}/brief.pdf").status == 404
