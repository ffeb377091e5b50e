"""Browser tests of the platform foundation, in Debian's headless Chromium (run by `make test`'s browser leg).

The platform runs as `make run` does (see ``xiangcun.core.tests.browser``); each test uses its own persona or
user, since the data of one test stays for the next.
"""

from __future__ import annotations

import re
import secrets

from xiangcun.core.tests.browser import BROWSER_MARKS, foreign_requests, login, logout, path_of, screenshot

pytest_plugins = ["xiangcun.core.tests.browser"]
pytestmark = BROWSER_MARKS

PHONE = {"width": 360, "height": 740}
FONT_SIZE = "() => parseFloat(getComputedStyle(document.body).fontSize)"


def expect():
    from playwright.sync_api import expect

    return expect


def test_new_village_cadre_first_login_regions_and_elder_mode(live_platform, browser_page):
    """The issue's scenario: a county admin creates a 村干部 of 杰迪村, who logs in, changes the password,
    browses only their own village, and keeps 长辈版 across logins."""
    check = expect()
    username = f"jiedi_{secrets.token_hex(3)}"
    temporary, final = "Temp-pass-2026", "Jiedi-own-2026"

    # The county administrator creates the user.
    page = browser_page()
    login(page, "county_admin")
    assert path_of(page) == "/"
    page.locator("[data-testid=nav-users]").click()
    page.wait_for_url("**/accounts/users/")
    page.locator("[data-testid=user-create]").click()
    page.wait_for_url("**/accounts/users/new/")
    form = page.locator("[data-testid=user-form]")
    form.locator("[name=username]").fill(username)
    form.locator("[name=full_name]").fill("扎西草")
    form.locator("select[name=role]").select_option(label="村干部")
    form.locator("[name=region]").fill("623023103203")
    form.locator("[name=password]").fill(temporary)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert re.fullmatch(r"/accounts/users/\d+/", path_of(page)), (
        f"no user page after creating the user: {page.url}; form errors: "
        f"{page.locator('[data-testid=form-errors], [data-testid=field-error]').all_inner_texts()}")
    check(page.locator("h1.page-title")).to_contain_text("扎西草")
    check(page.locator("h1.page-title")).to_contain_text(username)
    check(page.locator("body")).to_contain_text("村干部")
    check(page.locator("body")).to_contain_text("杰迪村")
    logout(page)
    assert path_of(page) == "/accounts/login/"

    # First login: the temporary password leads to the password page, and nowhere else.
    page = browser_page()
    login(page, username, temporary)
    assert path_of(page) == "/accounts/password/change/"
    check(page.locator("[data-testid=must-change]")).to_be_visible()
    page.goto("/")
    assert path_of(page) == "/accounts/password/change/"
    page.goto("/regions/")
    assert path_of(page) == "/accounts/password/change/"
    page.locator("[name=old_password]").fill(temporary)
    page.locator("[name=new_password1]").fill(final)
    page.locator("[name=new_password2]").fill(final)
    with page.expect_navigation():
        page.locator("[data-testid=password-submit]").click()
    assert path_of(page) == "/", f"after the password change: {page.url}"
    check(page.locator("[data-testid=home-title]")).to_be_visible()
    check(page.locator("[data-testid=must-change]")).to_have_count(0)

    # The region tree: their village, its grids; another township's village does not exist for them.
    page.locator("[data-testid=nav-regions]").click()
    page.wait_for_url("**/regions/")
    page.locator("[data-testid=region-list] a", has_text="杰迪村").click()
    page.wait_for_url("**/regions/623023103203/")
    check(page.locator("[data-testid=region-name]")).to_have_text("杰迪村")
    grids = int(page.locator("[data-testid=count-grids]").inner_text())
    assert grids >= 1, "杰迪村 shows no grids"
    check(page.locator(".page-body a[href^='/regions/grids/']")).to_have_count(grids)
    response = page.goto("/regions/623023102214/")
    assert response is not None and response.status == 404, "another township's village must answer 404"
    check(page.locator("body")).not_to_contain_text("狼岔坝村")

    # 长辈版: larger text, remembered on the account (not only in this browser's cookie).
    page.goto("/")
    standard = page.evaluate(FONT_SIZE)
    toggle = page.locator("[data-testid=elder-toggle]")
    check(toggle).to_have_attribute("aria-pressed", "false")
    with page.expect_navigation():
        toggle.click()
    assert path_of(page) == "/"
    check(page.locator("[data-testid=elder-toggle]")).to_have_attribute("aria-pressed", "true")
    large = page.evaluate(FONT_SIZE)
    assert large >= 1.25 * standard, f"长辈版 body font-size {large}px is not ≥ 1.25 × {standard}px"
    screenshot(page, "home-elder-mode")
    logout(page)
    page.context.clear_cookies()  # the elder cookie goes: what remains is the account's setting
    login(page, username, final)
    assert path_of(page) == "/"
    assert page.evaluate(FONT_SIZE) >= 1.25 * standard, "长辈版 was not remembered for the user"
    check(page.locator("[data-testid=elder-toggle]")).to_have_attribute("aria-pressed", "true")

    logout(page)
    assert path_of(page) == "/accounts/login/"
    page.goto("/")
    assert path_of(page) == "/accounts/login/", f"after logout / shows {page.url}"


def test_phone_layout_has_no_horizontal_scroll(live_platform, browser_page):
    check = expect()
    page = browser_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    no_scroll = "() => document.scrollingElement.scrollWidth"

    page.goto("/accounts/login/")
    check(page.locator("[data-testid=login-submit]")).to_be_visible()
    assert page.evaluate(no_scroll) <= PHONE["width"] + 1, "the login page scrolls sideways on a phone"
    check(page.locator(".navbar-toggler")).to_be_visible()
    check(page.locator(".navbar-brand")).not_to_contain_text("127.0.0.1")  # the platform's name, not the host
    screenshot(page, "phone-login")

    login(page, "village_clerk_a")
    assert path_of(page) == "/"
    check(page.locator("[data-testid=home-title]")).to_be_visible()
    assert page.evaluate(no_scroll) <= PHONE["width"] + 1, "the home page scrolls sideways on a phone"
    toggler = page.locator(".navbar-toggler")
    check(toggler).to_be_visible()
    check(page.locator("[data-testid=nav-regions]")).to_be_hidden()
    toggler.click()
    check(page.locator("[data-testid=nav-regions]")).to_be_visible()
    check(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))  # the opening animation is over
    assert page.evaluate(no_scroll) <= PHONE["width"] + 1, "the open menu scrolls sideways on a phone"
    screenshot(page, "phone-home-menu")


def test_chinese_by_default_and_language_switch(live_platform, browser_page):
    check = expect()
    page = browser_page(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    page.goto("/accounts/login/")
    check(page.locator("html")).to_have_attribute("lang", "zh-CN")
    check(page.locator("[data-testid=login-submit]")).to_have_text("登录")

    with page.expect_navigation():
        page.locator("[data-testid=language-switch] button", has_text="English").click()
    assert path_of(page) == "/accounts/login/"
    check(page.locator("html")).to_have_attribute("lang", "en")
    check(page.locator("[data-testid=login-submit]")).to_have_text("Log in")

    with page.expect_navigation():
        page.locator("[data-testid=language-switch] button", has_text="中文").click()
    check(page.locator("html")).to_have_attribute("lang", "zh-CN")
    check(page.locator("[data-testid=login-submit]")).to_have_text("登录")


def test_five_wrong_passwords_lock_the_account(live_platform, browser_page):
    check = expect()
    page = browser_page()
    for attempt in range(1, 6):
        login(page, "dept_staff", f"wrong-password-{attempt}")
        assert path_of(page) == "/accounts/login/", f"wrong password {attempt} left the login page"
        check(page.locator("[data-testid=form-errors], [data-testid=locked]").first).to_be_visible()
    login(page, "dept_staff")  # the right password, too late
    assert path_of(page) == "/accounts/login/"
    check(page.locator("[data-testid=locked]")).to_be_visible()
    check(page.locator("[data-testid=locked]")).to_contain_text("15")
    check(page.locator("[data-testid=user-menu]")).to_have_count(0)
    page.goto("/")
    assert path_of(page) == "/accounts/login/", "a locked account got a session"


def test_county_map_draws_offline(live_platform, browser_page):
    check = expect()
    page = browser_page()
    requests: list[str] = []
    errors: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "county_admin")
    page.goto("/regions/623023/")
    check(page.locator("[data-testid=region-name]")).to_have_text("舟曲县")
    canvas = page.locator("#region-map canvas")
    check(canvas).to_be_visible(timeout=8_000)
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, f"map canvas is {box}"
    page.wait_for_load_state("networkidle")
    screenshot(page, "region-county-map")

    origin = live_platform.url + "/"
    outside = [url for url in requests if not url.startswith((origin, "data:", "blob:"))]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not foreign_requests(page)
    assert any("maplibre-gl" in url for url in requests), "MapLibre was not loaded"
    assert not errors, f"script errors on the region page: {errors}"
