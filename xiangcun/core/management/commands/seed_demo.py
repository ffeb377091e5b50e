"""`manage.py seed_demo --county 623023`: every app seeds its part of the demo (core.demo, each app's demo.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from xiangcun.core import demo
from xiangcun.core.models import SystemSetting


class Command(BaseCommand):
    help = ("Load the demo: the county's division tree, synthetic (not real) boundaries, grids and records of "
            "every app, and the demo accounts.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--county", default="623023", help="county division code (default 舟曲县 623023)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same data")
        for option in demo.all_options():
            parser.add_argument(f"--{option.name}", dest=option.name, type=option.type, default=option.default,
                                help=option.help)

    def handle(self, *args, county: str, seed: int, verbosity: int = 1, **options) -> None:
        started = time.monotonic()
        say = self.stdout.write if verbosity else (lambda line: None)
        context = demo.DemoContext(county_code=county, seed=seed, say=say,
                                   options={option.name: options.get(option.name, option.default)
                                            for option in demo.all_options()})
        for step in demo.steps.all():
            step_started = time.monotonic()
            result = step.run(context)
            context.results[step.key] = result
            say(f"{step.key}: {result} ({time.monotonic() - step_started:.1f} s)")
        SystemSetting.put("demo_loaded", {"county": county, "seed": seed})
        say(f"done in {time.monotonic() - started:.1f} s")
