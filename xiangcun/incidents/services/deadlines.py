"""Deadlines per stage (时限): the category's hours for the stage of a state, shortened for urgent work."""

from __future__ import annotations

from datetime import datetime, timedelta

from xiangcun.incidents import choices


def deadline_for(incident, state: str, now: datetime) -> datetime | None:
    """When the stage that ``state`` starts must be done; None for states without a clock."""
    stage = choices.STAGE_OF_STATE.get(state)
    if stage is None:
        return None
    hours = incident.category.hours_for(stage) * choices.PRIORITY_DEADLINE_FACTOR.get(incident.priority, 1.0)
    return now + timedelta(hours=hours)
