"""Desk pages of the incident loop (/incidents/); the phone pages are in ``mobile``."""

from __future__ import annotations

from xiangcun.incidents.views.config import (
    CategoryEditView,
    CategoryListView,
    DepartmentEditView,
    DepartmentListView,
    DispatchRuleEditView,
    DispatchRuleListView,
)
from xiangcun.incidents.views.console import BulkDispatchView, ConsoleView
from xiangcun.incidents.views.detail import IncidentActionView, IncidentDetailView, PhotoView, RevealReporterView
from xiangcun.incidents.views.entry import IncidentCreateView
from xiangcun.incidents.views.stats import StatsView

__all__ = [
    "BulkDispatchView", "CategoryEditView", "CategoryListView", "ConsoleView", "DepartmentEditView",
    "DepartmentListView", "DispatchRuleEditView", "DispatchRuleListView", "IncidentActionView",
    "IncidentCreateView", "IncidentDetailView", "PhotoView", "RevealReporterView", "StatsView",
]
