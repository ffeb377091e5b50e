"""Shared pieces for browser tests: the real platform in a subprocess, Debian's Chromium through Playwright.

A browser test module of any app uses it like this::

    import pytest
    from xiangcun.core.tests.browser import BROWSER_MARKS, login, logout, screenshot

    pytest_plugins = ["xiangcun.core.tests.browser"]   # registers the fixtures below, once per session
    pytestmark = BROWSER_MARKS                          # @browser, and a clean skip without /usr/bin/chromium

    def test_something(live_platform, browser_page):
        page = browser_page()                           # a fresh context: no cookies, desktop viewport
        login(page, "county_admin")                     # a demo persona, password Demo-2026!
        page.goto("/regions/623023/")                   # relative to live_platform.url
        ...

Fixtures (session-wide; whichever module asks first starts them, pytest's exit stops them):

- ``live_platform`` — the platform served like `make run`: a throwaway ``XIANGCUN_VAR_DIR`` (SQLite,
  keys, static files), ``migrate``, ``seed_demo`` (舟曲县 regions, synthetic geometry, grids, the personas
  of ``xiangcun.accounts.demo``), ``collectstatic``, then uvicorn on 127.0.0.1 and a free port. Not
  pytest-django's ``live_server``: its flush between tests conflicts with the triggers that protect audit
  rows, so the data of one test stays for the next — give each test its own persona or user name.
- ``chromium`` — one headless ``/usr/bin/chromium`` (never ``playwright install``).
- ``browser_page`` — a factory: ``browser_page(viewport=..., locale=..., **context_options)`` opens a new
  browser context (its own cookies) and returns its page; contexts are closed after the test. Requests to
  any address other than the platform are aborted (and listed in ``foreign_requests(page)``), so a test
  never reaches the internet even when the page tries to.

``watch_failures(page)`` collects what a person would notice going wrong (failed requests, answers ≥ 400, script
errors) and leaves out requests the browser cancelled because the page moved on (``noticed_failure``): assert
the list empty instead of counting failed requests by hand.

Set ``XIANGCUN_BROWSER_KEEP=1`` to keep the var dir and the server log (the path is printed) after the run.

PYTEST_DONT_REWRITE: test modules import this before ``pytest_plugins`` registers it; it holds no asserts.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from xiangcun.accounts.demo import DEFAULT_PASSWORD

if TYPE_CHECKING:  # Playwright is imported lazily: collecting the suite must work without it
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BASE_DIR = Path(__file__).resolve().parents[3]
RESULTS_DIR = BASE_DIR / "test-results"  # screenshots; git-ignored
DEMO_PASSWORD = DEFAULT_PASSWORD
STARTUP_TIMEOUT = 30.0  # seconds for /healthz to answer 200 once uvicorn is started
SETUP_TIMEOUT = 180.0  # seconds for each of migrate, seed_demo, collectstatic


def _playwright_missing() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return True
    return False


CHROMIUM_MISSING = not CHROMIUM.exists()
SKIP_REASON = (f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)" if CHROMIUM_MISSING
               else "Playwright for Python is not installed (pip install -e '.[dev]')" if _playwright_missing()
               else "")
BROWSER_MARKS = [pytest.mark.browser, pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON or "n/a")]


# --- the platform in a subprocess -----------------------------------------------------------------

@dataclass
class LivePlatform:
    """A running platform: ``url`` is its origin without the trailing slash, e.g. http://127.0.0.1:41234."""

    url: str
    var_dir: Path
    log_path: Path
    process: subprocess.Popen | None = None
    keep: bool = False
    _stopped: bool = field(default=False, repr=False)

    def url_for(self, path: str) -> str:
        return self.url + path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Terminate uvicorn's whole process group (SIGTERM, then SIGKILL after 10 s) and remove the var dir."""
        if self._stopped:
            return
        self._stopped = True
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.keep:
            print(f"\nbrowser tests: kept {self.var_dir} (server log {self.log_path})", file=sys.stderr)
        else:
            shutil.rmtree(self.var_dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def platform_env(var_dir: Path) -> dict[str, str]:
    """The environment of `make run` on a fresh var dir: SQLite, no Redis, plain HTTP, not DEBUG."""
    dropped = {"DATABASE_URL", "XIANGCUN_REDIS_URL", "XIANGCUN_SECRET_KEY", "XIANGCUN_FIELD_ENCRYPTION_KEYS"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(XIANGCUN_VAR_DIR=str(var_dir), XIANGCUN_DEBUG="0", XIANGCUN_HTTPS="0", PYTHONUNBUFFERED="1",
               DJANGO_SETTINGS_MODULE="xiangcun.settings", NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost")
    return env


def _run_step(args: list[str], env: dict[str, str], log_path: Path) -> None:
    with log_path.open("a") as log:
        log.write(f"\n$ {' '.join(args)}\n")
        log.flush()
        try:
            result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=log,
                                    stderr=subprocess.STDOUT, timeout=SETUP_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"manage.py {args[0]} took more than {SETUP_TIMEOUT:.0f} s (log: {log_path})") from None
    if result.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"manage.py {' '.join(args)} failed with exit code {result.returncode}:\n{tail}")


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an HTTP proxy
    try:
        with opener.open(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_platform(*, timeout: float = STARTUP_TIMEOUT) -> LivePlatform:
    """Set up a fresh var dir with the demo and serve it with uvicorn on 127.0.0.1; wait for /healthz."""
    var_dir = Path(tempfile.mkdtemp(prefix="xiangcun-browser-"))
    log_path = var_dir / "server.log"
    env = platform_env(var_dir)
    port = free_port()
    platform = LivePlatform(url=f"http://127.0.0.1:{port}", var_dir=var_dir, log_path=log_path,
                            keep=os.environ.get("XIANGCUN_BROWSER_KEEP") == "1")
    try:
        _run_step(["migrate", "--noinput", "-v", "0"], env, log_path)
        _run_step(["seed_demo", "-v", "1"], env, log_path)
        _run_step(["collectstatic", "--noinput", "-v", "0"], env, log_path)
        with log_path.open("a") as log:
            log.write("\n$ uvicorn\n")
            log.flush()
            platform.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "xiangcun.asgi:application", "--host", "127.0.0.1",
                 "--port", str(port), "--no-access-log", "--timeout-graceful-shutdown", "3"],
                cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends it and anything it started
            )
        deadline = time.monotonic() + timeout
        while not _healthy(platform.url):
            if platform.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with code {platform.process.returncode}:\n{platform.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{platform.url}/healthz did not answer 200 within {timeout:.0f} s:\n"
                                   f"{platform.log_tail()}")
            time.sleep(0.2)
    except BaseException:
        platform.keep = True  # keep the log for the failure message's reader
        platform.stop()
        raise
    return platform


@contextlib.contextmanager
def another_process(platform: LivePlatform, *, timeout: float = STARTUP_TIMEOUT):
    """A second uvicorn process serving the same var dir (same database, keys and media) on another port.

    For behaviour that must hold across app processes (live screens): yields the second process's base URL.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with platform.log_path.open("a") as log:
        log.write(f"\n$ uvicorn (second process, port {port})\n")
        log.flush()
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "xiangcun.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--no-access-log", "--timeout-graceful-shutdown", "3"],
            cwd=BASE_DIR, env=platform_env(platform.var_dir), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the second process did not answer on {url}:\n{platform.log_tail()}")
            time.sleep(0.2)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


# Session-wide singletons: a fixture imported by several modules would otherwise start one server each.
_shared: dict[str, Any] = {}


def _stop_shared() -> None:
    browser, playwright = _shared.pop("browser", None), _shared.pop("playwright", None)
    with contextlib.suppress(Exception):
        if browser is not None:
            browser.close()
    with contextlib.suppress(Exception):
        if playwright is not None:
            playwright.stop()
    platform = _shared.pop("platform", None)
    if platform is not None:
        platform.stop()


atexit.register(_stop_shared)  # also when pytest is interrupted


@pytest.fixture(scope="session")
def live_platform(request) -> LivePlatform:
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    if "platform" not in _shared:
        if "platform_error" in _shared:  # started once and failed: fail fast, do not retry per test
            pytest.fail(_shared["platform_error"], pytrace=False)
        try:
            _shared["platform"] = start_platform()
        except RuntimeError as error:
            _shared["platform_error"] = f"the platform did not start: {error}"
            pytest.fail(_shared["platform_error"], pytrace=False)
        request.config.add_cleanup(_stop_shared)
    return _shared["platform"]


@pytest.fixture(scope="session")
def chromium(request) -> Browser:
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _shared["playwright"] = playwright
        _shared["browser"] = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                        timeout=30_000)
        request.config.add_cleanup(_stop_shared)
    return _shared["browser"]


@pytest.fixture
def browser_page(live_platform, chromium):
    """Factory of pages, each in its own browser context (own cookies), on the live platform.

    ``browser_page(viewport={"width": 360, "height": 740}, is_mobile=True)``; the default is a 1280×900
    desktop with an English Accept-Language (the platform must still answer in Chinese). Extra keyword
    arguments go to ``Browser.new_context``. Actions and ``expect`` wait at most 10 s.
    """
    contexts = []

    def make(*, viewport: dict | None = None, locale: str = "en-US", **options) -> Page:
        context = chromium.new_context(base_url=live_platform.url, viewport=viewport or {"width": 1280, "height": 900},
                                       locale=locale, **options)
        contexts.append(context)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        page = context.new_page()
        page._xiangcun_foreign = []  # read through foreign_requests(page)
        origin = live_platform.url + "/"

        def is_foreign(url: str) -> bool:
            return url.startswith(("http:", "https:", "ws:", "wss:")) and not url.startswith(origin)

        def block(route) -> None:
            page._xiangcun_foreign.append(route.request.url)
            route.abort("blockedbyclient")

        context.route(is_foreign, block)
        return page

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


def foreign_requests(page: Page) -> list[str]:
    """Requests of this page's context to anything but the platform (aborted by ``browser_page``)."""
    return list(getattr(page, "_xiangcun_foreign", []))


# Chromium's word for a request that the browser or the page itself cancelled: the page navigated away before it
# finished (the favicon of a page left at once), a newer request replaced it (a map layer of a moved map), a
# script aborted it. Nothing failed that a person would notice, and it depends on timing, so it is no failure.
# Every other failure (refused, reset, blocked, DNS …) is one.
CANCELLED = "net::ERR_ABORTED"


def noticed_failure(failure: str | None) -> bool:
    """Whether a failed request (Playwright's ``request.failure``) is a failure a person would notice."""
    return failure != CANCELLED


def watch_failures(page: Page) -> list[str]:
    """What went wrong on the page from now on, as a person would notice it: failed requests (not those the
    browser cancelled, see ``noticed_failure``), answers of 400 and above, and script errors. Assert it empty."""
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}")
            if noticed_failure(request.failure) else None)
    page.on("response", lambda response: failed.append(f"{response.url} {response.status}")
            if response.status >= 400 else None)
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    return failed


# --- small helpers ---------------------------------------------------------------------------------

def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page; the caller asserts where it lands."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("[data-testid=login-submit]").click()


def logout(page: Page) -> None:
    """Log out through the user menu (a POST button inside the dropdown)."""
    page.locator("[data-testid=user-menu]").click()
    with page.expect_navigation():
        page.locator("[data-testid=logout]").click()


def path_of(page: Page) -> str:
    """The current URL's path, e.g. ``/accounts/login/``."""
    from urllib.parse import urlsplit

    return urlsplit(page.url).path


# Share of sampled pixels of a canvas that differ from a background colour (alpha 0 counts as blank). A WebGL
# canvas reads back only when its page asked for preserveDrawingBuffer (the maps' ?capture=1).
_DRAWN_SHARE = """([selector, bg, tolerance]) => {
  const source = document.querySelector(selector);
  const copy = document.createElement("canvas");
  copy.width = source.width; copy.height = source.height;
  const g = copy.getContext("2d");
  g.drawImage(source, 0, 0);
  const d = g.getImageData(0, 0, copy.width, copy.height).data;
  let drawn = 0, all = 0;
  for (let i = 0; i < d.length; i += 4 * 7) {
    all++;
    if (d[i + 3] > 0 && Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > tolerance) {
      drawn++;
    }
  }
  return drawn / all;
}"""


def drawn_share(page: Page, selector: str, background: tuple[int, int, int], *, tolerance: int = 30) -> float:
    """How much of the canvas at ``selector`` is drawn: the share of sampled pixels unlike ``background`` (r, g, b)."""
    return page.evaluate(_DRAWN_SHARE, [selector, list(background), tolerance])


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save ``test-results/<name>.png`` (git-ignored) and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
