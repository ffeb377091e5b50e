"""Browser tests of the incident loop on phones: 卓玛 (villager_a) reports with a photo at 360 × 740, 李网格
(grid_worker_a) handles it on his phone, the village clerk closes it on the desk page, 卓玛 rates it; and a
report written without signal waits in the phone's outbox and arrives exactly once."""

from __future__ import annotations

import uuid

from xiangcun.core.tests.browser import BROWSER_MARKS, login, path_of, screenshot
from xiangcun.incidents.tests.factories import jpeg_bytes

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
VILLAGE_A = "623023103203"
SIZE_OF = ("async (url) => { const i = new Image(); i.src = url; await i.decode();"
           " return [i.naturalWidth, i.naturalHeight]; }")


def photo(name: str = "photo.jpg", color: str = "green") -> dict:
    """A phone-sized JPEG (larger than the 1600 px the page shrinks photos to)."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes((2400, 1800), color, exif_gps=True)}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def fill_report(page, words: str) -> None:
    page.goto("/m/incidents/report/")
    page.locator("[data-testid=region]").select_option(VILLAGE_A)
    page.locator("[data-testid=group-env]").click()
    page.locator("[data-testid=cat-env-garbage]").click()
    page.locator("[data-testid=description]").fill(words)


def my_reports_with(page, words: str) -> int:
    page.goto("/m/incidents/mine/")
    return page.locator("[data-testid=my-report]", has_text=words).count()


def test_a_report_goes_round_the_loop_on_phones_and_the_desk(live_platform, browser_page):
    from playwright.sync_api import expect

    words = f"村口垃圾堆放 {uuid.uuid4().hex[:6]}"
    villager = browser_page(**PHONE)
    login(villager, "villager_a")
    expect(villager.locator("[data-testid=quick-report]")).to_be_visible()
    fill_report(villager, words)
    assert no_sideways_scroll(villager)
    villager.locator("[data-testid=photos]").set_input_files([photo()])
    expect(villager.locator("#photo-previews img")).to_have_count(1)  # shrunk in the browser, shown
    screenshot(villager, "incidents-report-360", full_page=True)
    villager.locator("[data-testid=submit]").click()
    expect(villager.locator("[data-testid=sent]")).to_be_visible()
    code = villager.locator("[data-testid=sent-code]").inner_text()
    assert code.startswith("ZQ-")
    villager.locator("[data-testid=sent-link]").click()
    expect(villager.locator("[data-testid=tracking-code]")).to_have_text(code)
    expect(villager.locator("[data-testid=photo]")).to_have_count(1)
    # The stored photo is the one the phone shrank (the server alone would keep up to 2560 px).
    full = villager.locator("[data-testid=photos] a").first.get_attribute("href")
    assert villager.evaluate(SIZE_OF, full) == [1600, 1200]

    clerk = browser_page()
    login(clerk, "village_clerk_a")
    clerk.goto(f"/incidents/{code}/")
    clerk.locator("[data-testid=step-dispatch] summary").click()
    form = clerk.locator("[data-testid=form-dispatch]")
    form.locator("select[name=kind]").select_option("user")
    form.locator("select[name=user]").select_option(label="李网格")
    with clerk.expect_navigation():
        clerk.locator("[data-testid=submit-dispatch]").click()
    expect(clerk.locator("[data-testid=state]")).to_have_attribute("data-state", "dispatched")

    worker = browser_page(**PHONE)
    login(worker, "grid_worker_a")
    worker.goto("/m/incidents/inbox/")
    row = worker.locator(f"[data-testid=inbox-row][data-code='{code}']")
    expect(row).to_be_visible()
    assert no_sideways_scroll(worker)
    row.click()
    with worker.expect_navigation():
        worker.locator("[data-testid=action-start]").click()
    expect(worker.locator("[data-testid=state]")).to_have_attribute("data-state", "in_progress")
    worker.locator("[data-testid=result-text]").fill("已清运，村口恢复整洁")
    worker.locator("[data-testid=resolve-photos]").set_input_files([photo("done.jpg", "blue")])
    with worker.expect_navigation():
        worker.locator("[data-testid=action-resolve]").click()
    expect(worker.locator("[data-testid=state]")).to_have_attribute("data-state", "resolved")
    assert no_sideways_scroll(worker)
    screenshot(worker, "incidents-handle-360", full_page=True)

    clerk.goto(f"/incidents/{code}/")
    clerk.locator("[data-testid=step-close] summary").click()
    with clerk.expect_navigation():
        clerk.locator("[data-testid=submit-close]").click()
    expect(clerk.locator("[data-testid=state]")).to_have_attribute("data-state", "closed")

    villager.goto(f"/m/incidents/mine/{code}/")
    expect(villager.locator("[data-testid=result]")).to_contain_text("已清运")
    villager.locator("[data-testid=star-5]").click()
    with villager.expect_navigation():
        villager.locator("[data-testid=rate]").click()
    expect(villager.locator("[data-testid=rated]")).to_be_visible()
    expect(villager.locator("[data-testid=rating]")).to_have_text("5")
    expect(villager.locator("[data-testid=state]")).to_have_attribute("data-state", "rated")
    assert no_sideways_scroll(villager)
    screenshot(villager, "incidents-rated-360", full_page=True)

    # 长辈版: the report page with large text, still no sideways scrolling.
    villager.goto("/m/incidents/report/")
    if not villager.locator("body.elder-mode").count():
        with villager.expect_navigation():
            villager.locator("[data-testid=elder-toggle]").click()
    expect(villager.locator("body.elder-mode")).to_have_count(1)
    assert path_of(villager) == "/m/incidents/report/" and no_sideways_scroll(villager)
    assert villager.locator("[data-testid=group-env]").bounding_box()["height"] >= 56
    screenshot(villager, "incidents-report-elder-360", full_page=True)


def test_a_report_written_offline_waits_in_the_outbox_and_arrives_once(live_platform, browser_page):
    from playwright.sync_api import expect

    page = browser_page(**PHONE)
    login(page, "villager_a")

    # Without signal: kept on the phone, shown as waiting; sent by itself when the connection returns.
    offline_words = f"路灯不亮 离线 {uuid.uuid4().hex[:6]}"
    fill_report(page, offline_words)
    page.context.set_offline(True)
    page.locator("[data-testid=submit]").click()
    expect(page.locator("[data-testid=outbox]")).to_be_visible()
    expect(page.locator("[data-testid=outbox-count]")).to_have_text("1")
    screenshot(page, "incidents-outbox-360")
    page.context.set_offline(False)
    expect(page.locator("[data-testid=sent]")).to_be_visible()
    expect(page.locator("[data-testid=outbox]")).to_be_hidden()
    first_code = page.locator("[data-testid=sent-code]").inner_text()
    assert my_reports_with(page, offline_words) == 1

    # The report arrives but the answer is lost on the way: the phone keeps it and sends it again with the
    # same client key, and the server answers with the incident it already made.
    retry_words = f"路灯不亮 重发 {uuid.uuid4().hex[:6]}"
    fill_report(page, retry_words)
    lost = []

    def lose_the_first_answer(route) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server receives and stores the report …
            lost.append(route.request.url)
            route.abort("connectionreset")  # … and the phone never hears back
        else:
            route.continue_()

    page.route("**/m/incidents/report/", lose_the_first_answer)
    page.locator("[data-testid=submit]").click()
    expect(page.locator("[data-testid=outbox-count]")).to_have_text("1")
    assert lost
    page.locator("[data-testid=outbox-send]").click()
    expect(page.locator("[data-testid=sent]")).to_be_visible()
    expect(page.locator("[data-testid=outbox]")).to_be_hidden()
    retried_code = page.locator("[data-testid=sent-code]").inner_text()
    assert retried_code != first_code
    assert my_reports_with(page, retry_words) == 1
    page.goto("/m/incidents/report/")  # a later page load finds nothing left to send
    expect(page.locator("[data-testid=outbox]")).to_be_hidden()
    assert my_reports_with(page, retry_words) == 1
