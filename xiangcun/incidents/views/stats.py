"""统计 — the incident loop in figures for the user's regions: rates as big numbers, charts, a date range."""

from __future__ import annotations

from django.views.generic import TemplateView

from xiangcun.incidents.filtersets import IncidentFilterSet
from xiangcun.incidents.models import Incident
from xiangcun.incidents.selectors import incident_statistics
from xiangcun.incidents.views.console import DeskRequiredMixin

STATS_FILTERS = ("region", "created_after", "created_before", "category", "source")


class StatsView(DeskRequiredMixin, TemplateView):
    template_name = "incidents/stats.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        for key in list(params):
            if key not in STATS_FILTERS:
                params.pop(key)
        filterset = IncidentFilterSet(params, queryset=Incident.objects.restrict(self.request.user, "view"),
                                      request=self.request)
        queryset = filterset.qs if filterset.is_valid() else Incident.objects.none()
        stats = incident_statistics(queryset)
        return super().get_context_data(stats=stats, filter=filterset, **kwargs)
