"""In a real browser: a risky household goes through the 防返贫 workflow to 县级审定 and 帮扶; an objection during
公示 sends it back to 入户核实 first. Village clerk, township officer and county admin each take their own steps."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from xiangcun.core.tests.browser import BASE_DIR, BROWSER_MARKS, login, platform_env, screenshot

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

SEED = """
import json, os, uuid
from decimal import Decimal
from django.utils import timezone
from xiangcun.households.models import Household
from xiangcun.monitoring.models import MonitoringLine, RiskFlag
from xiangcun.regions.models import Region
name = os.environ["MONITORING_TEST_ARG"]
today = timezone.localdate()
MonitoringLine.objects.get_or_create(province_code="62", year=today.year - 1, defaults={"amount": Decimal("7600")})
household = Household.objects.create(region=Region.objects.get(code="623023103203"), head_name=name,
                                     number="BT" + uuid.uuid4().hex[:12], member_count=2)
RiskFlag.objects.create(household=household, computed_on=today, level=3, per_capita=Decimal("5200"),
                        line=Decimal("7600"), signals=[{"code": "below_line", "params": {
                            "year": today.year - 1, "per_capita": "5200.00", "line": "7600.00"}}])
print(json.dumps({"uuid": str(household.uuid)}))
"""
NOTICE_OVER = """
import os
from django.utils import timezone
from xiangcun.monitoring.models import MonitoringCase
MonitoringCase.objects.filter(uuid=os.environ["MONITORING_TEST_ARG"]).update(notice_ends_on=timezone.localdate())
"""


def run_on_platform(platform, code: str, argument: str) -> str:
    """Run Python against the live platform's database (the way an operator's shell would)."""
    env = {**platform_env(platform.var_dir), "MONITORING_TEST_ARG": argument}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def state_of(page) -> str:
    return page.locator("[data-testid=case-state]").get_attribute("data-state")


def take(page, action: str, **fields) -> None:
    form = page.locator(f"[data-testid=form-{action}]")
    for name, value in fields.items():
        form.locator(f"[name='{action}-{name}']").fill(value)
    with page.expect_navigation():
        form.locator(f"[data-testid=step-{action}]").click()


def village_steps(page) -> None:
    take(page, "record_consent_and_verify", comment="入户核实，户主签署承诺授权书")
    assert state_of(page) == "comparing"
    take(page, "record_comparison", comparison="公安、民政、人社、住建比对：无车辆、无商品房、无财政供养人员")
    assert state_of(page) == "deliberation"
    take(page, "record_deliberation", deliberation="村民代表会议 25 人参加，23 人同意纳入")
    assert state_of(page) == "notice"


def test_a_risky_household_is_included_and_assisted_after_an_upheld_objection(live_platform, browser_page):
    head = f"浏览器测试户{uuid.uuid4().hex[:6]}"
    household = json.loads(run_on_platform(live_platform, SEED, head))["uuid"]

    clerk = browser_page()
    login(clerk, "village_clerk_a")
    clerk.goto(f"/households/monitoring/risks/?q={head}")
    row = clerk.locator("[data-testid=risk-row]", has_text=head)
    assert "7600.00" in row.inner_text()
    with clerk.expect_navigation():
        row.locator("[data-testid=open-case]").click()
    assert household in clerk.url
    clerk.locator("select[name=category]").select_option(label="边缘易致贫户")
    with clerk.expect_navigation():
        clerk.locator("[data-testid=case-open-submit]").click()
    assert state_of(clerk) == "clue"
    case_url = clerk.url
    case_uuid = case_url.rstrip("/").rsplit("/", 1)[-1]

    take(clerk, "start_verification")
    assert state_of(clerk) == "verifying"
    village_steps(clerk)
    screenshot(clerk, "monitoring-notice")

    clerk.locator("[data-testid=objection-toggle]").click()
    clerk.locator("[name=raised_by]").fill("村民李某")
    clerk.locator("[name=content]").fill("该户家中有一辆营运货车")
    with clerk.expect_navigation():
        clerk.locator("[data-testid=objection-submit]").click()
    assert state_of(clerk) == "notice_paused"
    clerk.locator("[data-testid=resolve-form] select[name=upheld]").select_option("1")
    clerk.locator("[data-testid=resolve-form] [name=resolution]").fill("核实属实，货车已于去年报废，需重新核实收入")
    with clerk.expect_navigation():
        clerk.locator("[data-testid=resolve-submit]").click()
    assert state_of(clerk) == "verifying"

    village_steps(clerk)
    run_on_platform(live_platform, NOTICE_OVER, case_uuid)  # the notice days pass
    clerk.reload()
    take(clerk, "end_notice")
    assert state_of(clerk) == "township_review"
    assert clerk.locator("[data-testid=step-township_approve]").count() == 0

    township = browser_page()
    login(township, "township_officer")
    township.goto(case_url)
    assert township.locator("[data-testid=step-county_approve]").count() == 0
    take(township, "township_approve", comment="乡镇审核同意")
    assert state_of(township) == "county_review"

    county = browser_page()
    login(county, "county_admin")
    county.goto(case_url)
    take(county, "county_approve", comment="县级审定，纳入监测")
    assert state_of(county) == "assisting"
    assert "边缘易致贫户" in county.locator("[data-testid=case-registrations]").inner_text()

    clerk.goto(case_url)
    clerk.locator("[data-testid=measure-toggle]").click()
    form = clerk.locator("[data-testid=measure-form]")
    form.locator("[name=kind]").select_option("public_post")
    form.locator("[name=description]").fill("村级保洁公益性岗位，每月 500 元")
    form.locator("[name=amount]").fill("6000")
    with clerk.expect_navigation():
        form.locator("[data-testid=measure-submit]").click()
    assert "村级保洁公益性岗位" in clerk.locator("[data-testid=measures]").inner_text()

    timeline = clerk.locator("[data-testid=timeline-row]")
    actions = [timeline.nth(i).get_attribute("data-action") for i in range(timeline.count())]
    assert actions[:2] == ["open", "start_verification"]
    assert actions.count("record_deliberation") == 2 and "uphold_objection" in actions
    assert actions[-3:] == ["township_approve", "county_approve", "measure_added"]
    screenshot(clerk, "monitoring-assisting", full_page=True)


@pytest.mark.parametrize("elder", [False, True])
def test_a_villager_finds_the_declaration_page_usable_on_a_phone(live_platform, browser_page, elder):
    page = browser_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    login(page, "villager_a")
    if elder:
        page.locator("[data-testid=elder-toggle]").click()
        page.wait_for_load_state()
    page.goto("/m/households/declare/")
    # villager_a's account is not linked to a member in the demo: the page says so plainly, without overflow
    text = page.locator("body").inner_text()
    form = page.locator("[data-testid=declare-form]")
    if form.count():
        box = page.locator("[data-testid=risk-disaster]").bounding_box()
        assert box["height"] >= 44
    else:
        assert page.locator("[data-testid=not-linked]").is_visible(), text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
