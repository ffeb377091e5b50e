"""The dashboard reads the other apps; the only rows it keeps are pre-aggregated figures (DESIGN.md §1).

A village's snapshot is derived data: it can be dropped and rebuilt at any time from the households
and incidents apps (``dashboard.services.snapshots_refresh``). docs/dashboard.md says when it is refreshed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import RegionScopedModel, ScopedManager


class RegionSnapshot(RegionScopedModel):
    """村情快照 — the counters of one village (persons by age and sex, households by tag, income …).

    The big screens of a township or the county add their villages' counters up, then suppress small
    cells; a snapshot itself is never shown as it is.
    """

    data = models.JSONField(_("counters"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("village snapshot")
        verbose_name_plural = _("village snapshots")
        ordering = ["region__code"]
        constraints = [models.UniqueConstraint(fields=["region"], name="unique_region_snapshot")]
        permissions = [("view_screen", "Can open the map and the big screens of the regions in scope")]

    def __str__(self) -> str:
        return f"{self.region} @ {self.computed_at:%Y-%m-%d %H:%M}"
