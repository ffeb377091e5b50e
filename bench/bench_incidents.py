"""网格事件 at county scale: the dispatch console over 100,000 incidents, and reports over HTTP from many clients.

On a throwaway SQLite database (a temporary ``XIANGCUN_VAR_DIR``, ``migrate``, ``seed_demo --households 0``:
the 舟曲县 tree with synthetic village boundaries and grids, the demo personas) it

1. writes ``--incidents`` incidents (default 100,000: a year of a county; ``bench/_incident_rows.py``) and
   times, through Django's test ``Client`` logged in as ``county_admin`` (the county) and
   ``village_clerk_a`` (杰迪村), ``--runs`` requests of the dispatch console ``/incidents/`` (URL name
   ``incidents:console``) unfiltered and filtered (a state, overdue, a category), beside ``/healthz``
   through the same client; the three slowest queries of each page are printed with their plans
   (``EXPLAIN QUERY PLAN``). Target: p95 ≤ 200 ms.
2. starts uvicorn on 127.0.0.1 (a free port; ``--workers 1``, ``2`` as uvicorn ships, and ``2`` with TCP_NODELAY
   restored: see ``xiangcun/core/uvicorn_tcp.py``; each started and stopped by this script), issues an API token
   for ``villager_a`` and lets ``--clients`` threads (one keep-alive
   ``http.client`` connection each) send ``--requests`` ``GET /healthz`` (the baseline), then
   ``--requests`` ``POST /api/v1/incidents/`` (JSON: category code, description, a WGS84 point inside a
   random village of the county, a fresh client key). Requests/s and p50/p95/p99 latency of both, and
   the ratios. Target: ≥ 300 reports/s and p95 ≤ 100 ms.

The Huey consumer is not started (``make run`` starts it beside uvicorn): notifications are queued in
its SQLite file and not delivered during the run.

    .venv/bin/python bench/bench_incidents.py [--json PATH] [--incidents 100000] [--runs 30]
        [--clients 12] [--requests 1000] [--workers 1,2,2+nodelay] [--only console|http]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from _django import Server, environment, page, setup_django, summary, timed

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "623023"
PERSONAS = ("county_admin", "village_clerk_a")
CONSOLE_TARGET_P95_MS = 200.0
CREATE_TARGET_RPS, CREATE_TARGET_P95_MS = 300.0, 100.0
CREATE_PATH = "/api/v1/incidents/"
REPORTER = "villager_a"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--incidents", type=int, default=100_000, help="incidents in the database (default 100000)")
    parser.add_argument("--runs", type=int, default=30, help="timed console requests of each kind (default 30)")
    parser.add_argument("--clients", type=int, default=12, help="concurrent HTTP clients (default 12)")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP requests per phase (default 1000)")
    parser.add_argument("--workers", default="1,2,2+nodelay",
                        help="uvicorn worker counts to try, comma-separated; N+nodelay: N workers with TCP_NODELAY "
                             "restored (xiangcun/core/uvicorn_tcp.py). Default 1,2,2+nodelay")
    parser.add_argument("--only", choices=("console", "http"), help="run only one of the two parts")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- the database ------------------------------------------------------------------------------------

def seed(incidents: int, seed_value: int) -> dict:
    from _incident_rows import bulk_incidents
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", households=0, seed=seed_value, verbosity=0)
    data = {"seed_demo_seconds": round(time.perf_counter() - started, 1)}
    started = time.perf_counter()
    data.update(bulk_incidents(incidents, seed=seed_value, county_code=COUNTY) if incidents else {"incidents": 0})
    data["incidents_seconds"] = round(time.perf_counter() - started, 1)
    return data


# --- 1. the dispatch console -------------------------------------------------------------------------

def console_filters() -> dict[str, str]:
    from xiangcun.incidents.models import Category, Incident

    busiest = (Incident.objects.values_list("category__code", flat=True).order_by("category__code").first()
               or Category.objects.values_list("code", flat=True).first())
    return {"unfiltered": "", "state=dispatched": "state=dispatched", "overdue": "overdue=true",
            f"category={busiest}": f"category={busiest}"}


def explain(sql: str, params) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if params is None:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]






def measure_console(runs: int) -> tuple[list[dict], dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from xiangcun.accounts.models import User
    from xiangcun.incidents.models import Incident

    console = reverse("incidents:console")
    filters = console_filters()
    results, plans = [], {}
    for persona in PERSONAS:
        user = User.objects.get(username=persona)
        visible = Incident.objects.restrict(user, "view").count()
        client = Client()
        client.force_login(user)

        def get(url: str, client=client) -> Callable[[], object]:
            return page(client, url)

        baseline = timed(get("/healthz"), runs, warm_up=5)
        results.append({"name": f"baseline: /healthz, {persona}", "persona": persona, "in_scope": visible,
                        **baseline})
        for name, query in filters.items():
            url = f"{console}?{query}" if query else console
            call = get(url)
            figures = timed(call, runs, warm_up=5)
            with CaptureQueriesContext(connection) as captured:
                call()
            slowest = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))[:3]
            plans[f"{persona}, console {name}"] = [
                {"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"][:400],
                 "plan": explain(query["sql"], None) if query["sql"].startswith("SELECT") else []}
                for query in slowest]
            results.append({
                "name": f"console {name}, {persona}", "persona": persona, "url": url, "in_scope": visible,
                **figures, "queries": len(captured),
                "ratio_p95_to_healthz": round(figures["p95_ms"] / baseline["p95_ms"], 1),
                "target_p95_ms": CONSOLE_TARGET_P95_MS, "meets_target": figures["p95_ms"] <= CONSOLE_TARGET_P95_MS,
            })
    return results, plans


# --- 2. reports over HTTP ----------------------------------------------------------------------------

def report_points(count: int, seed_value: int) -> list[tuple[float, float]]:
    """``count`` random WGS84 points, each inside a random village boundary of the county."""
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    from xiangcun.regions.choices import Level
    from xiangcun.regions.models import Region

    shapes = [shape(boundary) for boundary in Region.objects.filter(
        level=Level.VILLAGE, code__startswith=COUNTY, boundary__isnull=False).values_list("boundary", flat=True)]
    if not shapes:
        raise RuntimeError("no village has a boundary: seed_demo did not create the geometry")
    prepared = [prep(item) for item in shapes]
    rng = random.Random(seed_value)
    points = []
    while len(points) < count:
        index = rng.randrange(len(shapes))
        min_x, min_y, max_x, max_y = shapes[index].bounds
        lng, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if prepared[index].contains(Point(lng, lat)):
            points.append((round(lat, 6), round(lng, 6)))
    return points


def report_bodies(count: int, seed_value: int) -> list[bytes]:
    from xiangcun.incidents.models import Category

    codes = list(Category.objects.filter(active=True, parent__isnull=False).values_list("code", flat=True)) or list(
        Category.objects.filter(active=True).values_list("code", flat=True))
    rng = random.Random(seed_value + 1)
    return [json.dumps({"category": rng.choice(codes), "description": f"压测上报 {index + 1}：路边垃圾堆积",
                        "lat": lat, "lng": lng, "client_key": str(uuid.uuid4())}, ensure_ascii=False).encode()
            for index, (lat, lng) in enumerate(report_points(count, seed_value))]


def issue_token() -> str:
    from xiangcun.accounts.models import User
    from xiangcun.accounts.services import token_issue

    user = User.objects.get(username=REPORTER)
    _token, key = token_issue(user=user, name="bench")
    return key


def serve(var_dir: str, workers: int, *, nodelay_fix: bool = False) -> Server:
    """uvicorn on 127.0.0.1 as ``manage.py serve`` starts it, on the benchmark's database."""
    env = {**os.environ, "XIANGCUN_VAR_DIR": var_dir, "XIANGCUN_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "xiangcun.settings", "PYTHONUNBUFFERED": "1"}
    launcher = ("-m", "xiangcun.core.uvicorn_tcp") if nodelay_fix else ("-m", "uvicorn")
    return Server(env, launcher=launcher, args=("--workers", str(workers), "--no-access-log",
                                                "--timeout-graceful-shutdown", "5"))


def load(port: int, clients: int, requests: list[tuple[str, str, bytes | None, dict]]) -> dict:
    """Send ``requests`` from ``clients`` threads, each on its own keep-alive connection; wall-clock figures."""
    samples: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(share: list) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], {}
        start.wait()
        for method, path, body, headers in share:
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as failure:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append(type(failure).__name__)
                continue
            mine.append((time.perf_counter() - began) * 1000)
            codes[response.status] = codes.get(response.status, 0) + 1
            if response.status >= 400 and len(errors) < 5:
                with lock:
                    text = " ".join(payload[:300].decode(errors="replace").split())
                    errors.append(f"{response.status} {text[:160]}")
        connection.close()
        with lock:
            samples.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=client, args=(requests[index::clients],)) for index in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {"requests": len(requests), "seconds": round(seconds, 2),
            "requests_per_s": round(len(samples) / seconds, 1), **summary(samples or [0.0]),
            "statuses": {str(code): count for code, count in sorted(statuses.items())}, "errors": errors[:5]}


def measure_http(var_dir: str, clients: int, count: int, worker_counts: list[str], seed_value: int) -> list[dict]:
    from django.db import connection

    from xiangcun.incidents.models import Incident

    token = issue_token()
    bodies = report_bodies(count * len(worker_counts) + 10 * clients * len(worker_counts), seed_value)
    before = Incident.objects.count()
    connection.close()  # the server processes own the database during the load
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}
    results = []
    for setting in worker_counts:
        workers, nodelay_fix = int(setting.split("+")[0]), setting.endswith("+nodelay")
        server = serve(var_dir, workers, nodelay_fix=nodelay_fix)
        try:
            warm = [("GET", "/healthz", None, {})] * (10 * clients)
            warm += [("POST", CREATE_PATH, bodies.pop(), headers) for _index in range(5 * clients)]
            warm_up = load(server.port, clients, warm)
            if warm_up["statuses"].get("201", 0) == 0:
                print(f"POST {CREATE_PATH} created nothing in the warm-up: {warm_up['statuses']} {warm_up['errors']}",
                      file=sys.stderr)
            baseline = load(server.port, clients, [("GET", "/healthz", None, {})] * count)
            creates = load(server.port, clients, [("POST", CREATE_PATH, bodies.pop(), headers)
                                                  for _index in range(count)])
        finally:
            server.stop()
        label = f"uvicorn --workers {workers}{' (TCP_NODELAY fixed)' if nodelay_fix else ''}, {clients} clients"
        results.append({"name": f"baseline: GET /healthz, {label}", "workers": workers, "nodelay_fix": nodelay_fix,
                        "clients": clients, **baseline})
        results.append({
            "name": f"POST {CREATE_PATH}, {label}", "workers": workers, "nodelay_fix": nodelay_fix, "clients": clients,
            **creates,
            "ratio_rps_to_healthz": round(creates["requests_per_s"] / baseline["requests_per_s"], 3),
            "ratio_p95_to_healthz": round(creates["p95_ms"] / baseline["p95_ms"], 1),
            "meets_target": (creates["requests_per_s"] >= CREATE_TARGET_RPS
                             and creates["p95_ms"] <= CREATE_TARGET_P95_MS
                             and creates["statuses"].get("201", 0) == count),
        })
    created = Incident.objects.count() - before
    results.append({"name": "incidents created over HTTP", "incidents": created})
    return results


# --- output -------------------------------------------------------------------------------------------



def print_console(results: list[dict], plans: dict) -> None:
    header = (f"{'request':<58} {'median ms':>10} {'p95 ms':>9} {'p99 ms':>9} {'queries':>8} {'p95 × base':>10} "
              f"{'target':>8}")
    print("\n" + header + "\n" + "-" * len(header))
    for entry in results:
        target = (("ok " if entry["meets_target"] else "MISS ") + f"{entry['target_p95_ms']:g}"
                  if "target_p95_ms" in entry else "")
        print(f"{entry['name']:<58} {entry['median_ms']:>10.2f} {entry['p95_ms']:>9.2f} {entry['p99_ms']:>9.2f} "
              f"{entry.get('queries', ''):>8} {entry.get('ratio_p95_to_healthz', ''):>10} {target:>8}")
    for page_name, queries in plans.items():
        print(f"\nslowest queries of {page_name}:")
        for query in queries:
            print(f"  {query['ms']} ms: {query['sql'][:300]}")
            for line in query["plan"]:
                print(f"      {line}")


def print_http(results: list[dict]) -> None:
    header = f"{'requests':<58} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'statuses':>18}"
    print("\n" + header + "\n" + "-" * len(header))
    for entry in results:
        if "requests_per_s" not in entry:
            print(f"{entry['name']}: {entry.get('incidents')}")
            continue
        statuses = ",".join(f"{code}×{count}" for code, count in entry["statuses"].items())
        print(f"{entry['name']:<58} {entry['requests_per_s']:>8.1f} {entry['median_ms']:>8.2f} {entry['p95_ms']:>8.2f} "
              f"{entry['p99_ms']:>8.2f} {statuses:>18}")
        if "ratio_rps_to_healthz" in entry:
            verdict = "ok" if entry["meets_target"] else "MISS"
            print(f"{'':<4}÷ /healthz: req/s {entry['ratio_rps_to_healthz']}, p95 {entry['ratio_p95_to_healthz']}×; "
                  f"target ≥ {CREATE_TARGET_RPS:g}/s and p95 ≤ {CREATE_TARGET_P95_MS:g} ms: {verdict}")
        for error in entry.get("errors", []):
            print(f"{'':<4}e.g. {error}")


def main() -> int:
    args = parse_args()
    workers = [item.strip() for item in args.workers.split(",") if item.strip()]
    report: dict = {"benchmark": "incidents"}
    with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as var_dir:
        setup_django(var_dir, plain_static=True)
        report["data"] = seed(args.incidents if args.only != "http" else min(args.incidents, 1000), args.seed)
        report["environment"] = environment()
        print(f"incidents on {report['environment']}; data {report['data']}", flush=True)
        results: list[dict] = []
        if args.only != "http":
            console, plans = measure_console(args.runs)
            print_console(console, plans)
            results += console
            report["plans"] = plans
        if args.only != "console":
            load_before = round(os.getloadavg()[0], 2)
            over_http = measure_http(var_dir, args.clients, args.requests, workers, args.seed)
            print_http(over_http)
            results += over_http
            report["environment"]["load_average_http"] = load_before
        report["environment"]["load_average_end"] = round(os.getloadavg()[0], 2)
    report["results"] = results
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
