"""Background work of the incident loop: the overdue sweep (超时, 督办, 上报); the work is in ``services.sla``."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xiangcun.incidents.services import sla


@db_periodic_task(crontab(minute="*/5"))
def incidents_overdue_sweep() -> dict[str, int]:
    """Every five minutes: mark what passed its deadline, then apply the categories' overdue rules."""
    return {"marked": sla.incidents_mark_overdue(), "acted": sla.incidents_apply_overdue_rules()}
