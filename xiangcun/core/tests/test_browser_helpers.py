"""The browser tests' own rule for failures: a request the browser cancelled because the page moved on (the
favicon of a page left at once, net::ERR_ABORTED) is not a failure; a refused request, a blocked one, an answer of
400 or more and a script error are. A test that fails for what no user notices is flaky; one that misses a real
failure is worse."""

from __future__ import annotations

import pytest

from xiangcun.core.tests.browser import SKIP_REASON, login, noticed_failure, watch_failures

pytest_plugins = ["xiangcun.core.tests.browser"]


@pytest.mark.parametrize(("failure", "noticed"), [
    ("net::ERR_ABORTED", False),
    ("net::ERR_CONNECTION_REFUSED", True),
    ("net::ERR_CONNECTION_RESET", True),
    ("net::ERR_BLOCKED_BY_CLIENT", True),  # what browser_page does to a request leaving the machine
    ("net::ERR_NAME_NOT_RESOLVED", True),
    ("net::ERR_FAILED", True),
])
def test_only_a_cancelled_request_is_not_a_noticed_failure(failure, noticed):
    assert noticed_failure(failure) is noticed


@pytest.mark.browser
@pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "n/a")
def test_a_request_cut_short_by_leaving_the_page_is_not_counted_but_real_failures_are(live_platform, browser_page):
    page = browser_page()
    login(page, "auditor")
    held = []
    page.route("**/held-forever", lambda route: held.append(route))  # never answered: still running when we leave
    page.route("**/refused", lambda route: route.abort("connectionrefused"))
    failed = watch_failures(page)

    with page.expect_request("**/held-forever"):
        page.evaluate("() => { fetch('/held-forever').catch(() => {}); }")
    with page.expect_event("requestfailed", predicate=lambda request: request.url.endswith("/held-forever")):
        page.goto("/accounts/login/?again")  # the page moves on: the browser cancels the fetch
    assert held and failed == [], failed

    page.evaluate("() => fetch('/refused').catch(() => {})")
    page.evaluate("() => fetch('/static/no-such-file.png')")
    page.evaluate("() => setTimeout(() => { throw new Error('broken script'); })")
    page.wait_for_timeout(300)
    assert any(entry.endswith("/refused net::ERR_CONNECTION_REFUSED") for entry in failed), failed
    assert any("/static/no-such-file.png 404" in entry for entry in failed), failed
    assert any("broken script" in entry for entry in failed), failed
