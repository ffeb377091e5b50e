"""Pages of the registry: the household list, the dossier (户档案袋), persons, and the forms that change them.

A form page loads its household through ``restrict()`` (another village's household is 404), hands
the cleaned data to a service and shows the service's refusal on the form.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from xiangcun.core.errors import ServiceError
from xiangcun.core.models import ImportJob
from xiangcun.core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ScopedServiceFormView,
    ServiceActionView,
)
from xiangcun.households import choices, forms, selectors
from xiangcun.households.filtersets import HouseholdFilterSet, PersonFilterSet
from xiangcun.households.models import House, Household, HouseholdTag, LandParcel, Person
from xiangcun.households.services import registry


def apply_errors(form, error: ValidationError | ServiceError) -> None:
    """Put a service's refusal on the form: field errors on their fields, the rest on top."""
    if isinstance(error, ServiceError):
        form.add_error(None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class HouseholdListView(ScopedListView):
    """户 list: filters (tags, village, risk, labour ability, age) and search by name, number, phone, exact ID.

    ``?import=<job uuid>``: only the households that Excel import wrote to (its result page links here); a job
    that is not the user's own shows nothing.
    """

    model = Household
    filterset_class = HouseholdFilterSet
    template_name = "households/household_list.html"

    def get_queryset(self):
        queryset = (super().get_queryset().select_related("region", "risk")
                    .prefetch_related(Prefetch("tags", queryset=HouseholdTag.objects.order_by("order")))
                    .order_by("number"))
        self.import_job = None
        if "import" in self.request.GET:
            try:
                job_uuid = uuid.UUID(self.request.GET["import"])
            except ValueError:
                job_uuid = None
            self.import_job = (ImportJob.objects.visible_to(self.request.user)
                               .filter(kind__startswith="households.", uuid=job_uuid).first())
            queryset = queryset.filter(pk__in=self.import_job.written_ids) if self.import_job else queryset.none()
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(import_job=self.import_job, **kwargs)


class HouseholdDetailView(ScopedDetailView):
    """户档案袋 — the household's whole file on one page, made of registered sections."""

    model = Household
    slug_field = slug_url_kwarg = "uuid"
    template_name = "households/household_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "region__parent", "group", "grid", "head")

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_change = Household.objects.restrict(user, "change").filter(pk=self.object.pk).exists()
        return super().get_context_data(sections=selectors.dossier_sections(self.object, user),
                                        can_change=can_change, **kwargs)


class PersonListView(ScopedListView):
    """人口 list: every member in scope, with age, labour ability and health filters."""

    model = Person
    filterset_class = PersonFilterSet
    template_name = "households/person_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("household", "household__region").order_by("household", "id")


class HouseholdCreateView(LoginRequiredMixin, FormView):
    """登记新户: the household and its members on one page (a phone template is used at /m/households/new/)."""

    form_class = forms.HouseholdForm
    template_name = "households/household_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("households.add_household"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        if "members" not in kwargs:
            kwargs["members"] = forms.MemberFormSet(
                self.request.POST if self.request.method == "POST" else None, prefix="members",
                initial=None if self.request.method == "POST" else [{"relation": choices.Relation.HEAD}])
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        members = forms.MemberFormSet(request.POST, prefix="members")
        if not (form.is_valid() and members.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, members=members))
        data = form.cleaned_data
        try:
            household = registry.household_create(
                actor=request.user, village=data["village"], address=data["address"], phone=data["phone"],
                tags=data["tags"], members=[m.member() for m in members.forms if m.cleaned_data])
        except (ValidationError, ServiceError) as error:
            self._members_errors(error, form, members)
            return self.render_to_response(self.get_context_data(form=form, members=members))
        messages.success(request, _("Household %(number)s registered.") % {"number": household.number})
        return redirect(self.success_target(household))

    def _members_errors(self, error, form, members) -> None:
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            rest = {}
            for key, texts in error.message_dict.items():
                parts = key.split(".")
                if parts[0] == "members" and len(parts) == 3:
                    members.forms[int(parts[1])].add_error(parts[2] if parts[2] in members.forms[0].fields
                                                           else None, texts)
                else:
                    rest[key] = texts
            if rest:
                apply_errors(form, ValidationError(rest))
        else:
            apply_errors(form, error)

    def success_target(self, household: Household) -> str:
        return household.get_absolute_url()


class MobileHouseholdCreateView(HouseholdCreateView):
    """The same registration on a phone: one column, big fields, members one under another."""

    template_name = "households/mobile/household_form.html"

    def success_target(self, household: Household) -> str:
        return f"{household.get_absolute_url()}?created=1"


class HouseholdPageMixin:
    """What the forms about one household share: the page, the title, errors on their fields, back to the household
    (or to what the service made, e.g. the new household of a split)."""

    template_name = "households/action_form.html"
    title = ""
    success_message = _("Saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(household=self.household, title=self.title, **kwargs)

    def show_error(self, form, error) -> None:
        apply_errors(form, error)

    def get_success_url(self, result=None) -> str:
        return (result or self.household).get_absolute_url()


class HouseholdFormView(HouseholdPageMixin, ScopedServiceFormView):
    """A form about one household the user may change; subclasses call one service in ``perform``."""

    model = Household
    lookup_field = "uuid"
    object_action = "change"
    object_related = ("region",)

    @property
    def household(self) -> Household:
        return self.object


class HouseholdEditView(HouseholdFormView):
    form_class = forms.HouseholdEditForm
    title = _("Edit household")

    def get_form_kwargs(self):
        # A copy: the ModelForm writes cleaned values onto its instance; the service changes the real row.
        return {**super().get_form_kwargs(), "instance": Household.objects.get(pk=self.household.pk)}

    def perform(self, form):
        data = dict(form.cleaned_data)
        tags = data.pop("tags")
        return registry.household_update(actor=self.request.user, household=self.household, tags=tags, **data)


class PersonAddView(HouseholdFormView):
    form_class = forms.PersonAddForm
    title = _("Add a member")

    def perform(self, form):
        registry.person_add(actor=self.request.user, household=self.household, member=form.member(),
                            on=form.cleaned_data["date"], kind=form.cleaned_data["kind"],
                            reason=form.cleaned_data["reason"])


class PersonFormView(HouseholdPageMixin, ScopedServiceFormView):
    """A form about one member the user may change (the page is about the member's household)."""

    model = Person
    lookup_field = "uuid"
    object_action = "change"
    object_related = ("household", "household__region")

    @property
    def person(self) -> Person:
        return self.object

    @property
    def household(self) -> Household:
        return self.object.household

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)


class PersonEditView(PersonFormView):
    form_class = forms.PersonEditForm
    title = _("Edit member")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Person.objects.get(pk=self.person.pk)}

    def perform(self, form):
        data = dict(form.cleaned_data)
        registry.person_update(actor=self.request.user, person=self.person, id_number=data.pop("id_number"), **data)


class PersonLeaveView(PersonFormView):
    form_class = forms.LeaveForm
    title = _("Moved out or died")

    def perform(self, form):
        data = form.cleaned_data
        if data["kind"] == choices.PersonEventKind.DIED:
            registry.person_die(actor=self.request.user, person=self.person, on=data["date"], reason=data["reason"])
        else:
            registry.person_move_out(actor=self.request.user, person=self.person, on=data["date"],
                                     reason=data["reason"])


class HeadChangeView(HouseholdFormView):
    form_class = forms.HeadForm
    title = _("Change the head of household")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "household": self.household}

    def perform(self, form):
        data = form.cleaned_data
        registry.household_set_head(actor=self.request.user, household=self.household, person=data["person"],
                                    on=data["date"], former_relation=data["former_relation"])


class SplitView(HouseholdFormView):
    form_class = forms.SplitForm
    title = _("Split the household")
    success_message = _("The new household is registered.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "household": self.household}

    def perform(self, form):
        data = form.cleaned_data
        return registry.household_split(actor=self.request.user, household=self.household,
                                        persons=list(data["persons"]), new_head=data["new_head"], on=data["date"],
                                        address=data["address"], reason=data["reason"])


class MergeView(HouseholdFormView):
    form_class = forms.MergeForm
    title = _("Merge into another household")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "household": self.household, "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        return registry.household_merge(actor=self.request.user, source=self.household, target=data["target"],
                                        on=data["date"], reason=data["reason"])


class PartFormView(HouseholdFormView):
    """Add (no ``pk``) or change a house or a land parcel of the household."""

    part_model = None  # House or LandParcel

    def get_instance(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(self.part_model.objects.restrict(self.request.user, "change"), pk=pk,
                                 household=self.household)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}


class HouseFormView(PartFormView):
    part_model = House
    form_class = forms.HouseForm
    title = _("House")

    def perform(self, form):
        registry.house_save(actor=self.request.user, household=self.household, house=self.get_instance(),
                            **form.cleaned_data)


class ParcelFormView(PartFormView):
    part_model = LandParcel
    form_class = forms.ParcelForm
    title = _("Land parcel")

    def perform(self, form):
        registry.parcel_save(actor=self.request.user, household=self.household, parcel=self.get_instance(),
                             **form.cleaned_data)


class LivestockFormView(HouseholdFormView):
    form_class = forms.LivestockForm
    title = _("Livestock")

    def perform(self, form):
        registry.livestock_set(actor=self.request.user, household=self.household, **form.cleaned_data)


class PartDeleteView(ServiceActionView):
    """Remove a house, parcel or livestock row entered by mistake (POST); ``model`` is given in urls.py."""

    model = House  # urls.py gives each route its model
    object_action = "delete"
    object_related = ("household",)

    def perform(self, request, instance) -> str:
        registry.part_delete(actor=request.user, instance=instance)
        return _("Removed.")

    def get_success_url(self) -> str:
        return self.object.household.get_absolute_url()


class PersonRevealView(ScopedObjectMixin, View):
    """Show one member's full ID number and phone (permission + security event); answers a small fragment."""

    model = Person
    lookup_field = "uuid"
    http_method_names = ["post"]

    def post(self, request, uuid):
        person = self.object
        try:
            values = registry.person_reveal(actor=request.user, person=person, request=request)
        except ServiceError as error:
            if request.headers.get("HX-Request"):
                return TemplateResponse(request, "households/partials/reveal.html", {"error": error.message},
                                        status=error.status)
            return JsonResponse({"detail": error.message, "code": error.code}, status=error.status)
        return TemplateResponse(request, "households/partials/reveal.html", {"values": values})
