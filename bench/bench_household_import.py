"""Benchmark: Excel import of 10,000 户籍成员 rows (2,500 households × 4 persons) through the households service.

Runs on a fresh temporary SQLite database as the county administrator and measures the whole import
(reading the .xlsx, validating every row, writing households, persons, heads, tags and events in one
transaction). The baseline, measured in the same run, is the floor no import can beat: reading the same
workbook with openpyxl (read-only) plus one plain ``sqlite3`` ``executemany`` of as many rows into a scratch
table, with the same PRAGMAs. Target: at least 2,000 rows/s.

    .venv/bin/python bench/bench_household_import.py [--households 2500] [--json bench/results/household_import.json]
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
from datetime import date, timedelta
from pathlib import Path

from _django import setup_django

REPO = Path(__file__).resolve().parent.parent
TARGET_ROWS_PER_SECOND = 2000
MEMBERS = 4


def id_number(serial: int) -> str:
    """A valid, unique 身份证号: the birth date and the order code vary with the serial."""
    from xiangcun.core.validators import id_check_digit

    born = date(1950, 1, 1) + timedelta(days=serial // 500)
    first17 = f"623023{born:%Y%m%d}{serial % 500 * 2 + 1:03d}"
    return first17 + id_check_digit(first17)


def build_workbook(path: Path, households: int) -> int:
    """The 户籍成员 sheet: the head's row carries the household columns, 3 members follow."""
    from openpyxl import Workbook

    from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
    from xiangcun.households.importing import MEMBERS as SHEET

    villages = (VILLAGE_A, VILLAGE_A2, VILLAGE_B)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET.sheet_title)
    sheet.append([column.header for column in SHEET.columns])
    serial = 0
    for index in range(households):
        for member in range(MEMBERS):
            serial += 1
            head = member == 0
            sheet.append([
                None, villages[index % 3] if head else None, None, f"第{index}号" if head else None,
                "13800001111" if head else None, "脱贫户" if head and index % 4 == 0 else None,
                f"村民{serial}", id_number(serial), None, None, "户主" if head else "子女",
                "藏族", "初中", "健康", None, "普通劳动力", None,
            ])
    book.save(path)
    return serial


def baseline(path: Path, directory: Path) -> tuple[float, int]:
    """Seconds to read the workbook with openpyxl and executemany the rows into a scratch SQLite table."""
    from openpyxl import load_workbook

    connection = sqlite3.connect(directory / "baseline.sqlite3")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, " +
                       ", ".join(f"c{index} TEXT" for index in range(17)) + ")")
    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    rows = [tuple(None if value is None else str(value) for value in (*row, *(None,) * 17)[:17])
            for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    book.close()
    connection.executemany(f"INSERT INTO person ({', '.join(f'c{index}' for index in range(17))}) "
                           f"VALUES ({', '.join('?' * 17)})", rows)
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2500, help="households in the file (4 rows each)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="xiangcun-bench-") as temp:
        temp_dir = Path(temp)
        setup_django(temp_dir / "var")
        from django.core.management import call_command

        from xiangcun.accounts.demo import ensure_personas
        from xiangcun.core.testing import build_test_tree
        from xiangcun.households.models import Household, Person, PersonEvent
        from xiangcun.households.services.importing import households_import

        call_command("migrate", verbosity=0)
        build_test_tree()
        admin = ensure_personas()["county_admin"]
        path = temp_dir / "households.xlsx"
        rows = build_workbook(path, args.households)

        started = time.perf_counter()
        with path.open("rb") as handle:
            result = households_import(actor=admin, job_or_file=handle, mode="all")
        import_seconds = time.perf_counter() - started
        if result.errors or Person.objects.count() != rows or Household.objects.count() != args.households \
                or PersonEvent.objects.count() != rows:
            print(f"error: {len(result.errors)} errors, first {result.errors[:3]}; "
                  f"{Household.objects.count()} households, {Person.objects.count()} persons", file=sys.stderr)
            return 1
        baseline_seconds, baseline_rows = baseline(path, temp_dir)

    rate = rows / import_seconds
    figures = {
        "rows": rows,
        "households": args.households,
        "import_seconds": round(import_seconds, 2),
        "import_rows_per_second": round(rate),
        "baseline_read_and_executemany_seconds": round(baseline_seconds, 2),
        "baseline_rows_per_second": round(baseline_rows / baseline_seconds),
        "ratio_import_to_baseline": round(import_seconds / baseline_seconds, 1),
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "within_target": rate >= TARGET_ROWS_PER_SECOND,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
    }
    print(f"{'measure':<58}{'seconds':>9}{'rows/s':>11}")
    print(f"{'households_import (read, validate, write; 1 transaction)':<58}{import_seconds:>9.2f}{rate:>11,.0f}")
    print(f"{'baseline: openpyxl read + sqlite3 executemany only':<58}{baseline_seconds:>9.2f}"
          f"{baseline_rows / baseline_seconds:>11,.0f}")
    print(f"{rows:,} rows ({args.households:,} households); import / baseline = "
          f"{figures['ratio_import_to_baseline']}×; target ≥ {TARGET_ROWS_PER_SECOND:,} rows/s: "
          f"{'met' if figures['within_target'] else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
