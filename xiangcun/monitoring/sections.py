"""The dossier's 防返贫 monitoring section: warning, register status and type history, cases, measures.

``register()`` is called from apps.py ``ready()``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.services import may
from xiangcun.households.dossier import Section, register_section
from xiangcun.households.models import Household
from xiangcun.monitoring import risk, workflow
from xiangcun.monitoring.choices import CaseState
from xiangcun.monitoring.models import (
    AssistanceMeasure,
    CaseEvent,
    LowIncomeRegistration,
    MonitoringCase,
    RiskClue,
    RiskFlag,
)


def monitoring_context(household: Household, user) -> dict:
    """What a cadre needs to know of the household's monitoring, each part read through ``restrict()``."""
    flag = RiskFlag.objects.restrict(user, "view").filter(household=household).first()
    registrations = list(LowIncomeRegistration.objects.restrict(user, "view").filter(household=household)
                         .select_related("category").order_by("-start_date", "-id"))
    cases = list(MonitoringCase.objects.restrict(user, "view").filter(household=household)
                 .select_related("category").order_by("-created_at"))
    current = next((case for case in cases if case.state in workflow.OPEN_STATES
                    or case.state == CaseState.ASSISTING), None)
    events = []
    measures = []
    if current is not None:
        events = [{"event": event, "label": workflow.event_label(event.action)} for event in
                  CaseEvent.objects.restrict(user, "view").filter(case=current).select_related("actor")]
        measures = list(AssistanceMeasure.objects.restrict(user, "view").filter(case=current))
    clues = list(RiskClue.objects.restrict(user, "view").filter(household=household, status="open"))
    # Asked as case_open asks it: a villager sees their household but cannot open a case on it.
    can_open = may(user, MonitoringCase, "add", region=household.region)
    return {"flag": flag, "reasons": [risk.signal_text(signal) for signal in flag.signals] if flag else [],
            "registrations": registrations, "current_registrations": [r for r in registrations if r.is_current],
            "cases": cases, "current": current, "events": events, "measures": measures, "clues": clues,
            "can_open": can_open and current is None}


def register() -> None:
    register_section(Section("monitoring", _("Monitoring against relapse into poverty"),
                             "monitoring/sections/monitoring.html", monitoring_context, order=45,
                             permission="monitoring.view_monitoringcase"))
