"""Huey tasks of the household registry, thin: each calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xiangcun.monitoring import risk
from xiangcun.monitoring import services as monitoring


@db_periodic_task(crontab(minute="30", hour="2"))
def compute_risks() -> dict:
    """Nightly 防返贫 early warning: the risk list of every household, with its reasons."""
    run = risk.risk_compute_all(actor=None)
    return {"households": run.households, "flagged": run.flagged}


@db_periodic_task(crontab(minute="10", hour="0"))
def end_expired_notices() -> int:
    """Just after midnight: notices whose period is over move on to the township review."""
    return monitoring.notice_expire_all()
