"""受理登记 — the desk entry of a report: a 12345 call, a deputy's letter, a camera's finding, typed in at the desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from xiangcun.core.errors import ServiceError
from xiangcun.incidents import services
from xiangcun.incidents.forms import desk as forms
from xiangcun.regions import boundaries

FIELD_ALIASES = {"location": "lat", "client_key": None, "household": None}


class IncidentCreateView(LoginRequiredMixin, FormView):
    form_class = forms.ReportForm
    template_name = "incidents/create.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("incidents.dispatch_incident"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(picker_within=boundaries.home_code(self.request.user), **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        public = {"1": True, "0": False}.get(data["is_public"])
        report = services.ReportInput(
            category=data["category"], description=data["description"], source=data["source"], lat=data["lat"],
            lng=data["lng"], coordinate_system="gcj02" if data["gcj02"] else "wgs84", region=data["region"],
            address=data["address"], priority=data["priority"] or None, is_public=public,
            reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"], photos=data["photos"])
        try:
            result = services.incident_report(actor=self.request.user, data=report)
        except ServiceError as error:
            field = error.extra.get("field")
            field = FIELD_ALIASES.get(field, field)
            form.add_error(field if field in form.fields else None, error.message)
            return self.form_invalid(form)
        incident = result.incident
        messages.success(self.request, _("Report %(code)s registered.") % {"code": incident.code})
        if result.possible_duplicate is not None:
            messages.warning(self.request, _("It may repeat %(code)s, reported nearby; merge it if so.")
                             % {"code": result.possible_duplicate.code})
        return redirect(incident.get_absolute_url())
