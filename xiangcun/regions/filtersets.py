"""One FilterSet per list, shared by the HTML page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.filters import RegionFilter
from xiangcun.regions.choices import FacilityKind, Level
from xiangcun.regions.models import Facility, Grid, Region


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent code"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    code_prefix = django_filters.CharFilter(method="filter_code_prefix", label=_("Code starts with"))
    q = django_filters.CharFilter(method="search", label=_("Name"))

    class Meta:
        model = Region
        fields = ["parent", "level", "code_prefix", "q", "enabled"]

    def filter_code_prefix(self, queryset, name, value):
        return queryset.under(value) if value.isdigit() else queryset.none()

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(short_name__contains=value))


class GridFilterSet(django_filters.FilterSet):
    village = django_filters.CharFilter(field_name="village__code", label=_("Village code"))

    class Meta:
        model = Grid
        fields = ["village"]


class FacilityFilterSet(django_filters.FilterSet):
    """公共设施: by kind, by region (a village, or every village under a township or the county), in service."""

    kind = django_filters.ChoiceFilter(choices=FacilityKind.choices, label=_("Kind"))
    region = RegionFilter()
    active = django_filters.BooleanFilter(label=_("In service"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name"))

    class Meta:
        model = Facility
        fields = ["kind", "region", "active", "q"]
