"""`manage.py refresh_dashboard [--region CODE]`: recompute the villages' snapshots behind the big screens."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from xiangcun.dashboard.services import snapshots_refresh
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region


class Command(BaseCommand):
    help = "Recompute the village snapshots of the big screens (all villages, or those under --region)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", help="division code: only the villages under (or equal to) this region")

    def handle(self, *args, region: str | None = None, verbosity: int = 1, **options) -> None:
        started = time.monotonic()
        villages = None
        if region:
            root = Region.objects.filter(code=region).first()
            if root is None:
                raise CommandError(f"no region with the code {region}")
            villages = list(Region.objects.under(root.code).filter(level=Level.VILLAGE))
        written = snapshots_refresh(villages=villages)
        if verbosity:
            self.stdout.write(f"dashboard snapshots: {written} villages in {time.monotonic() - started:.1f} s")
