"""`manage.py seed_demo --county 623023`: the county tree, geometry and grids, personas, households, incidents."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xiangcun.accounts.demo import DEFAULT_PASSWORD, PERSONAS, ensure_personas
from xiangcun.core.models import SystemSetting
from xiangcun.regions import demo, importing, services
from xiangcun.regions.choices import Level
from xiangcun.regions.demo_facilities import seed_facilities
from xiangcun.regions.models import Grid, Region

DEMO_DATA = Path(__file__).resolve().parents[3] / "regions" / "data" / "zhouqu"


class Command(BaseCommand):
    help = "Load the demo: the county's division tree, synthetic (not real) boundaries and grids, demo accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--county", default="623023", help="county division code (default 舟曲县 623023)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same data")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        parser.add_argument("--data", default=str(DEMO_DATA), help="folder of division CSV files holding the county")
        parser.add_argument("--households", type=int, default=5000,
                            help="synthetic households to create (default 5000; 35000 is a full county; 0: none)")
        parser.add_argument("--incidents", type=int, default=300,
                            help="demo incidents with their timelines (default 300; 0: none)")

    def handle(self, *args, county: str, seed: int, password: str, data: str, households: int, incidents: int = 300,
               verbosity: int = 1, **options) -> None:
        started = time.monotonic()
        try:
            units = importing.load_units(Path(data), root=county)
        except importing.DivisionFilesInvalid as failure:
            raise CommandError("\n".join(str(error) for error in failure.errors[:20])) from None
        if not any(unit.code == county for unit in units):
            raise CommandError(f"county {county} is not in {data}")
        with transaction.atomic():
            result = services.region_import_tree(actor=None, units=units)
            geometry = demo.seed_demo_geometry(county_code=county, seed=seed)
            facilities = seed_facilities(county=Region.objects.get(code=county), seed=seed)
            users = ensure_personas(password=password)
            grid_worker = users.get("grid_worker_a")
            village_a = Region.objects.filter(code="623023103203").first()
            if grid_worker is not None and village_a is not None:
                first_grid = Grid.objects.filter(village=village_a).order_by("code").first()
                if first_grid is not None:
                    first_grid.workers.add(grid_worker)
            SystemSetting.put("demo_loaded", {"county": county, "seed": seed})
        seeded = self.seed_households(county, households, seed, verbosity)
        incident_started = time.monotonic()
        from xiangcun.incidents.demo import seed_incidents

        incident_result = seed_incidents(county=Region.objects.get(code=county), count=incidents, seed=seed)
        incident_seconds = time.monotonic() - incident_started
        dashboard_started = time.monotonic()
        from xiangcun.dashboard.services import snapshots_refresh

        snapshots = snapshots_refresh(villages=Region.objects.under(county).filter(level=Level.VILLAGE))
        dashboard_seconds = time.monotonic() - dashboard_started
        if verbosity:
            self.stdout.write(f"regions: {result.created} created, {result.updated} renamed, "
                              f"{result.unchanged} unchanged")
            self.stdout.write(f"geometry: {geometry}")
            self.stdout.write(f"facilities: {facilities}")
            self.stdout.write(f"households: {seeded}")
            self.stdout.write(f"incidents: {incident_result} ({incident_seconds:.1f} s)")
            self.stdout.write(f"dashboard snapshots: {snapshots} villages ({dashboard_seconds:.1f} s)")
            self.stdout.write(f"demo accounts (password {password}): " + ", ".join(p.username for p in PERSONAS))
            self.stdout.write(f"done in {time.monotonic() - started:.1f} s")

    def seed_households(self, county: str, count: int, seed: int, verbosity: int) -> dict:
        """Synthetic households (households/demo.py), with a progress line every few thousand."""
        from xiangcun.households.demo import seed_households

        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if verbosity and (done == total or done % 5000 == 0):
                self.stdout.write(f"households: {done}/{total} ({time.monotonic() - started:.0f} s)")

        return seed_households(county=Region.objects.get(code=county), count=count, seed=seed, progress=progress)
