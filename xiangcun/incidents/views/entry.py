"""受理登记 — the desk entry of a report: a 12345 call, a deputy's letter, a camera's finding, typed in at the desk."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _

from xiangcun.core.views import ServiceFormView
from xiangcun.incidents import services
from xiangcun.incidents.forms import desk as forms
from xiangcun.regions import boundaries

FIELD_ALIASES = {"location": "lat", "client_key": None, "household": None}


class IncidentCreateView(ServiceFormView):
    form_class = forms.ReportForm
    template_name = "incidents/create.html"
    permission_required = "incidents.dispatch_incident"
    field_aliases = FIELD_ALIASES

    def get_context_data(self, **kwargs):
        return super().get_context_data(picker_within=boundaries.home_code(self.request.user), **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        public = {"1": True, "0": False}.get(data["is_public"])
        report = services.ReportInput(
            category=data["category"], description=data["description"], source=data["source"], lat=data["lat"],
            lng=data["lng"], coordinate_system="gcj02" if data["gcj02"] else "wgs84", region=data["region"],
            address=data["address"], priority=data["priority"] or None, is_public=public,
            reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"], photos=data["photos"])
        result = services.incident_report(actor=self.request.user, data=report)
        if result.possible_duplicate is not None:
            messages.warning(self.request, _("It may repeat %(code)s, reported nearby; merge it if so.")
                             % {"code": result.possible_duplicate.code})
        return result.incident

    def get_success_message(self, incident) -> str:
        return _("Report %(code)s registered.") % {"code": incident.code}
