"""Pages of the incident loop: desk pages here and in the modules beside; phone pages in ``mobile``."""

from __future__ import annotations

from xiangcun.core.views import ScopedDetailView
from xiangcun.incidents.models import Incident


class IncidentDetailView(ScopedDetailView):
    model = Incident
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "incidents/detail.html"

