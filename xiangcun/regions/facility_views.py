"""公共设施 pages: the list, a facility's page with its photos and place, creating, editing, photos, 停用.

Reads go through ``restrict()``; writes through ``regions.services``; another village's facility is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from xiangcun.core.errors import ServiceError
from xiangcun.core.views import ScopedDetailView, ScopedListView, ScopedPhotoView
from xiangcun.regions import boundaries, forms, services
from xiangcun.regions.filtersets import FacilityFilterSet
from xiangcun.regions.models import Facility, FacilityPhoto

# Service field names that the form calls differently.
FIELD_ALIASES = {"latitude": "lat", "longitude": "lng"}


def _show_error(form, error: ServiceError) -> None:
    field = error.extra.get("field")
    field = FIELD_ALIASES.get(field, field)
    form.add_error(field if field in form.fields else None, error.message)


class FacilityListView(ScopedListView):
    model = Facility
    filterset_class = FacilityFilterSet
    template_name = "regions/facility_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_add=self.request.user.has_perm("regions.add_facility"), **kwargs)


class FacilityDetailView(ScopedDetailView):
    model = Facility
    template_name = "regions/facility_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def get_context_data(self, **kwargs):
        from auditlog.models import LogEntry

        facility = self.object
        user = self.request.user
        can_change = Facility.objects.restrict(user, "change").filter(pk=facility.pk).exists()
        history = (LogEntry.objects.get_for_object(facility).select_related("actor").order_by("-timestamp")[:10]
                   if user.has_perm("auditlog.view_logentry") or can_change else [])
        return super().get_context_data(
            photos=list(facility.photos.select_related("uploaded_by")),
            history=history, can_change=can_change,
            photo_form=forms.FacilityPhotosForm() if can_change else None,
            **kwargs)


class FacilityCreateView(LoginRequiredMixin, FormView):
    form_class = forms.FacilityForm
    template_name = "regions/facility_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("regions.add_facility"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if self.request.method == "GET" and self.request.GET.get("region"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "region": self.request.GET["region"]}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(picker_within=boundaries.home_code(self.request.user), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            facility = services.facility_create(
                actor=self.request.user, village=data["region"], kind=data["kind"], name=data["name"],
                latitude=data["lat"], longitude=data["lng"], coordinate_system="gcj02" if data["gcj02"] else "wgs84",
                description=data["description"], contact=data["contact"], photos=data["photos"])
        except ServiceError as error:
            _show_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Facility %(name)s registered.") % {"name": facility.name})
        return redirect(facility.get_absolute_url())


class FacilityEditView(LoginRequiredMixin, FormView):
    form_class = forms.FacilityForm
    template_name = "regions/facility_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.facility = get_object_or_404(Facility.objects.restrict(request.user, "change")
                                              .select_related("region"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        f = self.facility
        return {"region": f.region.code, "kind": f.kind, "name": f.name, "lat": f.latitude, "lng": f.longitude,
                "description": f.description, "contact": f.contact}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "action": "change", "with_photos": False}

    def get_context_data(self, **kwargs):
        return super().get_context_data(facility=self.facility, picker_within=self.facility.region.code, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.facility_update(
                actor=self.request.user, facility=self.facility, village=data["region"], kind=data["kind"],
                name=data["name"], latitude=data["lat"], longitude=data["lng"],
                coordinate_system="gcj02" if data["gcj02"] else "wgs84", description=data["description"],
                contact=data["contact"])
        except ServiceError as error:
            self.facility.refresh_from_db()
            _show_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Facility %(name)s saved.") % {"name": self.facility.name})
        return redirect(self.facility.get_absolute_url())


class FacilityActionView(LoginRequiredMixin, View):
    """A POST on one facility the user may change (photos, 停用); the result is shown on its page."""

    def load(self, request, pk: int) -> Facility:
        return get_object_or_404(Facility.objects.restrict(request.user, "change").select_related("region"), pk=pk)


class FacilityPhotoAddView(FacilityActionView):
    def post(self, request, pk: int):
        facility = self.load(request, pk)
        form = forms.FacilityPhotosForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose at least one photo."))
            return redirect(facility.get_absolute_url())
        try:
            added = services.facility_photo_add(actor=request.user, facility=facility,
                                                photos=form.cleaned_data["photos"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)d photos added.") % {"count": len(added)})
        return redirect(facility.get_absolute_url())


class FacilityPhotoRemoveView(FacilityActionView):
    def post(self, request, pk: int, photo: int):
        facility = self.load(request, pk)
        target = get_object_or_404(facility.photos.select_related("facility__region"), pk=photo)
        try:
            services.facility_photo_remove(actor=request.user, photo=target)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The photo was removed."))
        return redirect(facility.get_absolute_url())


class FacilityDeactivateView(FacilityActionView):
    def post(self, request, pk: int):
        facility = self.load(request, pk)
        try:
            services.facility_deactivate(actor=request.user, facility=facility)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is out of service.") % {"name": facility.name})
        return redirect(facility.get_absolute_url())


class FacilityPhotoView(ScopedPhotoView):
    """A facility photo or its thumbnail, to whoever may see the facility."""

    model = FacilityPhoto
