"""Benchmark: import the whole country's division tree (≈665k units) with ``manage.py import_regions``.

Runs on a fresh temporary SQLite database and compares with a floor: plain ``sqlite3``
``executemany`` of the same rows (code, name, level, parent code) into a fresh table with a unique
code index, with the same PRAGMAs (WAL, synchronous=NORMAL). Target: the import under 60 s.

    .venv/bin/python bench/bench_import_regions.py [--data DIR] [--json bench/results/import_regions.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

from _django import setup_django

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "admin-divisions"
TARGET_SECONDS = 60.0


def baseline_insert(rows: list[tuple[str, str, int, str | None]], directory: Path) -> float:
    """Seconds for the raw sqlite3 floor: one executemany into a fresh table, one commit."""
    connection = sqlite3.connect(directory / "baseline.sqlite3")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE region (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
                       "level INTEGER NOT NULL, parent_code TEXT)")
    started = time.perf_counter()
    connection.executemany("INSERT INTO region (code, name, level, parent_code) VALUES (?, ?, ?, ?)", rows)
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the national division files")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if not args.data.is_dir():
        parser.error(f"{args.data} is not a directory; give the national division files with --data")

    with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as temp:
        temp_dir = Path(temp)
        setup_django(temp_dir / "var")
        from django.core.management import call_command

        from xiangcun.regions.importing import load_units
        from xiangcun.regions.models import Region

        call_command("migrate", verbosity=0)

        started = time.perf_counter()
        units = load_units(args.data)
        read_seconds = time.perf_counter() - started
        rows = [(unit.code, unit.name, int(unit.level), unit.parent_code) for unit in units]

        def run_import() -> float:
            started = time.perf_counter()
            call_command("import_regions", str(args.data), stdout=StringIO(), stderr=sys.stderr)
            return time.perf_counter() - started

        first_seconds = run_import()
        count = Region.objects.count()
        second_seconds = run_import()
        if Region.objects.count() != count or count != len(rows):
            print(f"error: expected {len(rows)} regions, found {count} then {Region.objects.count()}",
                  file=sys.stderr)
            return 1
        baseline_seconds = baseline_insert(rows, temp_dir)

    figures = {
        "units": len(rows),
        "read_validate_seconds": round(read_seconds, 2),
        "import_seconds": round(first_seconds, 2),
        "import_rows_per_second": round(len(rows) / first_seconds),
        "import_write_seconds": round(first_seconds - read_seconds, 2),
        "second_run_seconds": round(second_seconds, 2),
        "baseline_sqlite_executemany_seconds": round(baseline_seconds, 2),
        "baseline_rows_per_second": round(len(rows) / baseline_seconds),
        "ratio_import_to_baseline": round(first_seconds / baseline_seconds, 1),
        "ratio_write_to_baseline": round((first_seconds - read_seconds) / baseline_seconds, 1),
        "target_seconds": TARGET_SECONDS,
        "within_target": first_seconds < TARGET_SECONDS,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
    }
    print(f"{'measure':<46}{'seconds':>9}{'rows/s':>11}")
    write_seconds = first_seconds - read_seconds
    print(f"{'read + validate the files (part of the import)':<46}{read_seconds:>9.2f}{'':>11}")
    print(f"{'import_regions, fresh database':<46}{first_seconds:>9.2f}{len(rows) / first_seconds:>11,.0f}")
    print(f"{'  of which writing (import - read)':<46}{write_seconds:>9.2f}{len(rows) / write_seconds:>11,.0f}")
    print(f"{'import_regions again (nothing changes)':<46}{second_seconds:>9.2f}{len(rows) / second_seconds:>11,.0f}")
    print(f"{'baseline: sqlite3 executemany only':<46}{baseline_seconds:>9.2f}{len(rows) / baseline_seconds:>11,.0f}")
    print(f"{len(rows):,} units; import / baseline = {figures['ratio_import_to_baseline']}×, "
          f"writing / baseline = {figures['ratio_write_to_baseline']}×; "
          f"target < {TARGET_SECONDS:.0f} s: {'met' if figures['within_target'] else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
