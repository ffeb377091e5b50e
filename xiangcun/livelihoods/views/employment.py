"""Pages of 务工: the list of jobs, the summaries (by destination, industry, month), the labour-subsidy list."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from xiangcun.core.models import SystemSetting
from xiangcun.core.services import holds_county_level
from xiangcun.core.views import ScopedListView
from xiangcun.households.models import Person
from xiangcun.livelihoods import selectors
from xiangcun.livelihoods.employment_stats import employment_summary
from xiangcun.livelihoods.filtersets import EmploymentFilterSet
from xiangcun.livelihoods.forms import LabourSubsidySettingForm, YearForm
from xiangcun.livelihoods.models import Employment


class EmploymentListView(ScopedListView):
    """务工 list: filter by place, industry, destination province, month at work, village."""

    model = Employment
    filterset_class = EmploymentFilterSet
    template_name = "livelihoods/employment_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__household__region").order_by("-start_date", "-id")


def _year(request) -> tuple[YearForm, int]:
    form = YearForm(request.GET or {"year": date.today().year})
    year = form.cleaned_data["year"] if form.is_valid() else date.today().year
    return form, year


class EmploymentSummaryView(LoginRequiredMixin, View):
    """Persons at work in a year by destination province, by industry and month by month (ECharts)."""

    template_name = "livelihoods/employment_summary.html"

    def get(self, request):
        form, year = _year(request)
        jobs = Employment.objects.restrict(request.user, "view")
        regions = EmploymentFilterSet({"region": request.GET.get("region", "")}, queryset=jobs, request=request)
        jobs = regions.qs if regions.is_valid() else jobs.none()
        summary = employment_summary(jobs, year)
        chart = {
            "provinces": [name for name, _n in summary.by_province], "province_counts": [n for _p, n in
                                                                                        summary.by_province],
            "industries": [label for _c, label, _n in summary.by_industry],
            "industry_counts": [n for *_rest, n in summary.by_industry],
            "months": [f"{month}" for month in range(1, 13)], "month_counts": summary.by_month,
        }
        return render(request, self.template_name, {"form": form, "year": year, "summary": summary,
                                                    "region": regions.form["region"], "chart": chart,
                                                    "chart_json": json.dumps(chart, ensure_ascii=False)})


class LabourSubsidyView(LoginRequiredMixin, View):
    """劳务补贴 candidates: outside-county work of at least N months in the year (N set by the county)."""

    template_name = "livelihoods/labour_subsidy.html"

    def rows(self, request, year: int, months: int) -> list[tuple[Person, int]]:
        persons = Person.objects.restrict(request.user, "view")
        counted = selectors.outside_county_months(persons, year)
        eligible = persons.filter(pk__in=[pk for pk, n in counted.items() if n >= months]).select_related(
            "household__region").order_by("household__region__code", "household__number", "id")
        return [(person, counted[person.pk]) for person in eligible]

    def get(self, request):
        form, year = _year(request)
        months = selectors.labour_subsidy_required_months()
        rows = self.rows(request, year, months)
        if request.GET.get("format") == "xlsx":
            return self.export(rows, year, months)
        can_edit = holds_county_level(request.user, Employment, "change")
        return render(request, self.template_name, {
            "form": form, "year": year, "months": months, "rows": rows, "can_edit": can_edit,
            "setting_form": LabourSubsidySettingForm(initial={"months": months}) if can_edit else None,
        })

    def post(self, request):
        if not holds_county_level(request.user, Employment, "change"):
            raise PermissionDenied
        setting_form = LabourSubsidySettingForm(request.POST)
        if setting_form.is_valid():
            SystemSetting.put(selectors.LABOUR_SUBSIDY_SETTING, setting_form.cleaned_data["months"])
            messages.success(request, _("From now on, %(months)d months of outside-county work are required.")
                             % {"months": setting_form.cleaned_data["months"]})
        else:
            messages.error(request, _("Give a number of months from 1 to 12."))
        return redirect(request.get_full_path())

    def export(self, rows: list[tuple[Person, int]], year: int, months: int) -> HttpResponse:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = str(year)
        sheet.append([_("Village"), _("Household number"), _("Name"), _("ID number"), _("Months outside the county")])
        for person, worked in rows:
            sheet.append([person.household.region.display_name, person.household.number, person.name,
                          person.masked_id_number, worked])
        buffer = BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument."
                                                                "spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="labour-subsidy-{year}-{months}m.xlsx"'
        return response
