"""Browser test of the Excel import (issue 3): a clerk uploads a file with one bad row and sees that row's error.

The platform runs as `make run` does (``xiangcun.core.tests.browser``); its demo data stays between tests, so
the file uses names and ID numbers of its own (a birth place outside the county, random serials).
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from openpyxl import Workbook

from xiangcun.core.tests.browser import BROWSER_MARKS, login, screenshot
from xiangcun.core.validators import id_check_digit

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

JIEDI = "623023103203"


def expect():
    from playwright.sync_api import expect

    return expect


def id_number(birth: date, serial: int) -> str:
    first17 = f"110101{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


def members_file(path, heads: tuple[str, str]) -> tuple[str, int]:
    """Two households of two persons; the second household's member (Excel row 5) has a wrong check digit."""
    from xiangcun.households.importing import MEMBERS

    serial = secrets.randbelow(400) * 2 + 1
    birth = date(1960 + secrets.randbelow(30), 1 + secrets.randbelow(12), 1 + secrets.randbelow(28))
    numbers = [id_number(birth, serial + 2 * index) for index in range(4)]
    bad = numbers[3][:17] + ("0" if numbers[3][17] != "0" else "1")
    book = Workbook()
    sheet = book.active
    sheet.title = MEMBERS.sheet_title
    headers = [column.header for column in MEMBERS.columns]
    sheet.append(headers)
    rows = [{"所属村": JIEDI, "姓名": heads[0], "身份证号": numbers[0], "与户主关系": "户主", "住址": "杰迪村1号"},
            {"姓名": heads[0] + "之子", "身份证号": numbers[1], "与户主关系": "子女"},
            {"所属村": JIEDI, "姓名": heads[1], "身份证号": numbers[2], "与户主关系": "户主"},
            {"姓名": heads[1] + "之女", "身份证号": bad, "与户主关系": "子女"}]
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    book.save(path)
    return str(path), 5


def household_total(page, name: str) -> int:
    """The household list's count for a search by the head's name."""
    page.goto(f"/households/?q={name}")
    return int(re.search(r"\d+", page.locator("[data-testid=total]").inner_text()).group())


def test_a_clerk_sees_the_bad_row_then_imports_only_the_valid_rows(live_platform, browser_page, tmp_path):
    check = expect()
    tag = secrets.token_hex(2)
    heads = (f"导入甲{tag}", f"导入乙{tag}")
    path, bad_row = members_file(tmp_path / "户籍成员.xlsx", heads)

    page = browser_page()
    login(page, "village_clerk_a")
    page.goto("/households/import/")
    check(page.locator("[data-testid=template-members]")).to_be_visible()
    page.locator("input[name=file]").set_input_files(path)
    check(page.locator("[data-testid=mode-all] input")).to_be_checked()  # all or nothing is the default
    with page.expect_navigation():
        page.locator("[data-testid=import-submit]").click()

    report_row = page.locator(f"[data-testid=report-row-{bad_row}]")
    check(report_row).to_be_visible()
    check(report_row).to_contain_text("身份证号")
    assert report_row.get_attribute("data-code") == "id_checksum"
    check(page.locator("[data-testid=job-nothing]")).to_be_visible()
    check(page.locator("[data-testid=count-created]")).to_have_text("0")
    screenshot(page, "households-import-report", full_page=True)
    assert household_total(page, heads[0]) == 0

    page.goto("/households/import/")
    page.locator("input[name=file]").set_input_files(path)
    page.locator("[data-testid=mode-valid]").click()
    with page.expect_navigation():
        page.locator("[data-testid=import-submit]").click()
    check(page.locator("[data-testid=job-imported]")).to_be_visible()
    check(page.locator("[data-testid=count-created]")).to_have_text("1")
    check(page.locator(f"[data-testid=report-row-{bad_row}]")).to_be_visible()
    assert household_total(page, heads[0]) == 1
    assert household_total(page, heads[1]) == 0
