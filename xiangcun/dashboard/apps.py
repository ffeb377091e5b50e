from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "xiangcun.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        # Every app's layers.py registers its map layers (dashboard.layers); see docs/map.md.
        autodiscover_modules("layers")
        autodiscover_modules("figures")  # every app's figures.py registers its screen figures (core.figures)
