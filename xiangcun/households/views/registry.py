"""Pages of the registry: the household list, the dossier (户档案袋), persons, and the forms that change them."""

from __future__ import annotations

from django.db.models import Prefetch

from xiangcun.core.views import ScopedDetailView, ScopedListView
from xiangcun.households import selectors
from xiangcun.households.filtersets import HouseholdFilterSet
from xiangcun.households.models import Household, HouseholdTag


class HouseholdListView(ScopedListView):
    """户 list: filters (tags, village, risk, labour ability, age) and search by name, number, phone, exact ID."""

    model = Household
    filterset_class = HouseholdFilterSet
    template_name = "households/household_list.html"

    def get_queryset(self):
        return (super().get_queryset().select_related("region", "risk")
                .prefetch_related(Prefetch("tags", queryset=HouseholdTag.objects.order_by("order")))
                .order_by("number"))


class HouseholdDetailView(ScopedDetailView):
    """户档案袋 — the household's whole file on one page, made of registered sections."""

    model = Household
    slug_field = slug_url_kwarg = "uuid"
    template_name = "households/household_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region", "group", "grid", "head")

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=selectors.dossier_sections(self.object, self.request.user), **kwargs)
