"""FilterSets of income and 务工, shared by the HTML page and the API (applied to rows already restricted)."""

from __future__ import annotations

import re

import django_filters
from django.utils.translation import gettext_lazy as _

from xiangcun.core.filters import IntegerFilter, RegionFilter
from xiangcun.households.filtersets import person_search_q
from xiangcun.livelihoods import choices
from xiangcun.livelihoods.models import Employment, IncomeRecord

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class EmploymentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, phone or ID number"))
    region = RegionFilter()
    person = django_filters.UUIDFilter(field_name="person__uuid", label=_("Person"))
    place = django_filters.ChoiceFilter(choices=choices.WorkPlace.choices, label=_("Place of work"))
    industry = django_filters.ChoiceFilter(choices=choices.Industry.choices, label=_("Industry"))
    province = django_filters.CharFilter(field_name="destination_province", lookup_expr="contains",
                                         label=_("Destination province"))
    month = django_filters.CharFilter(method="filter_month", label=_("At work in month (YYYY-MM)"))
    current = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label=_("Still at work"))

    class Meta:
        model = Employment
        fields = ["q", "region", "person", "place", "industry", "province", "month", "current"]

    def search(self, queryset, name, value):
        return queryset.filter(person_search_q(value, "person__")) if value.strip() else queryset

    def filter_month(self, queryset, name, value):
        from xiangcun.livelihoods.employment_stats import active_in, month_bounds

        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            return queryset.none()
        return queryset.filter(active_in(*month_bounds(int(match.group(1)), int(match.group(2)))))


class IncomeRecordFilterSet(django_filters.FilterSet):
    household = django_filters.UUIDFilter(field_name="household__uuid", label=_("Household"))
    region = RegionFilter()
    year = IntegerFilter(label=_("Year"), min_value=2000, max_value=2100)
    per_capita_below = django_filters.NumberFilter(field_name="per_capita", lookup_expr="lt", min_value=0,
                                                   max_value=10**10, label=_("Per-capita net income below"))

    class Meta:
        model = IncomeRecord
        fields = ["household", "region", "year", "per_capita_below"]
