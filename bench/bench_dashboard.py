"""乡村一张图与数字大屏 on the full demo county: the overview API, a screen's first paint, the viewport house layer.

On a copy of the full demo county (``bench/_full_county.py``: ``seed_demo --households 35000 --incidents
100000``, built once into ``var/bench-cache/`` and copied into a throwaway ``XIANGCUN_VAR_DIR``) it runs
``refresh_dashboard`` (timed) and ``collectstatic``, starts uvicorn on 127.0.0.1 (a free port, one worker,
as ``make run`` serves) and measures, each beside a baseline from the same run:

1. **Overview API** ``/api/v1/dashboard/overview/<code>/`` as ``county_admin`` for the county, a township
   (立节镇) and a village (杰迪村): *warm* (``--runs`` requests on one keep-alive connection after warm-up)
   and *cold*: the cache is the server process's own (``LocMemCache`` without Redis), so the cache is
   cleared by restarting uvicorn ``--cold-runs`` times; after each start the process is warmed up on another
   village's overview and the first request of each region is timed. Baseline: ``/healthz`` and
   ``/api/v1/users/me/`` (a trivial authenticated API) on the same connection. Target: p95 ≤ 200 ms.
2. **Screen first paint** of ``/screen/623023/`` in headless Chromium (``/usr/bin/chromium`` through
   Playwright, the flags of DESIGN.md "Recipes"; 1920×1080; a new browser context per run, so nothing is
   cached but the session cookie): ``first-contentful-paint``, when ``screen.js`` has set every figure and
   chart (``data-painted``), when the charts are drawn (every ECharts instance's last ``finished`` event,
   animations included, the page then quiet for a second) and when the centre map is drawn (its
   ``data-ready``, MapLibre's first ``idle``). Baseline: the login page's first paint in the same browser run.
   Target: first paint ≤ 2 s.
3. **The viewport house layer** ``/map/layers/houses.geojson?bbox=…`` for the densest village (most houses):
   the viewport of a 1920×1080 map centred on its houses at the layer's ``min_zoom``, and the village's whole
   bbox; and the county's bbox, where the layer stops at its cap (the largest answer it gives). Baseline: the
   same rows read raw in-process (``values_list`` of the layer's restricted bbox query, no serialization, no
   HTTP). Target: ≤ 500 ms (p95).

Then each measured address is profiled in-process (Django's test ``Client``, cache cleared): its slowest
queries with ``EXPLAIN QUERY PLAN`` and the top of ``cProfile``, to say what dominates.

    .venv/bin/python bench/bench_dashboard.py [--json PATH] [--households 35000] [--incidents 100000]
        [--runs 30] [--cold-runs 5] [--browser-runs 5] [--fast-incidents] [--rebuild]
        [--only api,screen,houses] [--no-profile]

A smaller run for ``make bench`` on a busy machine: ``--households 5000 --incidents 10000 --runs 10``.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import math
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _django import Server, environment, setup_django, summary, timed
from _full_county import prepare

ROOT = Path(__file__).resolve().parent.parent
COUNTY, TOWNSHIP, VILLAGE = "623023", "623023103", "623023103203"  # 舟曲县, 立节镇, 杰迪村
WARMUP_VILLAGE = "623023102214"  # 狼岔坝村: warms the code path before the cold requests
PERSONA = "county_admin"
OVERVIEW = "/api/v1/dashboard/overview/{code}/"
TRIVIAL_API = "/api/v1/users/me/"
LAYER = "houses"
OVERVIEW_TARGET_MS, PAINT_TARGET_MS, HOUSES_TARGET_MS = 200.0, 2000.0, 500.0
SCREEN_SIZE = {"width": 1920, "height": 1080}
MAP_SIZE = (1920, 1080)  # the viewport whose bbox the house layer is asked for (a full-HD map page)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--households", type=int, default=35_000, help="households of the county (default 35000)")
    parser.add_argument("--incidents", type=int, default=100_000, help="incidents (default 100000)")
    parser.add_argument("--runs", type=int, default=30, help="timed HTTP requests of each kind (default 30)")
    parser.add_argument("--cold-runs", type=int, default=5, help="server restarts for the cold overview (default 5)")
    parser.add_argument("--browser-runs", type=int, default=5, help="page loads of each kind in Chromium (default 5)")
    parser.add_argument("--fast-incidents", action="store_true",
                        help="incidents beyond 300 from bench/_incident_rows.py instead of seed_demo")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the prepared county in var/bench-cache/")
    parser.add_argument("--only", default="api,screen,houses", help="comma-separated: api, screen, houses")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process profiles")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- the server ----------------------------------------------------------------------------------------

def server_env(var_dir: str) -> dict:
    dropped = {"DATABASE_URL", "XIANGCUN_REDIS_URL", "XIANGCUN_SECRET_KEY", "XIANGCUN_FIELD_ENCRYPTION_KEYS"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(XIANGCUN_VAR_DIR=var_dir, XIANGCUN_LOG_LEVEL="WARNING", XIANGCUN_DEBUG="0", XIANGCUN_HTTPS="0",
               DJANGO_SETTINGS_MODULE="xiangcun.settings", PYTHONUNBUFFERED="1")
    return env


def manage(var_dir: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=server_env(var_dir), check=True)
    return round(time.perf_counter() - started, 1)


def serve(var_dir: str) -> Server:
    """uvicorn on 127.0.0.1 as ``make run`` serves (one worker)."""
    return Server(server_env(var_dir), args=("--no-access-log", "--log-level", "warning",
                                             "--timeout-graceful-shutdown", "3"))


class Session:
    """One keep-alive connection with the persona's session cookie; ``get`` times one request."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[float, int, int]:
        """(milliseconds, status, bytes) of one GET, the body read to the end."""
        headers = {"Cookie": self.cookie, "Accept": "application/json"}
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        return (time.perf_counter() - started) * 1000, response.status, len(body)

    def timed(self, path: str, runs: int, warm_up: int = 3) -> dict:
        for _index in range(warm_up):
            self.get(path)
        samples, statuses, size = [], {}, 0
        for _index in range(runs):
            milliseconds, status, size = self.get(path)
            samples.append(milliseconds)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        return {**summary(samples), "bytes": size, "statuses": statuses, "ok": set(statuses) == {"200"}}

    def close(self) -> None:
        self.connection.close()


def session_cookie(username: str) -> tuple[str, dict]:
    """A logged-in session of ``username`` in the benchmark's database (the server reads the same sessions)."""
    from django.conf import settings
    from django.test import Client

    from xiangcun.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username), backend="xiangcun.accounts.backends.RoleBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={value}", {"name": settings.SESSION_COOKIE_NAME, "value": value}


def target_entry(name: str, figures: dict, baseline: dict, target: float, **extra) -> dict:
    entry = {"name": name, **extra, **figures, "target_p95_ms": target}
    if figures.get("runs") and figures.get("ok", True):
        entry["ratio_p95_to_baseline"] = round(figures["p95_ms"] / max(baseline.get("p95_ms") or 1e-9, 1e-9), 1)
        entry["meets_target"] = figures["p95_ms"] <= target
    return entry


# --- 1. the overview API -------------------------------------------------------------------------------

def measure_overview(var_dir: str, cookie: str, runs: int, cold_runs: int) -> list[dict]:
    regions = {"county 舟曲县": COUNTY, "township 立节镇": TOWNSHIP, "village 杰迪村": VILLAGE}
    cold: dict[str, list[float]] = {name: [] for name in regions}
    cold_status: dict[str, dict] = {name: {} for name in regions}
    for _restart in range(cold_runs):
        server = serve(var_dir)
        try:
            session = Session(server.port, cookie)
            for _index in range(3):
                session.get("/healthz")
                session.get(TRIVIAL_API)
            session.get(OVERVIEW.format(code=WARMUP_VILLAGE))
            for name, code in regions.items():
                milliseconds, status, _size = session.get(OVERVIEW.format(code=code))
                cold[name].append(milliseconds)
                cold_status[name][str(status)] = cold_status[name].get(str(status), 0) + 1
            session.close()
        finally:
            server.stop()

    server = serve(var_dir)
    try:
        session = Session(server.port, cookie)
        healthz = session.timed("/healthz", runs)
        trivial = session.timed(TRIVIAL_API, runs)
        warm = {name: session.timed(OVERVIEW.format(code=code), runs) for name, code in regions.items()}
        session.close()
    finally:
        server.stop()
    results = [{"name": "baseline: GET /healthz", **healthz},
               {"name": f"baseline: GET {TRIVIAL_API} (authenticated)", **trivial}]
    for name, code in regions.items():
        path = OVERVIEW.format(code=code)
        figures = {**summary(cold[name]), "statuses": cold_status[name], "ok": set(cold_status[name]) == {"200"}}
        results.append(target_entry(f"overview {name}, cold (server restarted)", figures, healthz,
                                    OVERVIEW_TARGET_MS, url=path))
        results.append(target_entry(f"overview {name}, warm", warm[name], healthz, OVERVIEW_TARGET_MS, url=path))
    return results


# --- 2. the screen in Chromium ---------------------------------------------------------------------------

# Installed before any page script: wraps echarts.init (when the UMD bundle defines it) to note each chart's
# last 'finished' event, so the harness knows when the last chart was drawn.
CHART_PROBE = """
(() => {
  const probe = {charts: 0, finished: 0, last: null, firstRendered: null, mapReady: null};
  window.__benchCharts = probe;
  // The screen's map marks itself data-ready="1" on MapLibre's first 'idle' (static/dashboard/screen.js).
  new MutationObserver(() => {
    if (probe.mapReady === null && document.querySelector('[data-testid=screen-map][data-ready="1"]')) {
      probe.mapReady = performance.now();
    }
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-ready']});
  const wrap = (init) => function (...args) {
    const chart = init.apply(this, args);
    probe.charts += 1;
    let done = false;
    chart.on('rendered', () => { if (probe.firstRendered === null) probe.firstRendered = performance.now(); });
    chart.on('finished', () => {
      if (!done) { done = true; probe.finished += 1; }
      probe.last = performance.now();
    });
    return chart;
  };
  let bundle;
  Object.defineProperty(window, 'echarts', {
    configurable: true,
    get() { return bundle; },
    set(value) {
      bundle = value;
      if (value && typeof value.init === 'function') { value.init = wrap(value.init); return; }
      let init;
      try {
        Object.defineProperty(value, 'init', {configurable: true, enumerable: true,
          get() { return init; }, set(fn) { init = typeof fn === 'function' ? wrap(fn) : fn; }});
      } catch (e) { /* frozen module namespace: no chart timing */ }
    },
  });
})();
"""

TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const probe = window.__benchCharts || {};
  return {fcp: fcp ? fcp.startTime : null, ttfb: nav.responseStart ?? null,
          html_done: nav.responseEnd ?? null, dom_content_loaded: nav.domContentLoadedEventEnd ?? null,
          load: nav.loadEventEnd ?? null, charts: probe.charts ?? 0, charts_finished: probe.finished ?? 0,
          charts_first_rendered: probe.firstRendered ?? null, charts_last_finished: probe.last ?? null,
          painted: Number((document.getElementById('screen-stage') || {dataset: {}}).dataset.painted) || null,
          map_ready: probe.mapReady ?? null, has_map: !!document.querySelector('[data-testid=screen-map]'),
          resources: performance.getEntriesByType('resource').length,
          transferred: performance.getEntriesByType('resource').reduce((a, r) => a + (r.transferSize || 0),
                       nav.transferSize || 0)};
}"""


def load_page(browser, base: str, path: str, cookie: dict | None, quiet_ms: int = 1000,
              timeout_s: float = 30.0) -> dict:
    """Open ``path`` in a new context; timings once the charts (if any) have been quiet for ``quiet_ms``."""
    context = browser.new_context(base_url=base, viewport=SCREEN_SIZE, locale="zh-CN")
    if cookie:
        context.add_cookies([{**cookie, "url": base}])
    foreign: list[str] = []
    failed: list[str] = []

    def block(route) -> None:
        foreign.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(lambda url: url.startswith(("http:", "https:")) and not url.startswith(base + "/"), block)
    context.add_init_script(CHART_PROBE)
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    bad: list[str] = []
    page.on("response", lambda response: bad.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    try:
        response = page.goto(path, wait_until="load", timeout=timeout_s * 1000)
        deadline = time.monotonic() + timeout_s
        last_seen, steady_since = None, time.monotonic()
        while time.monotonic() < deadline:
            probe = page.evaluate("() => window.__benchCharts || {}")
            marker = (probe.get("charts"), probe.get("finished"), probe.get("last"), probe.get("mapReady"))
            if marker != last_seen:
                last_seen, steady_since = marker, time.monotonic()
            elif ((time.monotonic() - steady_since) * 1000 >= quiet_ms
                  and (not probe.get("charts") or probe.get("finished", 0) >= probe.get("charts", 0))
                  and (probe.get("mapReady") is not None
                       or not page.evaluate("() => !!document.querySelector('[data-testid=screen-map]')"))):
                break
            page.wait_for_timeout(100)
        timing = page.evaluate(TIMING)
        timing.update(status=response.status if response else None, url=page.url, foreign=foreign,
                      failed=[url for url in failed if url not in foreign][:5], errors=bad[:5])
    finally:
        context.close()
    return timing


def login_cookie_via_form(browser, base: str, username: str, password: str) -> dict:
    """Log in through the login form once; the session cookie for the screen's contexts."""
    from django.conf import settings

    context = browser.new_context(base_url=base)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("[data-testid=login-submit]").click()
        for cookie in context.cookies():
            if cookie["name"] == settings.SESSION_COOKIE_NAME:
                return {"name": cookie["name"], "value": cookie["value"]}
    finally:
        context.close()
    raise RuntimeError(f"logging in as {username} through the form gave no session cookie")


def paint_summary(loads: list[dict], key: str) -> dict:
    values = [item[key] for item in loads if item.get(key) is not None]
    return summary(values)


def measure_screen(var_dir: str, runs: int) -> tuple[list[dict], dict]:
    from playwright.sync_api import sync_playwright

    from xiangcun.accounts.demo import DEFAULT_PASSWORD
    from xiangcun.core.tests.browser import CHROMIUM, CHROMIUM_ARGS

    screen = f"/screen/{COUNTY}/"
    server = serve(var_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
            try:
                load_page(browser, server.url, "/accounts/login/", None)  # the browser's own start-up, untimed
                logins = [load_page(browser, server.url, "/accounts/login/", None) for _index in range(runs)]
                cookie = login_cookie_via_form(browser, server.url, PERSONA, DEFAULT_PASSWORD)
                load_page(browser, server.url, screen, cookie)  # untimed: the server's first screen
                screens = [load_page(browser, server.url, screen, cookie) for _index in range(runs)]
            finally:
                browser.close()
    finally:
        server.stop()
    login_fcp = paint_summary(logins, "fcp")
    results = [{"name": "baseline: login page, first contentful paint", "url": "/accounts/login/", **login_fcp}]
    last = screens[-1] if screens else {}
    ok = bool(screens) and all(item.get("status") == 200 and item.get("url", "").endswith(screen) for item in screens)
    extra = {"url": screen, "ok": ok, "status": last.get("status"), "charts": last.get("charts"),
             "resources": last.get("resources"), "transferred_bytes": last.get("transferred")}
    results.append(target_entry(f"screen {screen}, first contentful paint", {**paint_summary(screens, "fcp"),
                                                                            "ok": ok}, login_fcp,
                                PAINT_TARGET_MS, **extra))
    for key, label in (("ttfb", "HTML first byte"), ("dom_content_loaded", "DOMContentLoaded"),
                       ("load", "load event"), ("painted", "charts set (screen.js data-painted)"),
                       ("charts_first_rendered", "first chart rendered"),
                       ("charts_last_finished", "charts drawn (last ECharts 'finished')"),
                       ("map_ready", "centre map drawn (MapLibre 'idle')")):
        results.append({"name": f"screen {screen}, {label}", "url": screen, **paint_summary(screens, key)})
    problems = {"foreign_requests": sorted({url for item in screens + logins for url in item["foreign"]}),
                "failed_requests": sorted({url for item in screens for url in item["failed"]}),
                "error_responses": sorted({line for item in screens for line in item["errors"]}),
                "landed_on": sorted({item.get("url", "") for item in screens})}
    return results, problems


# --- 3. the house layer ----------------------------------------------------------------------------------

def lat_to_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def y_to_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def viewport_bbox(lng: float, lat: float, zoom: float, width: int, height: int) -> tuple[float, float, float, float]:
    """The WGS84 bbox MapLibre shows at ``zoom`` (512-pixel tiles) in a ``width``×``height`` map."""
    world = 512 * 2 ** zoom  # pixels around the equator
    half_lng = width / 2 * 360 / world
    half_y = height / 2 * 2 * math.pi / world
    y = lat_to_y(lat)
    return (lng - half_lng, y_to_lat(y - half_y), lng + half_lng, y_to_lat(y + half_y))


def densest_village() -> dict:
    """The village with the most houses that have a position, its houses' centre and the extent."""
    from django.db.models import Avg, Count, Max, Min

    from xiangcun.households.models import House

    row = (House.objects.filter(latitude__isnull=False, longitude__isnull=False)
           .values("household__region__code", "household__region__name")
           .annotate(houses=Count("id"), lat=Avg("latitude"), lng=Avg("longitude"), south=Min("latitude"),
                     north=Max("latitude"), west=Min("longitude"), east=Max("longitude"))
           .order_by("-houses").first())
    if row is None:
        raise RuntimeError("no house has a position: seed_demo did not place the houses")
    return {"code": row["household__region__code"], "name": row["household__region__name"], "houses": row["houses"],
            "centre": (row["lng"], row["lat"]), "extent": (row["west"], row["south"], row["east"], row["north"])}


def village_bbox(code: str, extent: tuple) -> tuple[float, float, float, float]:
    """The region boundary's bbox (``extent`` when it has none)."""
    from xiangcun.regions.models import Region

    boundary = Region.objects.filter(code=code).values_list("boundary", flat=True).first()
    if not boundary:
        return extent
    from shapely.geometry import shape

    return shape(boundary).bounds


def raw_house_rows(user, bbox: tuple) -> int:
    """The baseline: the layer's rows in the bbox selected as the layer selects them (restricted, in the box
    through ``dashboard.mapping.within_box``, with a footprint, ordered, up to its cap), read as tuples: no
    serialization, no HTTP."""
    from xiangcun.core.layers import BBox
    from xiangcun.households.models import House

    try:
        from xiangcun.households.layers import HOUSE_CAP as cap
    except ImportError:
        cap = 4000
    queryset = House.objects.restrict(user, "view")
    try:
        from xiangcun.core.mapping import within_box

        queryset = within_box(queryset, BBox(*bbox))
    except ImportError:  # before the map's helpers existed: the plain range filter
        west, south, east, north = bbox
        queryset = queryset.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
    rows = list(queryset.filter(footprint__isnull=False).order_by("pk")
                .values_list("pk", "footprint", "height", "floors", "safety_rating")[:cap + 1])
    return len(rows)


def layer_min_zoom() -> float | None:
    from xiangcun.core.layers import get_layer

    layer = get_layer(LAYER)
    return layer.min_zoom if layer is not None else None


def measure_houses(var_dir: str, cookie: str, runs: int) -> tuple[list[dict], dict]:
    from xiangcun.accounts.models import User

    user = User.objects.get(username=PERSONA)
    village = densest_village()
    min_zoom = layer_min_zoom()
    zoom = min_zoom if min_zoom else 15.0
    boxes = {f"viewport at zoom {zoom:g} (min zoom{'' if min_zoom else ' unknown, 15 assumed'})":
             viewport_bbox(*village["centre"], zoom, *MAP_SIZE),
             "whole village bbox": village_bbox(village["code"], village["extent"]),
             "the county's bbox (more houses than the layer's cap)": village_bbox(COUNTY, village["extent"])}
    results: list[dict] = []
    info = {"village": {key: village[key] for key in ("code", "name", "houses")}, "min_zoom": min_zoom,
            "boxes": {name: [round(value, 6) for value in box] for name, box in boxes.items()}}
    server = serve(var_dir)
    try:
        session = Session(server.port, cookie)
        for name, box in boxes.items():
            rows = raw_house_rows(user, box)
            raw = timed(lambda box=box: raw_house_rows(user, box), runs)
            path = f"/map/layers/{LAYER}.geojson?bbox={','.join(f'{value:.6f}' for value in box)}"
            figures = session.timed(path, runs)
            features = count_features(session, path) if figures["ok"] else None
            results.append({"name": f"baseline: raw rows, {name}", "rows": rows, **raw})
            results.append(target_entry(f"houses layer, {name}", figures, raw, HOUSES_TARGET_MS, url=path,
                                        rows=rows, features=features))
        session.close()
    finally:
        server.stop()
    return results, info


def count_features(session: Session, path: str) -> int | None:
    headers = {"Cookie": session.cookie, "Accept": "application/geo+json, application/json"}
    session.connection.request("GET", path, headers=headers)
    response = session.connection.getresponse()
    body = response.read()
    try:
        return len(json.loads(body).get("features", []))
    except (ValueError, AttributeError):
        return None




# --- profiles ------------------------------------------------------------------------------------------

def stats_lines(profiler: cProfile.Profile, order: str, restriction: str | None, count: int) -> list[str]:
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats(order)
    stats.print_stats(*([restriction] if restriction else []), count)
    lines = stream.getvalue().splitlines()
    start = next((index for index, line in enumerate(lines) if line.lstrip().startswith("ncalls")), len(lines))
    return [" ".join(line.split()).replace(str(ROOT) + "/", "") for line in lines[start + 1:] if line.strip()]


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def profile(paths: list[str]) -> dict:
    """Each path once through the test client (cache cleared): queries, the slowest with plans, cProfile's top."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xiangcun.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=PERSONA), backend="xiangcun.accounts.backends.RoleBackend")
    profiles = {}
    for path in paths:
        cache.clear()
        client.get(path)  # imports, templates: not what a running server pays
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            total = (time.perf_counter() - started) * 1000
        queries = captured.captured_queries  # read now: the next request's request_started empties the log
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        slowest = sorted(queries, key=lambda query: -float(query["time"]))[:4]
        cache.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(path)
        profiler.disable()
        own = stats_lines(profiler, "cumulative", r"/xiangcun/", 18)  # the project's functions, not Django's
        own_time = stats_lines(profiler, "tottime", None, 12)  # where the CPU went, any code
        profiles[path] = {
            "status": response.status_code, "ms": round(total, 1), "queries": len(queries),
            "sql_ms": round(sql_ms, 1), "bytes": len(response.content),
            "slowest": [{"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"][:500],
                         "plan": explain(query["sql"]) if query["sql"].startswith("SELECT") else []}
                        for query in slowest],
            "cprofile_project_cumulative": own, "cprofile_tottime": own_time,
        }
    return profiles


# --- output ----------------------------------------------------------------------------------------------

def print_results(title: str, results: list[dict]) -> None:
    header = (f"{'figure':<70} {'median ms':>10} {'p95 ms':>9} {'max ms':>9} {'runs':>5} {'p95÷base':>9} "
              f"{'target':>10}")
    print(f"\n{title}\n{header}\n{'-' * len(header)}")
    for entry in results:
        target = ""
        if "meets_target" in entry:
            target = f"{'ok' if entry['meets_target'] else 'MISS'} ≤{entry['target_p95_ms']:g}"
        elif "target_p95_ms" in entry:
            target = f"n/a {entry.get('statuses') or entry.get('status') or ''}"
        if not entry.get("runs"):
            print(f"{entry['name']:<70} {'—':>10}")
            continue
        print(f"{entry['name']:<70} {entry['median_ms']:>10.1f} {entry['p95_ms']:>9.1f} {entry['max_ms']:>9.1f} "
              f"{entry['runs']:>5} {entry.get('ratio_p95_to_baseline', ''):>9} {target:>10}")


def print_profiles(profiles: dict) -> None:
    for path, data in profiles.items():
        print(f"\nin-process profile of {path} (cache cleared): {data['status']}, {data['ms']} ms, "
              f"{data['queries']} queries, {data['sql_ms']} ms SQL, {data['bytes']} bytes")
        for query in data["slowest"]:
            print(f"  {query['ms']} ms: {query['sql'][:300]}")
            for line in query["plan"]:
                print(f"      {line}")
        print("  cProfile, project functions by cumulative time (ncalls tottime percall cumtime percall where):")
        for line in data["cprofile_project_cumulative"][:14]:
            print(f"    {line[:160]}")
        print("  cProfile, any function by own time:")
        for line in data["cprofile_tottime"][:10]:
            print(f"    {line[:160]}")


def main() -> int:
    args = parse_args()
    parts = {item.strip() for item in args.only.split(",") if item.strip()}
    report: dict = {"benchmark": "dashboard"}
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as var_dir:
        report["data"] = prepare(var_dir, households=args.households, incidents=args.incidents, seed=args.seed,
                                 fast=args.fast_incidents, rebuild=args.rebuild)
        setup_django(var_dir, plain_static=True)
        from django.core.management import call_command, get_commands

        call_command("migrate", verbosity=0)
        if "refresh_dashboard" in get_commands():
            report["data"]["refresh_dashboard_seconds"] = manage(var_dir, "refresh_dashboard")
        else:
            report["data"]["refresh_dashboard_seconds"] = None
            print("manage.py refresh_dashboard does not exist yet: no snapshots", flush=True)
        report["data"]["collectstatic_seconds"] = manage(var_dir, "collectstatic", "--noinput", "--verbosity", "0")
        report["data"].update(counts())
        report["environment"] = environment()
        report["environment"]["note"] = "2 CPUs shared with other work (see load_average)"
        print(f"dashboard on {report['environment']}\ndata {report['data']}", flush=True)
        cookie, _cookie_parts = session_cookie(PERSONA)
        from django.db import connection

        connection.close()
        if "api" in parts:
            overview = measure_overview(var_dir, cookie, args.runs, args.cold_runs)
            print_results("1. overview API (county_admin; p95 ÷ /healthz p95)", overview)
            results += overview
        if "houses" in parts:
            houses, report["houses"] = measure_houses(var_dir, cookie, args.runs)
            print_results(f"3. house layer, densest village {report['houses']['village']} "
                          "(p95 ÷ raw rows p95)", houses)
            results += houses
        if "screen" in parts:
            screen, report["screen_problems"] = measure_screen(var_dir, args.browser_runs)
            print_results("2. screen in headless Chromium (p95 ÷ login page first paint p95)", screen)
            print(f"   problems seen: {report['screen_problems']}")
            results += screen
        report["environment"]["load_average_end"] = round(os.getloadavg()[0], 2)
        if not args.no_profile:
            paths = []
            if "api" in parts:
                paths += [OVERVIEW.format(code=code) for code in (COUNTY, TOWNSHIP, VILLAGE)]
            if "houses" in parts:
                paths += [entry["url"] for entry in results if entry["name"].startswith("houses layer")]
            if "screen" in parts:
                paths.append(f"/screen/{COUNTY}/")
            report["profiles"] = profile(paths)
            print_profiles(report["profiles"])
    report["results"] = results
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


def counts() -> dict:
    from xiangcun.households.models import House, Household, Person
    from xiangcun.incidents.models import Incident

    data = {"households_in_db": Household.objects.count(), "persons_in_db": Person.objects.count(),
            "houses_in_db": House.objects.count(), "incidents_in_db": Incident.objects.count()}
    try:
        from xiangcun.dashboard.models import RegionSnapshot

        data["snapshots"] = RegionSnapshot.objects.count()
    except ImportError:
        pass
    return data


if __name__ == "__main__":
    sys.exit(main())
