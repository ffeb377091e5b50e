"""Huey tasks of the dashboard, thin: each calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xiangcun.dashboard.services import snapshots_refresh


@db_periodic_task(crontab(minute="*/10"))
def refresh_snapshots() -> int:
    """Every ten minutes: the counters of every village (population, income, 防返贫) behind the big screens."""
    return snapshots_refresh()
