"""The dashboard's menu entries (core.navigation): 乡村一张图 and the big screens, for cadres only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import MenuEntry, register

register(
    MenuEntry("map", _("Map"), url="dashboard:map", permissions=("dashboard.view_screen",), order=10),
    MenuEntry("screen", _("Big screen"), url="dashboard:screen-home", permissions=("dashboard.view_screen",),
              order=11),
)
