"""`make bench`: run every bench/bench_*.py, keep their JSON in bench/results/, print one table.

Each script runs in its own process (each sets up Django on its own throwaway database) as
``python bench/bench_NAME.py --json bench/results/bench_NAME.json``; its own output is shown as it
runs. At the end one table lists every figure of every script that succeeded. The exit status is
1 when a script failed.

    .venv/bin/python bench/run.py              # all of them
    .venv/bin/python bench/run.py restrict     # only the scripts whose name contains "restrict"
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
# Keys of a result entry that describe it rather than measure it.
DESCRIPTIVE = {"name", "runs"}


def scripts(filters: list[str]) -> list[Path]:
    found = sorted(BENCH.glob("bench_*.py"))
    if filters:
        found = [path for path in found if any(word in path.stem for word in filters)]
    return found


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def flatten(value, path: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON document as ``a.b.c -> number``."""
    if is_number(value):
        return {path: value}
    leaves: dict[str, float] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            leaves.update(flatten(item, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = item.get("name", index) if isinstance(item, dict) else index
            leaves.update(flatten(item, f"{path}[{label}]"))
    return leaves


def figures(report: dict) -> list[tuple[str, str]]:
    """(figure, measurements) rows of one script's JSON.

    A ``results`` list of entries with a ``name`` gives one row per entry; any other document gives
    one row per numeric value (the ``environment`` block is shown in the title instead).
    """
    results = report.get("results")
    if isinstance(results, list) and results and all(isinstance(item, dict) and "name" in item for item in results):
        rows = []
        for entry in results:
            numbers = {key: value for key, value in entry.items() if is_number(value) and key not in DESCRIPTIVE}
            rows.append((str(entry["name"]), "  ".join(f"{key}={value:g}" for key, value in numbers.items())))
        return rows
    body = {key: value for key, value in report.items() if key != "environment"}
    return [(path, f"{value:g}") for path, value in flatten(body).items()]


def environment_line(report: dict) -> str:
    env = report.get("environment")
    if not isinstance(env, dict):
        return ""
    return ", ".join(f"{key} {value}" for key, value in env.items())


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks in bench/ and print one table.")
    parser.add_argument("names", nargs="*", help="run only scripts whose file name contains one of these")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    found = scripts(args.names)
    if not found:
        print("no bench/bench_*.py script matches", file=sys.stderr)
        return 1

    reports: list[tuple[str, dict, float]] = []
    failed: list[str] = []
    for script in found:
        output = RESULTS / f"{script.stem}.json"
        output.unlink(missing_ok=True)
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        completed = subprocess.run([sys.executable, str(script), "--json", str(output)], check=False)
        seconds = time.perf_counter() - started
        if completed.returncode != 0 or not output.exists():
            failed.append(f"{script.name} (exit status {completed.returncode})")
            continue
        reports.append((script.stem, json.loads(output.read_text()), seconds))

    print("\n== all figures (JSON in bench/results/)")
    for stem, report, seconds in reports:
        rows = figures(report)
        print(f"\n{stem}  ({seconds:.0f} s)  {environment_line(report)}")
        width = max((len(name) for name, _values in rows), default=10)
        for name, values in rows:
            print(f"  {name:<{width}}  {values}")
    for failure in failed:
        print(f"\nFAILED: {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
