"""One FilterSet per list, shared by the HTML page and the API (applied to rows already restricted)."""

from __future__ import annotations

import re
from datetime import date

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.crypto import lookup_hash
from xiangcun.core.filters import IntegerFilter, RegionFilter
from xiangcun.core.validators import normalize_phone
from xiangcun.households import choices
from xiangcun.households.models import Household, HouseholdTag, Person

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^1[3-9]\d{9}$")
# Ages asked of a list: whole years, up to an age nobody is registered beyond (a larger one is a 400, not a 500).
AGE_LIMIT = 150


def years_ago(years: int, today: date | None = None) -> date:
    today = today or date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def person_search_q(value: str, prefix: str = "") -> Q:
    """Exact ID number or phone through the keyed hash; otherwise a name fragment."""
    value = value.strip()
    if _ID_LIKE.match(value):
        return Q(**{f"{prefix}id_number_hash": lookup_hash(value.upper())})
    phone = normalize_phone(value)
    if _PHONE_LIKE.match(phone):
        return Q(**{f"{prefix}phone_hash": lookup_hash(phone)})
    return Q(**{f"{prefix}name__contains": value})


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, household number, phone or ID number"))
    region = RegionFilter()
    tag = django_filters.ModelMultipleChoiceFilter(field_name="tags__code", to_field_name="code",
                                                   queryset=HouseholdTag.objects.all(), label=_("Tags"))
    status = django_filters.ChoiceFilter(choices=choices.HouseholdStatus.choices, label=_("Status"))
    risk = django_filters.BooleanFilter(method="filter_risk", label=_("With risk warning"))
    labour_ability = django_filters.ChoiceFilter(choices=choices.LabourAbility.choices, method="filter_labour",
                                                 label=_("A member's labour ability"))
    age_min = IntegerFilter(method="filter_age_min", label=_("A member aged at least"), min_value=0,
                            max_value=AGE_LIMIT)
    age_max = IntegerFilter(method="filter_age_max", label=_("A member aged at most"), min_value=0,
                            max_value=AGE_LIMIT)

    class Meta:
        model = Household
        fields = ["q", "region", "tag", "status", "risk", "labour_ability", "age_min", "age_max"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        members = Person.objects.filter(person_search_q(value)).values("household_id")
        condition = Q(pk__in=members)
        if _PHONE_LIKE.match(normalize_phone(value)):
            condition |= Q(phone_hash=lookup_hash(normalize_phone(value)))
        elif not _ID_LIKE.match(value):
            condition |= Q(head_name__contains=value) | Q(number=value)
        return queryset.filter(condition)

    def filter_risk(self, queryset, name, value):
        return queryset.filter(risk__isnull=not value)

    def _with_members(self, queryset, condition: Q):
        members = Person.objects.filter(condition, status=choices.PersonStatus.REGISTERED).values("household_id")
        return queryset.filter(pk__in=members)

    def filter_labour(self, queryset, name, value):
        return self._with_members(queryset, Q(labour_ability=value))

    def filter_age_min(self, queryset, name, value):
        return self._with_members(queryset, Q(birth_date__lte=years_ago(value)))

    def filter_age_max(self, queryset, name, value):
        return self._with_members(queryset, Q(birth_date__gt=years_ago(value + 1)))

    def filter_queryset(self, queryset):
        # Several tags means "all of them"; one join per tag would repeat rows, so filter by subquery.
        tags = self.form.cleaned_data.pop("tag", None)
        queryset = super().filter_queryset(queryset)
        for tag in tags or ():
            queryset = queryset.filter(pk__in=Household.tags.through.objects.filter(householdtag=tag)
                                       .values("household_id"))
        return queryset


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, phone or ID number"))
    region = RegionFilter()
    household = django_filters.UUIDFilter(field_name="household__uuid", label=_("Household"))
    sex = django_filters.ChoiceFilter(choices=choices.Sex.choices, label=_("Sex"))
    labour_ability = django_filters.ChoiceFilter(choices=choices.LabourAbility.choices, label=_("Labour ability"))
    status = django_filters.ChoiceFilter(choices=choices.PersonStatus.choices, label=_("Status"))
    health = django_filters.ChoiceFilter(choices=choices.Health.choices, method="filter_health", label=_("Health"))
    age_min = IntegerFilter(method="filter_age_min", label=_("Aged at least"), min_value=0, max_value=AGE_LIMIT)
    age_max = IntegerFilter(method="filter_age_max", label=_("Aged at most"), min_value=0, max_value=AGE_LIMIT)
    lives_alone = django_filters.BooleanFilter(label=_("Lives alone"))
    left_behind = django_filters.BooleanFilter(label=_("Left-behind child"))

    class Meta:
        model = Person
        fields = ["q", "region", "household", "sex", "labour_ability", "status", "health", "age_min", "age_max",
                  "lives_alone", "left_behind"]

    def search(self, queryset, name, value):
        return queryset.filter(person_search_q(value)) if value.strip() else queryset

    def filter_health(self, queryset, name, value):
        return queryset.filter(health_hash=lookup_hash(value))

    def filter_age_min(self, queryset, name, value):
        return queryset.filter(birth_date__lte=years_ago(value))

    def filter_age_max(self, queryset, name, value):
        return queryset.filter(birth_date__gt=years_ago(value + 1))
