"""One FilterSet for incident lists: the dispatch console, the phone inbox and the API (on restricted rows)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.filters import RegionFilter
from xiangcun.incidents import choices
from xiangcun.incidents.models import Category, Incident


def category_and_below(category: Category) -> list[int]:
    """The ids of a category and its sub-categories (the tree is two or three levels deep)."""
    ids, frontier = {category.pk}, [category.pk]
    while frontier:
        children = Category.objects.filter(parent_id__in=frontier).exclude(pk__in=ids)
        frontier = list(children.values_list("pk", flat=True))
        ids.update(frontier)
    return sorted(ids)


class IncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tracking code or words"))
    state = django_filters.MultipleChoiceFilter(choices=choices.State.choices, label=_("State"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Still open"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), to_field_name="code",
                                                method="filter_category", label=_("Category"))
    region = RegionFilter()
    source = django_filters.MultipleChoiceFilter(choices=choices.Source.choices, label=_("Source"))
    priority = django_filters.MultipleChoiceFilter(choices=choices.Priority.choices, label=_("Priority"))
    level = django_filters.TypedChoiceFilter(choices=choices.HoldingLevel.choices, coerce=int, label=_("Held by"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    supervised = django_filters.BooleanFilter(label=_("Under supervision"))
    low_rating = django_filters.BooleanFilter(label=_("Low rating"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                              label=_("Reported from"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                               label=_("Reported until"))

    class Meta:
        model = Incident
        fields = ["q", "state", "open", "category", "region", "source", "priority", "level", "overdue", "supervised",
                  "low_rating", "created_after", "created_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__iexact=value) | Q(description__contains=value) | Q(address__contains=value))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(state__in=choices.OPEN_STATES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=category_and_below(value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        """Marked overdue by the periodic job, or past the deadline already (the job runs every few minutes)."""
        if value is None:
            return queryset
        late = Q(overdue=True) | Q(state__in=choices.OPEN_STATES, stage_deadline__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)
