"""The notification centre in Chromium: the bell's count, the list on a 360 px phone in 长辈版, opening one."""

from __future__ import annotations

import re

from xiangcun.core.tests.browser import BROWSER_MARKS, login, path_of, screenshot

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"width": 360, "height": 740}
SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"


def bell(page) -> int:
    badge = page.locator("[data-testid=unread-count]")
    return int(badge.inner_text().rstrip("+")) if badge.count() else 0


def test_a_clerk_opens_a_notification_from_the_bell_on_a_phone_in_elder_mode(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.context.add_cookies([{"name": "elder", "value": "1", "url": live_platform.url}])  # 长辈版, this browser only
    login(page, "village_clerk_a")  # the demo left her unread reports of 杰迪村
    before = bell(page)
    assert before >= 1
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"] + 1, "the navbar with the bell scrolls sideways"
    page.locator("[data-testid=nav-bell]").click()
    assert path_of(page) == "/notifications/"
    expect(page.locator("[data-testid=notification]").first).to_be_visible()
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"] + 1, "the notification list scrolls sideways"
    screenshot(page, "phone-notifications-elder")

    page.locator("[data-testid=notification][data-unread='1']").first.click()
    page.wait_for_url(re.compile(r"/incidents/"))
    page.goto("/notifications/")
    assert bell(page) == before - 1 or before > 99
    page.locator("[data-testid=read-all]").click()
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)
    assert page.locator("[data-testid=notification][data-unread='1']").count() == 0
