"""The dashboard's part of ``seed_demo`` (core.demo): the village snapshots the screens read, after every other
app has seeded its rows."""

from __future__ import annotations

from xiangcun.core.demo import DemoContext, DemoStep, register
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region


def _demo_snapshots(context: DemoContext) -> str:
    from xiangcun.dashboard.services import snapshots_refresh

    count = snapshots_refresh(villages=Region.objects.under(context.county_code).filter(level=Level.VILLAGE))
    return f"{count} villages"


register(DemoStep("dashboard snapshots", _demo_snapshots, order=90))
