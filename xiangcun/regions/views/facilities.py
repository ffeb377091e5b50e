"""公共设施 pages: the list, a facility's page with its photos and place, creating, editing, photos, 停用.

Reads go through ``restrict()``; writes through ``regions.services``; another village's facility is 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from xiangcun.core.errors import ServiceError
from xiangcun.core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedPhotoView,
    ScopedServiceFormView,
    ServiceActionView,
    ServiceFormView,
)
from xiangcun.regions import boundaries, forms, services
from xiangcun.regions.errors import ErrorCode
from xiangcun.regions.filtersets import FacilityFilterSet
from xiangcun.regions.models import Facility, FacilityPhoto

# Service field names that the form calls differently.
FIELD_ALIASES = {"latitude": "lat", "longitude": "lng"}


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


class FacilityCreateView(ServiceFormView):
    form_class = forms.FacilityForm
    template_name = "regions/facility_form.html"
    permission_required = "regions.add_facility"
    field_aliases = FIELD_ALIASES

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if self.request.method == "GET" and self.request.GET.get("region"):
            kwargs["initial"] = {**kwargs.get("initial", {}), "region": self.request.GET["region"]}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(picker_within=boundaries.home_code(self.request.user), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.facility_create(
            actor=self.request.user, village=data["region"], kind=data["kind"], name=data["name"],
            latitude=data["lat"], longitude=data["lng"], coordinate_system="gcj02" if data["gcj02"] else "wgs84",
            description=data["description"], contact=data["contact"], photos=data["photos"])

    def get_success_message(self, result) -> str:
        return _("Facility %(name)s registered.") % {"name": result.name}


class FacilityEditView(ScopedServiceFormView):
    model = Facility
    object_action = "change"
    object_related = ("region",)
    form_class = forms.FacilityForm
    template_name = "regions/facility_form.html"
    field_aliases = FIELD_ALIASES

    def get_initial(self):
        f = self.object
        return {"region": f.region.code, "kind": f.kind, "name": f.name, "lat": f.latitude, "lng": f.longitude,
                "description": f.description, "contact": f.contact}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "action": "change", "with_photos": False}

    def get_context_data(self, **kwargs):
        return super().get_context_data(facility=self.object, picker_within=self.object.region.code, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.facility_update(
            actor=self.request.user, facility=self.object, village=data["region"], kind=data["kind"],
            name=data["name"], latitude=data["lat"], longitude=data["lng"],
            coordinate_system="gcj02" if data["gcj02"] else "wgs84", description=data["description"],
            contact=data["contact"])

    def get_success_message(self, result) -> str:
        return _("Facility %(name)s saved.") % {"name": self.object.name}


class FacilityActionView(ServiceActionView):
    """A POST on one facility the user may change (photos, 停用); the result is shown on its page."""

    model = Facility
    object_action = "change"
    object_related = ("region",)


class FacilityPhotoAddView(FacilityActionView):
    def perform(self, request, facility):
        form = forms.FacilityPhotosForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ServiceError(_("Choose at least one photo."), code=ErrorCode.PHOTO_REQUIRED)
        added = services.facility_photo_add(actor=request.user, facility=facility, photos=form.cleaned_data["photos"])
        return _("%(count)d photos added.") % {"count": len(added)}


class FacilityPhotoRemoveView(FacilityActionView):
    def perform(self, request, facility):
        target = get_object_or_404(facility.photos.select_related("facility__region"), pk=self.kwargs["photo"])
        services.facility_photo_remove(actor=request.user, photo=target)
        return _("The photo was removed.")


class FacilityDeactivateView(FacilityActionView):
    def perform(self, request, facility):
        services.facility_deactivate(actor=request.user, facility=facility)
        return _("%(name)s is out of service.") % {"name": facility.name}


class FacilityPhotoView(ScopedPhotoView):
    """A facility photo or its thumbnail, to whoever may see the facility."""

    model = FacilityPhoto
