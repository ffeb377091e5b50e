"""A grid worker registers a household with two persons on a phone (Debian's headless Chromium)."""

from __future__ import annotations

import re
import secrets
from datetime import date

from xiangcun.core.tests.browser import BROWSER_MARKS, login, path_of, screenshot
from xiangcun.core.validators import id_check_digit

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"width": 360, "height": 740}


def fresh_id(birth: date, sex: str) -> str:
    """A valid ID number no other run used (the live platform's data stays between tests)."""
    order = secrets.randbelow(400) * 2 + (1 if sex == "M" else 0) + 100
    first17 = f"623023{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_digit(first17)


def test_a_grid_worker_registers_a_household_with_two_persons_on_a_phone(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(viewport=PHONE)
    login(page, "grid_worker_a")
    page.goto("/m/households/new/")
    form = page.locator("[data-testid=household-form]")
    assert form.locator("select[name=village]").input_value(), "the worker's only village is preselected"
    form.locator("[name=address]").fill("杰迪村二组 8 号")
    form.locator("[name=members-0-name]").fill("格桑")
    head_id = fresh_id(date(1979, 4, 12), "M")
    form.locator("[name=members-0-id_number]").fill(head_id)
    form.locator("select[name=members-0-ethnicity]").select_option("tibetan")
    page.locator("[data-testid=add-member]").click()
    form.locator("[name=members-1-name]").fill("央金")
    wife_id = fresh_id(date(1983, 10, 3), "F")
    wrong = wife_id[:17] + ("0" if wife_id[17] != "0" else "1")
    form.locator("[name=members-1-id_number]").fill(wrong)
    form.locator("select[name=members-1-relation]").select_option("spouse")
    form.locator("select[name=members-1-health]").select_option("chronic")
    # The submit button is reachable and wide on a 360 px screen.
    button = page.locator("[data-testid=save]")
    assert button.bounding_box()["width"] > 300
    with page.expect_navigation():
        button.click()
    expect(page.locator("[data-testid=field-error]").first).to_be_visible()
    assert page.locator("[name=members-0-id_number]").input_value() == head_id, "nothing typed is lost"
    page.locator("[name=members-1-id_number]").fill(wife_id)
    with page.expect_navigation():
        page.locator("[data-testid=save]").click()
    assert re.fullmatch(r"/households/[0-9a-f-]{36}/", path_of(page)), page.url
    expect(page.locator("[data-testid=created]")).to_be_visible()
    expect(page.locator("[data-testid=member-count]")).to_have_text("2")
    rows = page.locator("[data-testid=member-row]")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("央金")
    body = page.locator("body").inner_text()
    assert head_id not in body and wife_id not in body, "ID numbers are shown masked"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "no sideways scrolling"
    screenshot(page, "grid-worker-registers-household")
