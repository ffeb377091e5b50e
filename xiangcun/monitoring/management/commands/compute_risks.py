"""`manage.py compute_risks [--region CODE] [--on YYYY-MM-DD]`: the 防返贫 early warning now (the nightly job)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from xiangcun.monitoring import risk


class Command(BaseCommand):
    help = "Compute the risk list (防返贫 early warning) of every household, or of those under a region."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", default=None, help="only households under this division code")
        parser.add_argument("--on", default=None, help="the date the computation is for (default today)")

    def handle(self, *args, region: str | None, on: str | None, **options) -> None:
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError(f"--on {on!r} is not a date (YYYY-MM-DD)") from None
        run = risk.risk_compute_all(actor=None, on=day, region_code=region)
        levels = ", ".join(f"level {level}: {count}" for level, count in sorted(run.by_level.items())) or "none"
        self.stdout.write(f"{run.households} households, {run.flagged} with risk signals ({levels})")
        for province, year in run.missing_lines:
            self.stderr.write(f"no monitoring line for province {province} in {year}: income signals skipped")
