"""Pages of the 防返贫 monitoring: risk list, clues, cases and their workflow, the register, configuration,
and the villager's own declaration on the phone (/m/households/declare/).

Every read goes through ``restrict()``; every change calls ``monitoring.services`` and shows a refusal's
message as it is.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from xiangcun.core.errors import ServiceError
from xiangcun.core.views import (
    CountyConfigMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ServiceActionView,
)
from xiangcun.core.workflow import allowed_actions
from xiangcun.households.models import (
    Household,
    HouseholdTag,
    Person,
)
from xiangcun.households.services import registry
from xiangcun.monitoring import forms, risk, workflow
from xiangcun.monitoring import services as monitoring
from xiangcun.monitoring.choices import CaseKind, CaseState, ClueSource, ClueStatus, ObjectionStatus
from xiangcun.monitoring.filtersets import MonitoringCaseFilterSet, RiskClueFilterSet, RiskFlagFilterSet
from xiangcun.monitoring.models import (
    CaseEvent,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    MonitoringLine,
    NoticeObjection,
    RiskClue,
    RiskFlag,
)

OPEN_OR_ASSISTING = [*workflow.OPEN_STATES, CaseState.ASSISTING]


def _errors(form) -> ValidationError:
    return ValidationError([f"{form.fields[name].label if name in form.fields else ''}: {error}".lstrip(": ")
                            for name, errors in form.errors.items() for error in errors])


def _run(request, work, success: str) -> bool:
    """Call a service; show its refusal (or the form's errors) as a message. True when it went through."""
    try:
        work()
    except ServiceError as error:
        messages.error(request, error.message)
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


def open_cases_by_household(user, household_ids) -> dict[int, MonitoringCase]:
    """The household's case under way (or under assistance), one query for a page of households."""
    cases = (MonitoringCase.objects.restrict(user, "view")
             .filter(household_id__in=list(household_ids), kind=CaseKind.INCLUSION, state__in=OPEN_OR_ASSISTING))
    return {case.household_id: case for case in cases}


# --- risk list and clues ----------------------------------------------------------------------------

class RiskListView(ScopedListView):
    """预警名单 — households with risk signals, the reasons in words, and a button to open a case."""

    model = RiskFlag
    filterset_class = RiskFlagFilterSet
    template_name = "monitoring/risk_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("household__region").order_by("-level", "household__number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        cases = open_cases_by_household(self.request.user, [row.household_id for row in rows])
        context["rows"] = [{"flag": row, "reasons": [risk.signal_text(s) for s in row.signals],
                            "case": cases.get(row.household_id)} for row in rows]
        context["can_open"] = self.request.user.has_perm("monitoring.add_monitoringcase")
        return context


class ClueListView(ScopedListView):
    """风险线索 — reported risks (declarations, cadres' checks, department data), newest first; open ones by default."""

    model = RiskClue
    filterset_class = RiskClueFilterSet
    template_name = "monitoring/clue_list.html"

    def get_queryset(self):
        if not self.request.GET:
            self.request.GET = self.request.GET.copy()
            self.request.GET["status"] = ClueStatus.OPEN
        return super().get_queryset().select_related("household__region", "case").order_by("-created_at")


class HouseholdRecordMixin(ScopedObjectMixin):
    """A page about one household, found by its UUID in the user's scope."""

    model = Household
    lookup_field = "uuid"
    object_related = ("region",)


class ClueReportView(HouseholdRecordMixin, View):
    """A cadre records a clue for a household (入户排查, department data)."""

    template_name = "monitoring/clue_form.html"

    def get(self, request, uuid):
        return render(request, self.template_name, {"household": self.object,
                                                    "form": forms.ClueReportForm()})

    def post(self, request, uuid):
        household = self.object
        form = forms.ClueReportForm(request.POST)
        if form.is_valid() and _run(request, lambda: monitoring.clue_report(actor=request.user, household=household,
                                                                            **form.cleaned_data),
                                    _("The clue is recorded.")):
            return redirect(reverse("monitoring:clue-list") + f"?household={household.uuid}")
        return render(request, self.template_name, {"household": household, "form": form}, status=400)


class ClueDismissView(ServiceActionView):
    model = RiskClue
    lookup_field = "uuid"
    object_action = "change"

    def perform(self, request, clue) -> str:
        monitoring.clue_dismiss(actor=request.user, clue=clue, reason=request.POST.get("reason", ""))
        return _("The clue is dismissed.")

    def get_success_url(self) -> str:
        return reverse("monitoring:clue-list")


# --- cases ----------------------------------------------------------------------------------------------

class CaseOpenView(HouseholdRecordMixin, View):
    """Open an inclusion case for a household, from its open clues and the warning's reasons."""

    template_name = "monitoring/case_open.html"

    def context(self, request, household, form):
        flag = RiskFlag.objects.restrict(request.user, "view").filter(household=household).first()
        return {"household": household, "form": form,
                "reasons": [risk.signal_text(s) for s in flag.signals] if flag else []}

    def get(self, request, uuid):
        household = self.object
        form = forms.CaseOpenForm(household=household)
        form.initial["clues"] = list(form.fields["clues"].queryset)
        return render(request, self.template_name, self.context(request, household, form))

    def post(self, request, uuid):
        household = self.object
        form = forms.CaseOpenForm(request.POST, household=household)
        opened = {}
        if form.is_valid():
            data = form.cleaned_data
            if not data["summary"] and not data["clues"]:
                flag = RiskFlag.objects.restrict(request.user, "view").filter(household=household).first()
                data["summary"] = "; ".join(risk.signal_text(s) for s in flag.signals) if flag else ""

            def work():
                opened["case"] = monitoring.case_open(actor=request.user, household=household, clues=data["clues"],
                                                      category=data["category"], summary=data["summary"])

            if _run(request, work, _("The case is opened.")):
                return redirect(opened["case"].get_absolute_url())
        return render(request, self.template_name, self.context(request, household, form), status=400)


class CaseListView(ScopedListView):
    """监测帮扶 cases: filter by state, kind, category, village."""

    model = MonitoringCase
    filterset_class = MonitoringCaseFilterSet
    template_name = "monitoring/case_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("household", "region", "category").order_by("-updated_at")


class CaseDetailView(ScopedDetailView):
    """One case: the household, the state, this user's next steps, objections, measures and the timeline."""

    model = MonitoringCase
    slug_field = slug_url_kwarg = "uuid"
    template_name = "monitoring/case_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("household__region", "household__head", "category",
                                                     "inclusion", "opened_by")

    def get_context_data(self, **kwargs):
        case = self.object
        user = self.request.user
        table = workflow.table_for(case.kind)
        steps = [{"action": action, "label": workflow.label_of(case.kind, case.state, action),
                  "form": forms.StepForm(action=action, prefix=action,
                                         initial={"consent_signed_on": timezone.localdate(),
                                                  "category": case.category_id}),
                  "danger": action in ("reject", "send_back")}
                 for action in allowed_actions(table, case.state, user, case)]
        may_change = bool(allowed_actions(table, CaseState.NOTICE, user, case, manual_only=False))
        is_village = "raise_objection" in allowed_actions(workflow.INCLUSION, CaseState.NOTICE, user, case,
                                                          manual_only=False)
        household = case.household
        return super().get_context_data(
            steps=steps,
            events=[{"event": event, "label": workflow.event_label(event.action)}
                    for event in CaseEvent.objects.filter(case=case).select_related("actor")],
            objections=NoticeObjection.objects.filter(case=case).select_related("resolved_by"),
            measures=case.measures.select_related("responsible"),
            clues=case.clues.all(),
            eliminations=case.eliminations.all() if case.kind == CaseKind.INCLUSION else [],
            registrations=household.registrations.select_related("category").order_by("-start_date", "-id"),
            members=household.members.filter(status="registered").count(),
            objection_form=forms.ObjectionForm() if case.state == CaseState.NOTICE and is_village else None,
            resolve_form=forms.ObjectionResolveForm() if case.state == CaseState.NOTICE_PAUSED and is_village
            else None,
            measure_form=forms.MeasureForm(initial={"start_date": timezone.localdate()})
            if case.state == CaseState.ASSISTING and case.kind == CaseKind.INCLUSION
            and user.has_perm("monitoring.add_assistancemeasure") else None,
            elimination_form=forms.EliminationForm()
            if case.state == CaseState.ASSISTING and case.kind == CaseKind.INCLUSION and may_change
            and not case.eliminations.filter(state__in=workflow.OPEN_STATES).exists() else None,
            notice_over=case.notice_ends_on is not None and timezone.localdate() >= case.notice_ends_on,
            **kwargs,
        )


class CaseActionView(ScopedObjectMixin, View):
    """POST one step of the workflow, or an objection, a measure, an elimination on a case."""

    model = MonitoringCase
    lookup_field = "uuid"
    http_method_names = ["post"]

    def post(self, request, uuid, what: str):
        case = self.object
        handler = getattr(self, f"do_{what.replace('-', '_')}", None)
        if handler is None:
            messages.error(request, _("Unknown action."))
        else:
            target = handler(request, case)
            if target:
                return HttpResponseRedirect(target)
        return redirect(case.get_absolute_url())

    def do_step(self, request, case):
        action = request.POST.get("action", "")
        form = forms.StepForm(request.POST, action=action, prefix=action)

        def work():
            if not form.is_valid():
                raise _errors(form)
            monitoring.case_transition(actor=request.user, case=case, action=action,
                                       comment=form.cleaned_data.get("comment", ""), **form.step_fields())

        _run(request, work, _("Done: %(step)s.") % {"step": workflow.label_of(case.kind, case.state, action)})

    def do_objection(self, request, case):
        form = forms.ObjectionForm(request.POST)

        def work():
            if not form.is_valid():
                raise _errors(form)
            monitoring.objection_raise(actor=request.user, case=case, **form.cleaned_data)

        _run(request, work, _("The objection is recorded; the notice is paused until it is rechecked."))

    def do_resolve(self, request, case):
        objection = get_object_or_404(case.objections, pk=request.POST.get("objection"),
                                      status=ObjectionStatus.OPEN)
        form = forms.ObjectionResolveForm(request.POST)

        def work():
            if not form.is_valid():
                raise _errors(form)
            monitoring.objection_resolve(actor=request.user, objection=objection, **form.cleaned_data)

        _run(request, work, _("The objection is decided."))

    def do_measure(self, request, case):
        form = forms.MeasureForm(request.POST)

        def work():
            if not form.is_valid():
                raise _errors(form)
            monitoring.measure_add(actor=request.user, case=case, responsible=request.user
                                   if not form.cleaned_data["responsible_name"] else None, **form.cleaned_data)

        _run(request, work, _("The measure is added."))

    def do_eliminate(self, request, case):
        form = forms.EliminationForm(request.POST)
        opened = {}

        def work():
            if not form.is_valid():
                raise _errors(form)
            opened["case"] = monitoring.elimination_open(actor=request.user, inclusion_case=case,
                                                         reasons=form.cleaned_data["reasons"])

        if _run(request, work, _("The risk elimination is opened.")):
            return opened["case"].get_absolute_url()
        return None


# --- the register -------------------------------------------------------------------------------------

class RegisterView(LoginRequiredMixin, TemplateView):
    """低收入人口 register: current entries by type (with a chart), a year's entries, a household's history."""

    template_name = "monitoring/register.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        visible = LowIncomeRegistration.objects.restrict(user, "view")
        year = self.request.GET.get("year", "")
        category = self.request.GET.get("category", "")
        household_uuid = self.request.GET.get("household", "")
        rows = visible.select_related("household__region", "category").order_by("category__order", "-start_date")
        if year.isdigit():
            rows = rows.filter(Q(start_date__year__lte=int(year)),
                               Q(end_date__isnull=True) | Q(end_date__year__gte=int(year)))
        else:
            rows = rows.filter(end_date__isnull=True)
        if category:
            rows = rows.filter(category__code=category)
        history = None
        if household_uuid:
            household = Household.objects.restrict(user, "view").filter(uuid=household_uuid).first()
            if household is not None:
                history = {"household": household,
                           "rows": visible.filter(household=household).select_related("category", "case")
                           .order_by("start_date", "id")}
        counts = list(LowIncomeCategory.objects.filter(active=True).annotate(
            current=Count("registrations", filter=Q(registrations__in=visible.filter(end_date__isnull=True)))
        ).order_by("order").values("code", "name", "is_monitoring", "current"))
        page = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page, rows=page.object_list, counts=counts, year=year, category=category, history=history,
            chart={"names": [c["name"] for c in counts], "values": [c["current"] for c in counts]},
            total=sum(c["current"] for c in counts),
            years=range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            **kwargs,
        )


# --- configuration --------------------------------------------------------------------------------------

class ConfigView(CountyConfigMixin, TemplateView):
    """Monitoring lines, household tags and low-income types: county staff change them, others read."""

    config_model = MonitoringLine
    template_name = "monitoring/config.html"
    FORMS = {"line": forms.MonitoringLineForm, "tag": forms.HouseholdTagForm, "category": forms.LowIncomeCategoryForm}

    def get_context_data(self, **kwargs):
        editable = self.can_change
        bound = kwargs.pop("bound", {})
        return super().get_context_data(
            lines=MonitoringLine.objects.all(), tags=HouseholdTag.objects.all(),
            categories=LowIncomeCategory.objects.all(),
            forms={key: bound.get(key) or form_class(prefix=key) for key, form_class in self.FORMS.items()}
            if editable else {},
            **kwargs,
        )

    def post(self, request):
        kind = request.POST.get("kind", "")
        form_class = self.FORMS.get(kind)
        if form_class is None:
            messages.error(request, _("Unknown action."))
            return redirect("monitoring:config")
        form = form_class(request.POST, prefix=kind)

        def work():
            if not form.is_valid():
                raise _errors(form)
            data = form.cleaned_data
            if kind == "line":
                existing = MonitoringLine.objects.filter(province_code=data["province_code"], year=data["year"]).first()
                monitoring.monitoring_line_save(actor=request.user, line=existing, **data)
            elif kind == "tag":
                registry.household_tag_save(actor=request.user, tag=HouseholdTag.objects.filter(
                    code=data["code"]).first(), **data)
            else:
                monitoring.low_income_category_save(actor=request.user, category=LowIncomeCategory.objects.filter(
                    code=data["code"]).first(), **data)

        if _run(request, work, _("Saved.")):
            return redirect("monitoring:config")
        return self.render_to_response(self.get_context_data(bound={kind: form}), status=400)


# --- the villager's own declaration (phone) -----------------------------------------------------------

class DeclareView(LoginRequiredMixin, View):
    """自主申报 — a villager tells the village about a risk of their own household, on the phone."""

    template_name = "monitoring/declare.html"

    def own_household(self, request) -> Household | None:
        person = (Person.objects.filter(account=request.user).select_related("household__region")
                  .only("household").first())
        return person.household if person else None

    def recent(self, request, household):
        return (RiskClue.objects.restrict(request.user, "view").filter(household=household)
                .order_by("-created_at")[:5])

    def get(self, request):
        household = self.own_household(request)
        if household is None:
            return render(request, self.template_name, {"no_household": True}, status=404)
        return render(request, self.template_name, {"form": forms.DeclareForm(), "household": household,
                                                    "recent": self.recent(request, household)})

    def post(self, request):
        household = self.own_household(request)
        if household is None:
            return render(request, self.template_name, {"no_household": True}, status=404)
        form = forms.DeclareForm(request.POST)
        if form.is_valid() and _run(request, lambda: monitoring.clue_report(
                actor=request.user, household=household, source=ClueSource.SELF_DECLARATION, **form.cleaned_data),
                _("Thank you. Your village has received your report and will contact you.")):
            return redirect("monitoring_mobile:declare")
        return render(request, self.template_name, {"form": form, "household": household,
                                                    "recent": self.recent(request, household)}, status=400)

