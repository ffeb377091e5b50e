"""Pages of income: the check of declarations against the estimate (收入测算), the county's rules, and a
household's income of a year (entered from the dossier)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from xiangcun.core.errors import ServiceError
from xiangcun.core.services import holds_county_level
from xiangcun.core.views import CountyConfigMixin, ScopedObjectMixin
from xiangcun.households import choices as household_choices
from xiangcun.households.models import Household
from xiangcun.livelihoods import choices, estimation
from xiangcun.livelihoods.forms import IncomeCheckForm, IncomeRecordForm, IncomeRuleForm
from xiangcun.livelihoods.models import IncomeRecord, IncomeRule
from xiangcun.livelihoods.services import income as income_services


class IncomeCheckView(LoginRequiredMixin, View):
    """Households whose declared net income differs from the estimate by more than X % (default 30)."""

    template_name = "livelihoods/income_check.html"
    paginate_by = 50

    def get(self, request):
        form = IncomeCheckForm(request.GET or {"year": date.today().year - 1,
                                               "threshold": estimation.DEFAULT_THRESHOLD_PERCENT})
        rows, page = [], None
        if form.is_valid():
            households = Household.objects.restrict(request.user, "view")
            rows = estimation.divergent_households(households, form.cleaned_data["year"],
                                                   form.cleaned_data["threshold"])
            page = Paginator(rows, self.paginate_by).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"form": form, "rows": rows, "page_obj": page,
                                                    "is_paginated": bool(page and page.has_other_pages()),
                                                    "paginator": page.paginator if page else None})


class IncomeRulesView(CountyConfigMixin, View):
    """收入测算 rules of the county: everybody reads them, county-level staff change them (a form per rule)."""

    config_model = IncomeRule
    template_name = "livelihoods/income_rules.html"

    def county(self, request) -> str | None:
        return request.GET.get("county") or request.POST.get("county") or estimation.home_county_code(request.user)

    def context(self, request, county: str | None, new_form=None, forms_by_id=None) -> dict:
        rules = list(IncomeRule.objects.filter(county_code=county or "").order_by("kind", "item"))
        forms_by_id = forms_by_id or {}
        can_edit = bool(county) and holds_county_level(request.user, IncomeRule, "change")
        rows = [(rule, forms_by_id.get(rule.pk) or IncomeRuleForm(instance=rule, prefix=f"rule-{rule.pk}",
                                                                      form_id=f"rule-form-{rule.pk}"))
                for rule in rules]
        return {"county": county, "rows": rows, "can_edit": can_edit, "kinds": choices.RuleKind.choices,
                "new_form": new_form or IncomeRuleForm(prefix="new"),
                "livestock": household_choices.Livestock.choices, "places": choices.WorkPlace.choices}

    def get(self, request):
        return render(request, self.template_name, self.context(request, self.county(request)))

    def post(self, request):
        county = self.county(request)
        if not county:
            return redirect("livelihoods:income-rules")
        action = request.POST.get("action", "")
        try:
            if action == "defaults":
                added = income_services.income_rules_load_defaults(actor=request.user, county_code=county)
                messages.success(request, _("%(count)d rules added.") % {"count": added})
            elif action == "delete":
                rule = get_object_or_404(IncomeRule, pk=request.POST.get("rule"), county_code=county)
                income_services.income_rule_delete(actor=request.user, rule=rule)
                messages.success(request, _("The rule was deleted."))
            else:
                rule = None
                if action == "save":
                    rule = get_object_or_404(IncomeRule, pk=request.POST.get("rule"), county_code=county)
                form = IncomeRuleForm(request.POST, instance=rule, prefix=f"rule-{rule.pk}" if rule else "new",
                                      form_id=f"rule-form-{rule.pk}" if rule else "")
                if not form.is_valid():
                    forms_by_id = {rule.pk: form} if rule else {}
                    return render(request, self.template_name,
                                  self.context(request, county, None if rule else form, forms_by_id), status=400)
                income_services.income_rule_save(actor=request.user, county_code=county, rule=rule,
                                                 **form.cleaned_data)
                messages.success(request, _("The rule was saved."))
        except ServiceError as error:
            messages.error(request, error.message)
            if error.status in (403, 404):
                return render(request, self.template_name, self.context(request, county), status=error.status)
        return redirect(f"{request.path}?county={county}")


class IncomeRecordEditView(ScopedObjectMixin, View):
    """A household's 家庭收入 of one year: the form, with the estimate of that year beside it."""

    model = Household
    lookup_field = "uuid"
    object_related = ("region",)
    template_name = "livelihoods/income_record_form.html"

    def household(self, request, uuid) -> Household:
        return self.object

    def render_form(self, request, household, form, year, status=200):
        estimate = estimation.estimate_household(household, year)
        return render(request, self.template_name, {"household": household, "form": form, "year": year,
                                                    "estimate": estimate}, status=status)

    def get(self, request, uuid):
        household = self.household(request, uuid)
        try:
            year = int(request.GET.get("year", date.today().year - 1))
        except ValueError:
            year = date.today().year - 1
        record = IncomeRecord.objects.restrict(request.user, "view").filter(household=household, year=year).first()
        initial = {"year": year, "family_size": household.member_count or 1}
        form = IncomeRecordForm(instance=record, initial=None if record else initial)
        return self.render_form(request, household, form, year)

    def post(self, request, uuid):
        household = self.household(request, uuid)
        form = IncomeRecordForm(request.POST)
        if form.is_valid():
            try:
                record = income_services.income_record_save(actor=request.user, household=household,
                                                            **form.cleaned_data)
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The income of %(year)d was saved: %(per_capita)s yuan per person.")
                                 % {"year": record.year, "per_capita": record.per_capita})
                return redirect(f"{household.get_absolute_url()}#section-income")
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
        return self.render_form(request, household, form, year or date.today().year - 1, status=400)
