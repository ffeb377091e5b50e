"""The incidents app's menu entries and home tiles (core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import EVERYONE, STAFF, HomeTile, MenuEntry, MenuGroup, register

DESK_WORK = ("incidents.dispatch_incident", "incidents.handle_incident", "incidents.supervise_incident")

register(
    MenuGroup("incidents", _("Incidents"), permissions=("incidents.view_incident",), order=50),
    MenuEntry("incident-console", _("Dispatch console"), url="incidents:console", group="incidents",
              permissions=DESK_WORK, order=1),
    MenuEntry("incident-create", _("Register a report"), url="incidents:create", group="incidents",
              permissions=("incidents.dispatch_incident",), order=2),
    MenuEntry("incident-stats", _("Statistics"), url="incidents:stats", group="incidents", permissions=DESK_WORK,
              order=3),
    MenuEntry("incident-config", _("Configuration"), url="incidents:config-categories", group="incidents",
              permissions=("incidents.view_incident",), order=10, divider_before=True),
    HomeTile("report", _("Photo report"), url="incidents_mobile:report", permissions=("incidents.add_incident",),
             audiences=EVERYONE, style="primary", order=20),
    HomeTile("my-reports", _("My reports"), url="incidents_mobile:mine", permissions=("incidents.add_incident",),
             audiences=EVERYONE, order=21),
    HomeTile("incident-inbox", _("Incidents to handle"), url="incidents_mobile:inbox",
             permissions=("incidents.handle_incident",), audiences=STAFF, order=22),
)
