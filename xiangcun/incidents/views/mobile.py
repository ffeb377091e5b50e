"""Phone pages (/m/incidents/)."""

from __future__ import annotations

from xiangcun.core.views import ScopedDetailView
from xiangcun.incidents.models import Incident


class MyReportDetailView(ScopedDetailView):
    model = Incident
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "incidents/mobile/mine_detail.html"
