from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.choices import SecurityEventKind, SecurityEventResult
from xiangcun.accounts.models import Role, SecurityEvent, User


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    role = django_filters.ModelChoiceFilter(field_name="role_assignments__role", queryset=Role.objects.all(),
                                            label=_("Role"), distinct=True)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class SecurityEventFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("To"))
    kind = django_filters.ChoiceFilter(choices=SecurityEventKind.choices, label=_("Event"))
    result = django_filters.ChoiceFilter(choices=SecurityEventResult.choices, label=_("Result"))
    username = django_filters.CharFilter(lookup_expr="icontains", label=_("User name"))
    ip_address = django_filters.CharFilter(lookup_expr="startswith", label=_("IP address"))

    class Meta:
        model = SecurityEvent
        fields = ["since", "until", "kind", "result", "username", "ip_address"]
