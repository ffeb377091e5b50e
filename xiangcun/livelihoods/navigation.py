"""The livelihoods app's menu entries (in the households menu) and the 务工 home tiles (core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import STAFF, Audience, HomeTile, MenuEntry, register
from xiangcun.households.navigation import VIEW, has_own_person

VILLAGER = (Audience.VILLAGER,)

register(
    MenuEntry("work", _("Migrant work"), url="livelihoods:employment-summary", group="households",
              permissions=VIEW, order=20, divider_before=True),
    MenuEntry("labour-subsidy", _("Labour subsidy list"), url="livelihoods:labour-subsidy", group="households",
              permissions=VIEW, order=21),
    MenuEntry("income-check", _("Income check"), url="livelihoods:income-check", group="households",
              permissions=VIEW, order=22),
    MenuEntry("income-rules", _("Income estimation rules"), url="livelihoods:income-rules", group="households",
              permissions=VIEW, order=32),
    HomeTile("record-work", _("Record someone's work"), url="livelihoods_mobile:work-for",
             permissions=("livelihoods.add_employment",), audiences=STAFF, order=11),
    HomeTile("my-work", _("Report my work"), url="livelihoods_mobile:work", audiences=VILLAGER, order=41,
             visible=has_own_person),
)
