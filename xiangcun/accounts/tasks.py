"""Periodic housekeeping: expired sessions, and audit rows past their retention period."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xiangcun.accounts import services


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_expired() -> dict[str, int]:
    return services.housekeeping_purge()
