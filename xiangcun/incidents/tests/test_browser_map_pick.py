"""Browser tests of picking the place on the map: the village clerk registers a hotline call by clicking inside
杰迪村 on the desk form; 卓玛 (villager_a) taps the place on her phone at 360 px in 长辈版, and the map is
downloaded only when she asks for it. Nothing is fetched from outside the platform (no tiles, no fonts)."""

from __future__ import annotations

import re
import uuid

from xiangcun.core.tests.browser import BROWSER_MARKS, foreign_requests, login, screenshot

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
VILLAGE_A = "623023103203"  # 杰迪村
READY = 20_000  # ms: MapLibre starts its worker and draws the outlines
# The label point of a village, from the same endpoint the picker uses.
CENTRE_OF = ("async (code) => { const r = await fetch(`/regions/boundaries/?within=${code}`);"
             " return (await r.json()).features[0].properties.c; }")
PIXEL_OF = ("([id, lng, lat]) => { const p = document.getElementById(id).pointPicker.map.project([lng, lat]);"
            " return [p.x, p.y]; }")


def click_on_map(page, element_id: str, lng: float, lat: float, *, tap: bool = False) -> None:
    page.locator(f"#{element_id}").scroll_into_view_if_needed()  # as a person scrolls to the map before tapping
    x, y = page.evaluate(PIXEL_OF, [element_id, lng, lat])
    box = page.locator(f"#{element_id}").bounding_box()
    assert 0 <= x <= box["width"] and 0 <= y <= box["height"], "the point is not on the visible map"
    if tap:
        page.touchscreen.tap(box["x"] + x, box["y"] + y)
    else:
        page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_clerk_picks_the_place_of_a_hotline_call_on_the_map(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page()
    login(page, "village_clerk_a")
    page.goto("/incidents/new/")
    picker = page.locator("[data-testid=place-picker]")
    expect(picker).to_have_attribute("data-ready", "1", timeout=READY)
    region = page.locator("select[name=region]")
    assert region.input_value() == ""
    page.locator("input[name=gcj02]").check()  # typed from WeChat first; the map's point is WGS84
    lng, lat = page.evaluate(CENTRE_OF, VILLAGE_A)
    click_on_map(page, "place-picker", lng, lat)
    expect(region).to_have_value(VILLAGE_A)
    expect(page.locator("[data-testid=picker-status]")).to_contain_text("杰迪村")
    assert not page.locator("input[name=gcj02]").is_checked()
    picked = float(page.locator("input[name=lat]").input_value()), float(page.locator("input[name=lng]").input_value())
    assert abs(picked[0] - lat) < 0.002 and abs(picked[1] - lng) < 0.002, (picked, lat, lng)
    screenshot(page, "incidents-entry-map-pick")

    words = f"热线：村口路灯不亮 {uuid.uuid4().hex[:6]}"
    page.locator("select[name=category]").select_option("road-light")
    page.locator("textarea[name=description]").fill(words)
    with page.expect_navigation():
        page.locator("[data-testid=save]").click()
    expect(page.locator("[data-testid=description]")).to_have_text(words)
    assert page.locator("dl").inner_text().count("杰迪村") >= 1
    stored = page.evaluate("JSON.parse(document.getElementById('incident-point').textContent)")
    assert abs(stored[0] - picked[1]) < 1e-6 and abs(stored[1] - picked[0]) < 1e-6, (stored, picked)

    # Correcting the place on the incident page: the same picker, loaded when asked for.
    page.locator("[data-testid=step-relocate] summary").click()
    page.locator("[data-testid=relocate-pick]").click()
    expect(page.locator("[data-testid=relocate-map]")).to_have_attribute("data-ready", "1", timeout=READY)
    form = page.locator("[data-testid=form-relocate]")
    before = form.locator("input[name=lat]").input_value()
    x, y = page.evaluate(PIXEL_OF, ["relocate-map", lng, lat])
    box = page.locator("#relocate-map").bounding_box()
    page.mouse.click(box["x"] + x + 12, box["y"] + y + 12)  # a little south-east, still in 杰迪村
    expect(form.locator("input[name=lat]")).not_to_have_value(before)
    expect(page.locator("[data-testid=relocate-map-status]")).to_contain_text("杰迪村")
    moved = float(form.locator("input[name=lat]").input_value()), float(form.locator("input[name=lng]").input_value())
    assert moved[0] < picked[0] and moved[1] > picked[1], (moved, picked)
    with page.expect_navigation():
        page.locator("[data-testid=submit-relocate]").click()
    stored = page.evaluate("JSON.parse(document.getElementById('incident-point').textContent)")
    assert abs(stored[0] - moved[1]) < 1e-6 and abs(stored[1] - moved[0]) < 1e-6, (stored, moved)
    assert foreign_requests(page) == []


def test_a_villager_taps_the_place_on_her_phone_in_elder_mode(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(**PHONE)
    login(page, "villager_a")
    page.context.add_cookies([{"name": "elder", "value": "1", "url": live_platform.url}])
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/m/incidents/report/")
    button = page.locator("[data-testid=pick-on-map]")
    expect(button).to_be_visible()
    assert page.evaluate("document.body.classList.contains('elder-mode')")
    assert not [url for url in requested if "maplibre" in url or "/js/maps." in url or "/regions/boundaries/" in url], \
        "the map must not be downloaded before the person asks for it"

    button.tap()
    box = page.locator("[data-testid=pick-map]")
    expect(box).to_have_attribute("data-ready", "1", timeout=READY)
    assert any("/regions/boundaries/" in url for url in requested)
    lng, lat = page.evaluate(CENTRE_OF, VILLAGE_A)
    click_on_map(page, "pick-map", lng, lat, tap=True)
    expect(page.locator("input[name=lat]")).not_to_have_value("")
    assert abs(float(page.locator("input[name=lat]").input_value()) - lat) < 0.002
    assert abs(float(page.locator("input[name=lng]").input_value()) - lng) < 0.002
    expect(page.locator("[data-testid=region]")).to_have_value(VILLAGE_A)
    shown = [float(n) for n in re.findall(r"\d+\.\d+", page.locator("[data-testid=location-status]").inner_text())]
    assert len(shown) == 2 and abs(shown[0] - lat) < 0.002 and abs(shown[1] - lng) < 0.002, shown
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "sideways scrolling at 360 px"
    screenshot(page, "incidents-report-map-pick-360-elder")
    assert foreign_requests(page) == []
