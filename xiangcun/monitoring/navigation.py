"""The monitoring app's menu entries (in the households menu) and the villager's 反映困难 tile (core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import Audience, HomeTile, MenuEntry, register
from xiangcun.households.navigation import VIEW, has_own_person

VILLAGER = (Audience.VILLAGER,)

register(
    MenuEntry("risks", _("Risk warnings"), url="monitoring:risk-list", group="households", permissions=VIEW,
              order=10, divider_before=True),
    MenuEntry("cases", _("Monitoring cases"), url="monitoring:case-list", group="households", permissions=VIEW,
              order=11),
    MenuEntry("register", _("Low-income register"), url="monitoring:register", group="households",
              permissions=VIEW, order=12),
    MenuEntry("households-config", _("Configuration"), url="monitoring:config", group="households",
              permissions=VIEW, order=31),
    HomeTile("declare", _("Report a difficulty"), url="monitoring_mobile:declare", audiences=VILLAGER, order=42,
             style="outline-danger", visible=has_own_person),
)
