"""户情 on a full county: exact ID search, a filtered list page and a dossier page, each beside a baseline.

On a throwaway SQLite database (a temporary ``XIANGCUN_VAR_DIR`` and ``migrate``) it runs
``seed_demo --households N`` (default 35,000 households, about 140,000 persons: the whole of
舟曲县) and then, through Django's test ``Client`` logged in as ``county_admin`` (the county) and as
``village_clerk_a`` (杰迪村), times ``--runs`` requests of each:

- (a) exact ID search: the list page ``/households/?q=<18-digit ID number>`` (the filter looks the
  number up by its keyed hash), and the same search without HTTP: ``HouseholdFilterSet`` over
  ``Household.objects.restrict(user, "view")``, evaluated; baseline: one person fetched by the
  indexed hash through the ORM (``Person.objects.filter(id_number_hash=…).first()``);
- (b) a filtered list page ``/households/?tag=tuopin&labour_ability=weak`` (first page of 50, with
  the total); baseline: ``/healthz`` through the same client;
- (c) a dossier page ``/households/<uuid>/`` of a different household each time; baseline ``/healthz``.

Every figure is in milliseconds: median, 95th percentile (nearest rank) and maximum, after 10
untimed warm-up requests; the ratio is p95 over the baseline's p95. Targets (issue 3): p95 of (a)
≤ 50 ms, (b) and (c) ≤ 150 ms.

    .venv/bin/python bench/bench_households.py [--json PATH] [--households 35000] [--runs 200] [--seed 2026]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _django import environment, page, setup_django

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "623023"
PERSONAS = ("county_admin", "village_clerk_a")
TARGETS = {"id_search": 50.0, "filtered_list": 150.0, "dossier": 150.0}
LIST_FILTER = "tag=tuopin&labour_ability=weak"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--households", type=int, default=35_000, help="households to seed (default 35000)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests of each kind (default 200)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the demo data (default 2026)")
    return parser.parse_args()


def seed(households: int, seed_value: int) -> dict:
    from django.core.management import call_command

    from xiangcun.households.models import Household, Person

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", households=households, seed=seed_value, verbosity=0)
    return {"households": Household.objects.count(), "persons": Person.objects.count(),
            "seed_seconds": round(time.perf_counter() - started, 1)}


def timed(requests: list[Callable[[], object]]) -> dict:
    """Median, p95 (nearest rank) and maximum in ms of calling each of ``requests`` once, after a warm-up."""
    for function in requests[:10]:
        function()
    samples = []
    for function in requests:
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 3),
            "p95_ms": round(samples[math.ceil(0.95 * len(samples)) - 1], 3),
            "max_ms": round(samples[-1], 3), "runs": len(samples)}




def queries_of(function: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def measure(runs: int) -> list[dict]:
    from django.test import Client

    from xiangcun.accounts.models import User
    from xiangcun.core.crypto import lookup_hash
    from xiangcun.households.filtersets import HouseholdFilterSet
    from xiangcun.households.models import Household, Person

    rng = random.Random(1)
    results: list[dict] = []
    for persona in PERSONAS:
        user = User.objects.get(username=persona)
        client = Client()
        client.force_login(user)
        households = list(Household.objects.restrict(user, "view").values_list("pk", "uuid"))
        sample = rng.sample(households, min(runs, len(households)))
        sample = [sample[i % len(sample)] for i in range(runs)]
        persons = {p.household_id: p.id_number for p in Person.objects.filter(
            household_id__in=[pk for pk, _uuid in sample]).only("household_id", "id_number")}
        ids = [persons[pk] for pk, _uuid in sample]

        def search(number: str, user=user) -> list:
            rows = HouseholdFilterSet({"q": number}, queryset=Household.objects.restrict(user, "view")).qs
            return list(rows)

        healthz = page(client, "/healthz")
        checks = {
            "id_search": [page(client, f"/households/?q={number}") for number in ids],
            "id_search_service": [lambda number=number: search(number) for number in ids],
            "filtered_list": [page(client, f"/households/?{LIST_FILTER}")] * runs,
            "dossier": [page(client, f"/households/{uuid}/") for _pk, uuid in sample],
        }
        baselines = {
            "id_search": timed([lambda number=number: Person.objects.filter(
                id_number_hash=lookup_hash(number)).first() for number in ids]),
            "page": timed([healthz] * runs),
        }
        if len(search(ids[0])) != 1:
            raise RuntimeError("the ID search did not find exactly the one household")
        visible = len(households)
        results.append({"name": f"baseline: person by ID hash (ORM), {persona}", "persona": persona,
                        "households_in_scope": visible, **baselines["id_search"]})
        results.append({"name": f"baseline: /healthz, {persona}", "persona": persona,
                        "households_in_scope": visible, **baselines["page"]})
        for check, requests in checks.items():
            baseline = baselines["id_search" if check.startswith("id_search") else "page"]
            figures = timed(requests)
            target = TARGETS.get(check)
            results.append({
                "name": f"{check}, {persona}", "persona": persona, "households_in_scope": visible, **figures,
                "queries": queries_of(requests[0]),
                "ratio_p95_to_baseline": round(figures["p95_ms"] / baseline["p95_ms"], 1),
                **({"target_p95_ms": target, "meets_target": figures["p95_ms"] <= target} if target else {}),
            })
    return results




def print_table(title: str, results: list[dict]) -> None:
    print(f"\n{title}")
    header = (f"{'request':<52} {'median ms':>10} {'p95 ms':>9} {'max ms':>9} {'queries':>8} {'p95 × base':>10} "
              f"{'target':>7}")
    print(header)
    print("-" * len(header))
    for entry in results:
        target = (("ok " if entry["meets_target"] else "MISS ") + f"{entry['target_p95_ms']:g}"
                  if "target_p95_ms" in entry else "")
        print(f"{entry['name']:<52} {entry['median_ms']:>10.2f} {entry['p95_ms']:>9.2f} {entry['max_ms']:>9.2f} "
              f"{entry.get('queries', ''):>8} {entry.get('ratio_p95_to_baseline', ''):>10} {target:>7}")


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as var_dir:
        setup_django(var_dir, plain_static=True)
        data = seed(args.households, args.seed)
        results = measure(args.runs)
        env = environment()
    report = {"benchmark": "households", "environment": env, "data": data, "results": results}
    print_table(f"households on {env['database']}, Python {env['python']}, Django {env['django']}, {env['cpus']} CPUs "
                f"(load {env['load_average']}); {data['households']} households, {data['persons']} persons "
                f"(seeded in {data['seed_seconds']} s); {args.runs} requests each", results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
