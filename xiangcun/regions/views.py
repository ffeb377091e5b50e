from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from xiangcun.core.views import ScopedDetailView, ScopedListView
from xiangcun.regions import selectors
from xiangcun.regions.filtersets import GridFilterSet, RegionFilterSet
from xiangcun.regions.models import Grid, Region


class RegionListView(ScopedListView):
    """The tree: the user's top regions, or a search/filter over everything they may see."""

    model = Region
    filterset_class = RegionFilterSet
    template_name = "regions/region_list.html"

    def get_queryset(self):
        queryset = super().get_queryset().select_related("parent")
        if not any(self.request.GET.get(key) for key in ("q", "parent", "level", "code_prefix")):
            return queryset.top_level()
        return queryset


class RegionDetailView(ScopedDetailView):
    model = Region
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "regions/region_detail.html"

    def get_context_data(self, **kwargs):
        region = self.object
        visible = Region.objects.restrict(self.request.user, "view")
        return super().get_context_data(
            children=selectors.children_with_counts(region, visible),
            counts=selectors.region_counts(region),
            grids=Grid.objects.restrict(self.request.user, "view").filter(village=region).prefetch_related("workers"),
            ancestors=selectors.visible_ancestors(region, visible),
            **kwargs,
        )


class GridListView(ScopedListView):
    model = Grid
    filterset_class = GridFilterSet
    template_name = "regions/grid_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("village").prefetch_related("workers")


class GridDetailView(ScopedDetailView):
    model = Grid
    template_name = "regions/grid_detail.html"


class SwitchRegionView(LoginRequiredMixin, View):
    """The breadcrumb switcher: remember a region inside the user's scope, or 404."""

    def post(self, request):
        code = request.POST.get("code", "")
        if code:
            if not Region.objects.restrict(request.user, "view").filter(code=code).exists():
                raise Http404
            request.session[selectors.CURRENT_REGION_KEY] = code
        else:
            request.session.pop(selectors.CURRENT_REGION_KEY, None)
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return HttpResponseRedirect(target)
