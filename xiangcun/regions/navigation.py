"""The regions app's menu entries (core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import MenuEntry, register

register(
    MenuEntry("regions", _("Regions"), url="regions:region-list", permissions=("regions.view_region",), order=30),
    MenuEntry("grids", _("Grids"), url="regions:grid-list", permissions=("regions.view_grid",), order=31),
)
