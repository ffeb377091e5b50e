from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "xiangcun.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.regions.models import Facility, FacilityPhoto, Grid, Region

        auditlog.register(Region, exclude_fields=["boundary", "updated_at"])
        auditlog.register(Grid, exclude_fields=["boundary", "updated_at"], m2m_fields={"workers"})
        auditlog.register(Facility, exclude_fields=["updated_at"])
        auditlog.register(FacilityPhoto, exclude_fields=["width", "height"])
