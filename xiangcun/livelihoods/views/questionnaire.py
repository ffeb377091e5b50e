"""The phone questionnaire of 务工 at /m/households/work/: a villager reports their own work (or a family
member's); a grid worker finds a person of their village and records it for them."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from xiangcun.core.errors import ServiceError
from xiangcun.core.scoping import permission_name
from xiangcun.core.views import ScopedObjectMixin
from xiangcun.households import choices as household_choices
from xiangcun.households.models import Person
from xiangcun.livelihoods import choices, places
from xiangcun.livelihoods.forms import PersonSearchForm, WorkQuestionnaireForm
from xiangcun.livelihoods.models import Employment
from xiangcun.livelihoods.services import employment as employment_services

SAVED_KEY = "households_work_saved"
ADD_EMPLOYMENT = permission_name(Employment, "add")
SEARCH_LIMIT = 30


def _recordable(user):
    """Persons the user may record work for (their own household's members, or their regions' persons)."""
    return (Person.objects.restrict(user, ADD_EMPLOYMENT).filter(status=household_choices.PersonStatus.REGISTERED)
            .select_related("household"))


def _save(request, form: WorkQuestionnaireForm, person: Person, method: str, template: str, context: dict):
    try:
        job = employment_services.employment_record(actor=request.user, person=person, method=method,
                                                    **form.service_arguments())
    except ServiceError as error:
        form.add_error(None, error.message)
        return render(request, template, {**context, "form": form}, status=400)
    request.session[SAVED_KEY] = job.pk
    return redirect("livelihoods_mobile:work-done")


class WorkReportView(LoginRequiredMixin, View):
    """我的务工 — "where do you work?" answered by the villager for themself or a member of their household."""

    template_name = "livelihoods/mobile/work.html"

    def members(self, request) -> tuple[Person | None, list[Person]]:
        own = _recordable(request.user).filter(account=request.user).first()
        if own is None:
            return None, []
        return own, list(_recordable(request.user).filter(household=own.household_id).order_by("id"))

    def context(self, own, members) -> dict:
        return {"person": own, "destinations": places.USUAL_DESTINATIONS}

    def get(self, request):
        own, members = self.members(request)
        form = WorkQuestionnaireForm(members=members, initial={"who": str(own.uuid)} if own else None)
        return render(request, self.template_name, {**self.context(own, members), "form": form})

    def post(self, request):
        own, members = self.members(request)
        form = WorkQuestionnaireForm(request.POST, members=members)
        context = self.context(own, members)
        if own is None or not form.is_valid():
            return render(request, self.template_name, {**context, "form": form}, status=400)
        who = form.cleaned_data.get("who")
        person = next((m for m in members if str(m.uuid) == who), own)
        return _save(request, form, person, choices.CollectionMethod.SELF_REPORT, self.template_name, context)


class WorkForView(LoginRequiredMixin, View):
    """A grid worker finds a person of their village by name or household number."""

    template_name = "livelihoods/mobile/work_for.html"

    def get(self, request):
        form = PersonSearchForm(request.GET or None)
        found = None
        if form.is_valid() and form.cleaned_data["q"].strip():
            value = form.cleaned_data["q"].strip()
            found = list(_recordable(request.user).filter(Q(name__contains=value) | Q(household__number=value)
                                                          | Q(household__head_name__contains=value))
                         .order_by("household__number", "id")[:SEARCH_LIMIT])
        return render(request, self.template_name, {"form": form, "found": found, "limit": SEARCH_LIMIT})


class WorkForPersonView(ScopedObjectMixin, View):
    """The questionnaire filled in by a grid worker for the person (collected: grid worker)."""

    model = Person
    lookup_field = "uuid"
    template_name = "livelihoods/mobile/work.html"

    def object_queryset(self):
        return _recordable(self.request.user)

    def person(self, request, uuid) -> Person:
        return self.object

    def context(self, person) -> dict:
        return {"person": person, "for_someone": True, "destinations": places.USUAL_DESTINATIONS}

    def get(self, request, uuid):
        person = self.person(request, uuid)
        return render(request, self.template_name, {**self.context(person), "form": WorkQuestionnaireForm()})

    def post(self, request, uuid):
        person = self.person(request, uuid)
        form = WorkQuestionnaireForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {**self.context(person), "form": form}, status=400)
        return _save(request, form, person, choices.CollectionMethod.GRID_WORKER, self.template_name,
                     self.context(person))


class WorkDoneView(LoginRequiredMixin, View):
    """The confirmation after saving: what was recorded, in plain words."""

    template_name = "livelihoods/mobile/work_done.html"

    def get(self, request):
        pk = request.session.get(SAVED_KEY)
        job = (Employment.objects.restrict(request.user, "view").select_related("person").filter(pk=pk).first()
               if pk else None)
        if job is None:
            return redirect(reverse("livelihoods_mobile:work"))
        again = (reverse("livelihoods_mobile:work") if job.method == choices.CollectionMethod.SELF_REPORT
                 else reverse("livelihoods_mobile:work-for"))
        return render(request, self.template_name, {"job": job, "again": again})
