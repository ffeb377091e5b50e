from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "xiangcun.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.regions.models import Grid, Region

        auditlog.register(Region, exclude_fields=["boundary", "updated_at"])
        auditlog.register(Grid, exclude_fields=["boundary", "updated_at"], m2m_fields={"workers"})
