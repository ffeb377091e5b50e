"""The file pickers speak the page's language (Chromium draws its own file button in the browser's language).

The browser here asks for English (``browser_page``'s default Accept-Language is en-US) while the pages are
Chinese: every file input of the import, the incident entry, the phone report and a facility's photos must show
"选择文件"/"选择照片" and "未选择文件", the browser's own "Choose Files"/"No file chosen" must not be seen, and the
chosen names must appear. With English chosen on the page, the pickers speak English.
"""

from __future__ import annotations

from pathlib import Path

from xiangcun.core.tests.browser import BROWSER_MARKS, login, screenshot

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
# Whether the browser's own control of each file input can be seen: its size and opacity.
NATIVE_SEEN = """() => Array.from(document.querySelectorAll("input[type=file]")).map((input) => {
  const box = input.getBoundingClientRect();
  return { name: input.name, seen: getComputedStyle(input).opacity !== "0" && box.width > 1 && box.height > 1,
           inPicker: Boolean(input.closest("[data-file-picker]")) };
})"""


def check_pickers(page, *, button: str, none: str) -> None:
    from playwright.sync_api import expect

    inputs = page.evaluate(NATIVE_SEEN)
    assert inputs, f"no file input on {page.url}"
    for found in inputs:
        assert found["inPicker"] and not found["seen"], f"{page.url}: the browser's own file button shows: {found}"
    for picker in page.locator("[data-file-picker]").all():
        expect(picker.locator("label")).to_be_visible()
        expect(picker.locator("label")).to_contain_text(button)
        expect(picker.locator("[data-file-names]")).to_have_text(none)
    if button != "Choose files":
        text = page.locator("body").inner_text()
        assert "Choose File" not in text and "No file chosen" not in text


def test_every_file_picker_speaks_chinese_on_a_chinese_page(live_platform, browser_page, tmp_path):
    from playwright.sync_api import expect

    sheet = tmp_path / "户籍成员.xlsx"
    sheet.write_bytes(b"PK")  # only its name is shown before the upload
    page = browser_page()
    login(page, "village_clerk_a")
    page.goto("/households/import/")
    check_pickers(page, button="选择文件", none="未选择文件")
    page.locator("input[type=file]").set_input_files(str(sheet))
    expect(page.locator("[data-file-names]")).to_have_text("户籍成员.xlsx")
    screenshot(page, "file-picker-import")

    page.goto("/incidents/new/")
    check_pickers(page, button="选择照片", none="未选择文件")
    photos = [tmp_path / "桥头.jpg", tmp_path / "路面.jpg"]
    for photo in photos:
        photo.write_bytes(b"\xff\xd8\xff")
    page.locator("input[type=file]").set_input_files([str(p) for p in photos])
    expect(page.locator("[data-file-names]")).to_have_text("桥头.jpg、路面.jpg")

    page.goto("/regions/facilities/")
    page.locator("table a[href*='/regions/facilities/']").first.click()
    page.wait_for_url("**/regions/facilities/*/")
    check_pickers(page, button="选择照片", none="未选择文件")

    phone = browser_page(**PHONE)
    login(phone, "villager_a")
    phone.goto("/m/incidents/report/")
    check_pickers(phone, button="拍照或选择照片", none="未选择文件")
    screenshot(phone, "file-picker-phone-report")


def test_the_file_picker_speaks_english_when_english_is_chosen(live_platform, browser_page):
    page = browser_page()
    login(page, "county_admin")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_platform.url}])
    page.goto("/households/import/")
    check_pickers(page, button="Choose files", none="No file chosen")


def test_the_pickers_names_follow_a_reset(live_platform, browser_page, tmp_path: Path):
    from playwright.sync_api import expect

    page = browser_page()
    login(page, "township_officer")
    page.goto("/households/import/")
    sheet = tmp_path / "a.xlsx"
    sheet.write_bytes(b"PK")
    page.locator("input[type=file]").set_input_files(str(sheet))
    expect(page.locator("[data-file-names]")).to_have_text("a.xlsx")
    page.evaluate("document.querySelector('[data-testid=import-form]').reset()")
    expect(page.locator("[data-file-names]")).to_have_text("未选择文件")
