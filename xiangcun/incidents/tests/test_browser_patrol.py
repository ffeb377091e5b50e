"""A patrol walked with a phone (李网格, grid_worker_a, at 360 × 740): the page records the phone's positions and
the patrol's distance is the length of the walked track, not 0.0 km — also when the first tap on "end" happens
without signal (the points not sent yet used to be thrown away then, and the patrol ended at 0.0 km).

The phone's position is Playwright's geolocation emulation, moved along a straight line of known length.
"""

from __future__ import annotations

import re

from xiangcun.core.geo import distance_m
from xiangcun.core.tests.browser import BROWSER_MARKS, login, path_of

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
START = (33.7800, 104.3700)  # lat, lng, in 杰迪村's county
STEP = 0.0009  # degrees of latitude between fixes, about 100 m
FIXES = 7  # six legs: about 600 m


def test_a_walked_patrol_reports_the_length_of_its_track(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(geolocation={"latitude": START[0], "longitude": START[1], "accuracy": 8},
                        permissions=["geolocation"], **PHONE)
    login(page, "grid_worker_a")
    page.goto("/m/incidents/inbox/")
    if page.locator("[data-testid=patrol-open]").count():  # left open by the demo or an earlier run
        page.locator("[data-testid=patrol-open]").click()
        with page.expect_navigation():
            page.locator("[data-testid=patrol-end]").click()
        page.goto("/m/incidents/inbox/")
    with page.expect_navigation():
        page.locator("[data-testid=patrol-start]").click()
    assert re.fullmatch(r"/m/incidents/patrols/\d+/", path_of(page)), page.url
    patrol_url = path_of(page)

    walked = 0.0
    for index in range(1, FIXES):
        page.wait_for_timeout(400)
        page.context.set_geolocation({"latitude": START[0] + index * STEP, "longitude": START[1], "accuracy": 8})
        walked += distance_m(START[0] + (index - 1) * STEP, START[1], START[0] + index * STEP, START[1])
    page.wait_for_timeout(600)
    page.context.set_offline(True)  # the end is tapped where there is no signal
    page.locator("[data-testid=patrol-end]").click()
    expect(page.locator("[data-testid=patrol-status]")).to_contain_text("没有信号")
    assert path_of(page) == patrol_url
    page.context.set_offline(False)
    with page.expect_navigation():
        page.locator("[data-testid=patrol-end]").click()
    assert path_of(page) == "/m/incidents/patrols/"
    message = page.locator(".alert-success, [role=alert]").first.inner_text()
    metres = int(re.search(r"(\d+)\s*米", message).group(1))
    assert abs(metres - walked) <= 5, f"the end says {message!r}; walked {walked:.0f} m"

    page.goto(patrol_url)
    shown = int(page.locator("[data-testid=patrol-distance]").inner_text())
    assert abs(shown - walked) <= 5, f"the patrol shows {shown} m; walked {walked:.0f} m"
    expect(page.locator("[data-testid=patrol-points]")).to_have_text(str(FIXES))
