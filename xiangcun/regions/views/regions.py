from __future__ import annotations

import json
import math

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from xiangcun.core.views import ScopedDetailView, ScopedListView
from xiangcun.regions import boundaries, selectors
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


class BoundariesView(LoginRequiredMixin, View):
    """Village outlines for the place picker: ``?near=lat,lng&km=8`` or ``?within=<code>`` (GeoJSON).

    Only villages on the user's map (``boundaries.map_regions``); a ``within`` region off it answers 404.
    """

    def get(self, request):
        user = request.user
        if "near" in request.GET:
            try:
                lat, lng = (float(part) for part in request.GET["near"].split(","))
                km = float(request.GET.get("km") or boundaries.NEAR_KM)
            except ValueError:
                return self.refuse(_("Give near as latitude,longitude."))
            if not (-90 <= lat <= 90 and -180 <= lng <= 180) or not math.isfinite(km) or km <= 0:
                return self.refuse(_("Give near as latitude,longitude."))
            rows = boundaries.near(user, lat, lng, min(km, boundaries.MAX_KM))
        elif request.GET.get("within"):
            rows = boundaries.within(user, request.GET["within"])
            if rows is None:
                raise Http404
            if len(rows) > boundaries.WITHIN_LIMIT:
                return self.refuse(_("Too many villages: ask for those near a point."), code="too_many")
        else:
            return self.refuse(_("Give near as latitude,longitude."))
        body = json.dumps(boundaries.feature_collection(rows), ensure_ascii=False, separators=(",", ":"))
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
        patch_cache_control(response, private=True, max_age=3600)
        return response

    @staticmethod
    def refuse(message: str, code: str = "invalid") -> JsonResponse:
        return JsonResponse({"error": message, "code": code}, status=400)
