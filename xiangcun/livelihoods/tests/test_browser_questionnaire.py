"""Browser test of the 务工 phone questionnaire at 360 × 740: 卓玛 (villager_a) reports where she works and sees
the confirmation, in the standard view and in 长辈版."""

from __future__ import annotations

import subprocess
import sys

from xiangcun.core.tests.browser import BASE_DIR, BROWSER_MARKS, login, path_of, platform_env, screenshot

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"width": 360, "height": 740}

# The demo links villager_a to 卓玛 of 杰迪村; should it not (an older demo), link her to a household here.
ENSURE_LINKED = """
from datetime import date
from xiangcun.accounts.models import User
from xiangcun.households.models import Household, Person
from xiangcun.regions.models import Region
user = User.objects.get(username="villager_a")
if not Person.objects.filter(account=user).exists():
    village = Region.objects.get(code="623023103203")
    household = Household.objects.create(region=village, number="623023103203B001", head_name="扎西")
    Person.objects.create(household=household, name="卓玛", id_number="62302319850317002X", sex="F",
                          birth_date=date(1985, 3, 17), relation="spouse", account=user)
"""


def ensure_villager_linked(live_platform) -> None:
    subprocess.run([sys.executable, "manage.py", "shell", "-c", ENSURE_LINKED], cwd=BASE_DIR,
                   env=platform_env(live_platform.var_dir), check=True, timeout=120, capture_output=True)


def test_a_villager_reports_her_work_on_a_phone_and_sees_the_confirmation(live_platform, browser_page):
    from playwright.sync_api import expect

    ensure_villager_linked(live_platform)
    page = browser_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "villager_a")
    page.goto("/m/households/work/")
    form = page.locator("[data-testid=work-form]")
    expect(form).to_be_visible()

    # Nothing sticks out sideways at 360 px, and the destination buttons are big enough for a thumb.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button = page.locator("[data-testid=dest-xinjiang]").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 140
    # "Somewhere else" fields appear only when it is chosen.
    expect(page.locator("select[name=province]")).to_be_hidden()
    page.locator("[data-testid=dest-other]").click()
    expect(page.locator("select[name=province]")).to_be_visible()

    page.locator("[data-testid=dest-jiangsu]").click()
    page.locator("[data-testid=ind-manufacturing]").click()
    page.locator("input[name=employer]").fill("昆山电子厂")
    page.locator("input[name=start]").fill("2026-03")
    page.locator("input[name=monthly_income]").fill("4800")
    screenshot(page, "households-work-questionnaire-360", full_page=True)
    with page.expect_navigation():
        page.locator("[data-testid=save]").click()

    assert path_of(page) == "/m/households/work/done/"
    expect(page.locator("[data-testid=work-saved]")).to_be_visible()
    expect(page.locator("[data-testid=work-summary]")).to_contain_text("江苏省")
    expect(page.locator("[data-testid=work-summary]")).to_contain_text("4800")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "households-work-saved-360")

    # 长辈版: the same page with larger text and still no sideways scrolling.
    page.goto("/m/households/work/")
    if not page.locator("body.elder-mode").count():  # the choice is remembered on the account across tests
        with page.expect_navigation():
            page.locator("[data-testid=elder-toggle]").click()
    expect(page.locator("body.elder-mode")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    elder_button = page.locator("[data-testid=dest-xinjiang]").bounding_box()
    assert elder_button["height"] >= 56
    screenshot(page, "households-work-questionnaire-elder-360", full_page=True)
