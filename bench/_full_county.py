"""The full demo county for benchmarks, built once and copied: ``var/bench-cache/<name>/``.

``prepare(var_dir, households=35000, incidents=100000)`` puts a database of the demo county (舟曲县, synthetic)
into ``var_dir`` — ``xiangcun.sqlite3`` and the ``keys/`` it was encrypted with — by copying a prepared one from
``var/bench-cache/``. The prepared copy is built when it is missing or when its fingerprint changed: the
migrations of every app and the demo seeding code (``seed_demo``, each app's ``demo.py``,
``_incident_rows.py``); ``--rebuild`` forces it.

Building runs, in a throwaway ``XIANGCUN_VAR_DIR`` and a child process (settings are read once per process):
``manage.py migrate`` and ``manage.py seed_demo --households H --incidents N`` (the demo's own generator: every
incident with its timeline, a few months back), or with ``fast=True`` ``seed_demo --incidents 300`` and the
rest from ``bench/_incident_rows.py`` (one ``executemany``, no events, a year back). The seconds of each step
are kept in ``build.json`` beside the copy and returned with it.

The demo's incidents are dated relative to the moment of the build ("today", "this month"), so every copy is
moved forward in time by the age of the prepared database: each datetime column of the ``incidents_*`` tables
gets the same number of seconds added (microseconds kept), and a copy taken days later has the same
incidents today and this month as the database had when it was built.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench-cache"
DATABASE = "xiangcun.sqlite3"
SEEDING = ("xiangcun/core/management/commands/seed_demo.py", "bench/_incident_rows.py")


def fingerprint() -> str:
    """A short hash of what the prepared database depends on."""
    digest = hashlib.sha256()
    paths = sorted(ROOT.glob("xiangcun/*/migrations/*.py")) + sorted(ROOT.glob("xiangcun/*/demo.py"))
    paths += [ROOT / name for name in SEEDING]
    for path in paths:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_dir(households: int, incidents: int, seed: int, fast: bool) -> Path:
    mode = "fast" if fast else "demo"
    return CACHE / f"county-h{households}-i{incidents}-{mode}-s{seed}-{fingerprint()}"


def build(target: Path, households: int, incidents: int, seed: int, fast: bool) -> dict:
    """Seed a new database in a temporary directory, then move it to ``target``."""
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE))
    env = {**os.environ, "XIANGCUN_VAR_DIR": str(work), "XIANGCUN_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "xiangcun.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    info: dict = {"households": households, "incidents": incidents, "seed": seed,
                  "incidents_by": "bench/_incident_rows.py" if fast else "seed_demo", "fingerprint": fingerprint()}
    try:
        started = time.perf_counter()
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
        info["migrate_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        demo_incidents = min(incidents, 300) if fast else incidents
        print(f"building the benchmark county: seed_demo --households {households} --incidents {demo_incidents} "
              f"(in {work})", flush=True)
        subprocess.run([*manage, "seed_demo", "--households", str(households), "--incidents", str(demo_incidents),
                        "--seed", str(seed)], env=env, cwd=ROOT, check=True)
        info["seed_demo_seconds"] = round(time.perf_counter() - started, 1)
        if fast and incidents > demo_incidents:
            started = time.perf_counter()
            code = ("import sys, json; sys.path.insert(0, 'bench'); import django; django.setup(); "
                    "from _incident_rows import bulk_incidents; "
                    f"print(json.dumps(bulk_incidents({incidents - demo_incidents}, seed={seed})))")
            subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
            info["bulk_incidents_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        code = ("import django; django.setup(); from django.db import connection; "
                "c = connection.cursor(); c.execute('ANALYZE'); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')")
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
        info["analyze_seconds"] = round(time.perf_counter() - started, 1)
        info["built_at"], info["built_epoch"] = time.strftime("%Y-%m-%d %H:%M:%S"), round(time.time())
        info["megabytes"] = round((work / DATABASE).stat().st_size / 1e6, 1)
        (work / "build.json").write_text(json.dumps(info, indent=2) + "\n")
        for name in ("media", "static", "huey.sqlite3", f"{DATABASE}-wal", f"{DATABASE}-shm"):
            path = work / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return info


def prepare(var_dir: str | Path, *, households: int = 35_000, incidents: int = 100_000, seed: int = 2026,
            fast: bool = False, rebuild: bool = False) -> dict:
    """Copy the prepared county into ``var_dir`` (building it first if needed); what was built and how long."""
    target = cache_dir(households, incidents, seed, fast)
    built_now = False
    if rebuild or not (target / DATABASE).exists():
        for stale in CACHE.glob(f"county-h{households}-i{incidents}-{'fast' if fast else 'demo'}-s{seed}-*"):
            if stale != target:
                shutil.rmtree(stale, ignore_errors=True)
        build(target, households, incidents, seed, fast)
        built_now = True
    var_dir = Path(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    shutil.copyfile(target / DATABASE, var_dir / DATABASE)
    if (var_dir / "keys").exists():
        shutil.rmtree(var_dir / "keys")
    shutil.copytree(target / "keys", var_dir / "keys")
    info = json.loads((target / "build.json").read_text())
    info.update({"cache": str(target.relative_to(ROOT)), "built_now": built_now,
                 "copy_seconds": round(time.perf_counter() - started, 1)})
    if not info.get("built_epoch") and info.get("built_at"):
        info["built_epoch"] = round(time.mktime(time.strptime(info["built_at"], "%Y-%m-%d %H:%M:%S")))
    if info.get("built_epoch"):
        started = time.perf_counter()
        info["shifted_seconds"] = shift_times(var_dir / DATABASE, round(time.time()) - info["built_epoch"])
        info["shift_seconds"] = round(time.perf_counter() - started, 1)
    return info


def shift_times(database: Path, seconds: int, prefix: str = "incidents_") -> int:
    """Add ``seconds`` to every datetime column of the tables named ``prefix…`` (Django's SQLite text format,
    ``YYYY-MM-DD HH:MM:SS[.ffffff]``: the whole seconds are moved, the fraction kept)."""
    if seconds <= 0:
        return 0
    connection = sqlite3.connect(database)
    try:
        with connection:
            tables = [name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?", (prefix + "%",))]
            for table in tables:
                columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')
                           if row[2].lower() == "datetime"]
                if columns:
                    moved = ", ".join(f"\"{name}\" = strftime('%Y-%m-%d %H:%M:%S', \"{name}\", '+{seconds} seconds')"
                                      f" || substr(\"{name}\", 20)" for name in columns)
                    connection.execute(f'UPDATE "{table}" SET {moved}')
    finally:
        connection.close()
    return seconds


if __name__ == "__main__":  # build (or rebuild) the prepared county: python bench/_full_county.py [--fast] ...
    import argparse

    parser = argparse.ArgumentParser(description="Build the benchmark county in var/bench-cache/.")
    parser.add_argument("--households", type=int, default=35_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fast", action="store_true", help="incidents beyond 300 from bench/_incident_rows.py")
    parser.add_argument("--rebuild", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        print(json.dumps(prepare(scratch, households=arguments.households, incidents=arguments.incidents,
                                 seed=arguments.seed, fast=arguments.fast, rebuild=arguments.rebuild), indent=2))
