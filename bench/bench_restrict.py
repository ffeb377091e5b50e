"""What ``restrict()`` costs: a list and a count of grids, unrestricted and through the one scope.

On a throwaway database (a temporary SQLite file, or with ``--database-url`` a test database that
Django creates on that PostgreSQL server and drops afterwards) it imports the 舟曲县 tree from the
shipped files, creates the demo personas and ``--grids`` grids spread over the county's villages,
then times, ``--runs`` times each:

- ``list(Grid.objects.order_by("code")[:50])`` (the first page of a list) and ``Grid.objects.count()``;
- the same through ``Grid.objects.restrict(user, "view")`` for ``county_admin`` (the county),
  ``township_officer`` (立节镇) and ``village_clerk_a`` (杰迪村), each twice: with a fresh user object
  per repetition, as in a request, where ``restrict()`` first reads the user's role assignments,
  and with one user object whose scope is already cached on it.

The user object itself is loaded outside the timed part: every request loads it, restricted or not.

    .venv/bin/python bench/bench_restrict.py [--json PATH] [--runs 200] [--grids 10000]
                                              [--database-url postgres://user@host:port/db]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _django import setup_django

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "623023"
PERSONAS = ("county_admin", "township_officer", "village_clerk_a")
PAGE = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--runs", type=int, default=200, help="timed repetitions of each query (default 200)")
    parser.add_argument("--grids", type=int, default=10_000, help="grids spread over the villages (default 10000)")
    parser.add_argument("--database-url", help="run on this PostgreSQL server (a test database is created there)")
    return parser.parse_args()


def create_database(database_url: str | None) -> Callable[[], None]:
    """Migrate a fresh database; returns what removes it again."""
    from django.core.management import call_command
    from django.db import connection

    if not database_url:
        call_command("migrate", verbosity=0)
        return lambda: None
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def load_county(grids: int) -> dict:
    """The 舟曲县 tree, the personas and ``grids`` grids dealt round the villages in code order."""
    from xiangcun.accounts.demo import ensure_personas
    from xiangcun.regions.choices import Level
    from xiangcun.regions.importing import load_units
    from xiangcun.regions.models import Grid, Region
    from xiangcun.regions.services import region_import_tree

    started = time.perf_counter()
    units = load_units(ROOT / "xiangcun" / "regions" / "data" / "zhouqu", root=COUNTY)
    region_import_tree(actor=None, units=units)
    ensure_personas()
    villages = list(Region.objects.filter(level=Level.VILLAGE, code__startswith=COUNTY).order_by("code"))
    rows = [
        Grid(code=f"{villages[i % len(villages)].code}G{i // len(villages) + 1:03d}", name=f"网格{i + 1}",
             village=villages[i % len(villages)])
        for i in range(grids)
    ]
    Grid.objects.bulk_create(rows, batch_size=2_000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # In production autovacuum has analysed the tables long ago; without statistics PostgreSQL
        # guesses one region per code range and plans accordingly. SQLite runs as deployed (no ANALYZE).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "regions": Region.objects.count(),
        "villages": len(villages),
        "grids": Grid.objects.count(),
        "setup_seconds": round(time.perf_counter() - started, 2),
    }


def timed(function: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> dict:
    """Median and 95th percentile in milliseconds; ``before`` runs untimed ahead of each repetition."""
    for _ in range(min(10, runs)):  # warm the page cache and the statement cache
        if before is not None:
            before()
        function()
    samples = []
    gc.collect()
    gc.disable()  # as timeit does: a collection pause lands on a random sample, whichever code caused it
    try:
        for _ in range(runs):
            if before is not None:
                before()
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 4),
        "p95_ms": round(samples[math.ceil(0.95 * len(samples)) - 1], 4),  # nearest rank
        "runs": runs,
    }


def query_plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" | ".join(str(value) for value in row) for row in cursor.fetchall())


def measure(runs: int) -> tuple[list[dict], dict]:
    from xiangcun.accounts.models import User
    from xiangcun.regions.models import Grid

    results: list[dict] = []
    plans: dict[str, str] = {}

    def record(name: str, persona: str, query: str, user_object: str, figures: dict, rows: int) -> dict:
        entry = {"name": name, "persona": persona, "query": query, "user_object": user_object, "rows": rows,
                 **figures}
        results.append(entry)
        return entry

    base_list = record("list 50, unrestricted", "-", "list", "-",
                       timed(lambda: list(Grid.objects.order_by("code")[:PAGE]), runs),
                       len(Grid.objects.order_by("code")[:PAGE]))
    base_count = record("count, unrestricted", "-", "count", "-", timed(Grid.objects.count, runs),
                        Grid.objects.count())
    plans["list, unrestricted"] = query_plan(Grid.objects.order_by("code")[:PAGE])
    baseline = {"list": base_list["median_ms"], "count": base_count["median_ms"]}

    for persona in PERSONAS:
        pk = User.objects.get(username=persona).pk
        holder: dict[str, User] = {}

        def fresh_user(pk: int = pk, holder: dict = holder) -> None:
            holder["user"] = User.objects.get(pk=pk)

        def restricted_list(holder: dict = holder) -> list:
            return list(Grid.objects.restrict(holder["user"], "view").order_by("code")[:PAGE])

        def restricted_count(holder: dict = holder) -> int:
            return Grid.objects.restrict(holder["user"], "view").count()

        fresh_user()
        visible = restricted_count()
        page_rows = len(restricted_list())
        plans[f"list, {persona}"] = query_plan(Grid.objects.restrict(holder["user"], "view").order_by("code")[:PAGE])
        for query, function, rows in (("list", restricted_list, page_rows), ("count", restricted_count, visible)):
            label = "list 50" if query == "list" else "count"
            fresh = record(f"{label}, {persona}, fresh user", persona, query, "fresh",
                           timed(function, runs, before=fresh_user), rows)
            fresh_user()
            function()  # fills the scope cache on this one user object
            cached = record(f"{label}, {persona}, cached scope", persona, query, "cached", timed(function, runs),
                            rows)
            for entry in (fresh, cached):
                entry["ratio_to_unrestricted"] = round(entry["median_ms"] / baseline[query], 2)
    for entry in (base_list, base_count):
        entry["ratio_to_unrestricted"] = 1.0
    return results, plans


def environment(database_url: str | None) -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {server}",
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def print_table(title: str, results: list[dict]) -> None:
    print(f"\n{title}")
    header = f"{'query':<46} {'rows':>6} {'median ms':>10} {'p95 ms':>9} {'× unrestr.':>10}"
    print(header)
    print("-" * len(header))
    for entry in results:
        print(f"{entry['name']:<46} {entry['rows']:>6} {entry['median_ms']:>10.3f} {entry['p95_ms']:>9.3f} "
              f"{entry['ratio_to_unrestricted']:>10.2f}")


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as var_dir:
        setup_django(var_dir, database_url=args.database_url)
        drop = create_database(args.database_url)
        try:
            data = load_county(args.grids)
            results, plans = measure(args.runs)
            env = environment(args.database_url)
        finally:
            drop()
    report = {"benchmark": "restrict", "environment": env, "data": data, "results": results, "plans": plans}
    print_table(f"restrict() on {env['database']}, Python {env['python']}, Django {env['django']}, "
                f"{env['cpus']} CPUs; {data['grids']} grids in {data['villages']} villages; "
                f"{args.runs} runs each", results)
    print("\nquery plans:")
    for name, plan in plans.items():
        print(f"  {name}:\n    " + plan.replace("\n", "\n    "))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
