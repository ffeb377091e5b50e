"""The incidents' section of the household dossier (户档案袋): incidents linked to the household."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.households.dossier import Section, register_section
from xiangcun.incidents.models import Incident


def incidents_context(household, user) -> dict:
    incidents = (Incident.objects.restrict(user, "view").filter(household=household).select_related("category")
                 .order_by("-created_at", "-id"))
    return {"incidents": list(incidents[:50])}


def register() -> None:
    register_section(Section("incidents", _("Incidents"), "incidents/dossier_section.html", incidents_context, 60,
                             permission="incidents.view_incident"))
