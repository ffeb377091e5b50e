"""FilterSets of the 防返贫 monitoring lists, shared by the pages and the API (applied to restricted rows)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.filters import RegionFilter
from xiangcun.monitoring import choices
from xiangcun.monitoring.models import LowIncomeCategory, MonitoringCase, RiskClue, RiskFlag

LEVELS = [(1, _("1 (watch)")), (2, _("2 (attention)")), (3, _("3 (high)"))]


class RiskFlagFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Head's name or household number"))
    level = django_filters.TypedChoiceFilter(choices=LEVELS, coerce=int, label=_("Risk level"))
    signal = django_filters.ChoiceFilter(choices=choices.RiskSignal.choices, method="filter_signal",
                                         label=_("Signal"))
    region = RegionFilter()

    class Meta:
        model = RiskFlag
        fields = ["q", "level", "signal", "region"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(household__head_name__contains=value) | Q(household__number=value)) if value \
            else queryset

    def filter_signal(self, queryset, name, value):
        # The signals are a JSON list of {"code": …}; both SQLite and PostgreSQL print it as '"code": "…"'.
        return queryset.filter(signals__icontains=f'"code": "{value}"')


class RiskClueFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=choices.ClueStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=choices.ClueSource.choices, label=_("Source"))
    signal = django_filters.ChoiceFilter(choices=choices.RiskSignal.choices, label=_("Risk"))
    household = django_filters.UUIDFilter(field_name="household__uuid", label=_("Household"))
    region = RegionFilter()

    class Meta:
        model = RiskClue
        fields = ["status", "source", "signal", "household", "region"]


class MonitoringCaseFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=choices.CaseState.choices, label=_("State"))
    kind = django_filters.ChoiceFilter(choices=choices.CaseKind.choices, label=_("Kind"))
    category = django_filters.ModelChoiceFilter(field_name="category", to_field_name="code",
                                                queryset=LowIncomeCategory.objects.filter(is_monitoring=True),
                                                label=_("Category"))
    household = django_filters.UUIDFilter(field_name="household__uuid", label=_("Household"))
    region = RegionFilter()

    class Meta:
        model = MonitoringCase
        fields = ["state", "kind", "category", "household", "region"]
