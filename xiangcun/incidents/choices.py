"""Choices of the incident loop (网格事件): states, sources, priorities, levels, assignment targets."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy


class State(models.TextChoices):
    """发现 → 受理 → 分拨 → 处置 → 办结 → 评价, plus the two ways out at the start."""

    REPORTED = "reported", _("reported")            # 已上报
    ACCEPTED = "accepted", _("accepted")            # 已受理
    REJECTED = "rejected", _("not accepted")        # 不予受理
    DISPATCHED = "dispatched", _("dispatched")      # 已分拨
    IN_PROGRESS = "in_progress", _("being handled")  # 处置中
    RESOLVED = "resolved", _("handled")             # 已处置
    CLOSED = "closed", _("closed")                  # 已办结
    RATED = "rated", _("rated")                     # 已评价
    MERGED = "merged", _("merged as duplicate")     # 已合并


# States in which an incident still needs someone: deadlines run, lists show them as open.
OPEN_STATES = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED)
# States an Open311 client sees as "closed".
FINISHED_STATES = (State.REJECTED, State.CLOSED, State.RATED, State.MERGED)


class Source(models.TextChoices):
    """How the incident entered the loop; later modules add their own."""

    VILLAGER = "villager", _("villager photo report")   # 村民随手拍
    PATROL = "patrol", _("grid patrol")                  # 网格员巡查
    HOTLINE = "hotline", _("12345 hotline")              # 12345热线
    DEPUTY = "deputy", _("people's deputy")              # 人大代表
    VIDEO_AI = "video_ai", _("video AI")                 # 视频AI
    DEVICE = "device", _("device alarm")                 # 设备告警
    OPEN311 = "open311", _("external system (Open311)")  # 外部系统


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


# Deadlines shrink with priority: urgent work gets a quarter of the category's time.
PRIORITY_DEADLINE_FACTOR = {Priority.LOW: 1.5, Priority.NORMAL: 1.0, Priority.HIGH: 0.5, Priority.URGENT: 0.25}


class HoldingLevel(models.IntegerChoices):
    """Who holds (dispatches and closes) the incident: 小事不出村, 大事不出镇."""

    VILLAGE = 5, _("village")
    TOWNSHIP = 4, _("township")
    COUNTY = 3, _("county")


class AssigneeKind(models.TextChoices):
    """Whom an incident is dispatched to."""

    USER = "user", _("a person")                # a grid worker or any named person
    GRID = "grid", _("the grid's workers")       # whoever looks after the grid
    VILLAGE = "village", _("the village")        # 村两委
    TOWNSHIP = "township", _("a township office")
    DEPARTMENT = "department", _("a county department")


class OverdueAction(models.TextChoices):
    """What the periodic job does when an incident stays overdue (category rule)."""

    NOTIFY = "notify", _("notify only")
    SUPERVISE = "supervise", _("supervision by the next level up")  # 督办
    ESCALATE = "escalate", _("escalate to the next level up")       # 上报


class Stage(models.TextChoices):
    """The stages a deadline can run for (the clock of the current state)."""

    ACCEPT = "accept", _("acceptance")
    DISPATCH = "dispatch", _("dispatch")
    HANDLE = "handle", _("handling")
    CHECK = "check", _("checking")


STAGE_OF_STATE = {
    State.REPORTED: Stage.ACCEPT,
    State.ACCEPTED: Stage.DISPATCH,
    State.DISPATCHED: Stage.HANDLE,
    State.IN_PROGRESS: Stage.HANDLE,
    State.RESOLVED: Stage.CHECK,
}


class PhotoStage(models.TextChoices):
    REPORT = "report", pgettext_lazy("photo taken at", "report")
    HANDLING = "handling", pgettext_lazy("photo taken at", "handling")


class EventKind(models.TextChoices):
    """Timeline rows that are not state changes."""

    NOTE = "note", _("internal note")
    UPDATE = "update", _("public update")
    OVERDUE = "overdue", _("overdue")
    SUPERVISE = "supervise", _("supervision")
    LINK = "link", _("linked to a household")
    LOCATE = "locate", _("location changed")
    CREATE = "create", _("reported")


def star_choices(stars: Iterable[int]) -> list[tuple[int, str]]:
    """Ratings as choices in words ("5 星"), not star characters, which some computers draw as empty boxes."""
    return [(n, ngettext("%(count)d star", "%(count)d stars", n) % {"count": n}) for n in stars]
