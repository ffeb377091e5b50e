"""乡村一张图 (/map/): the page, one GeoJSON endpoint for every registered layer, summaries and the search box.

Who may open the map: anyone holding ``dashboard.view_screen`` somewhere (cadres, grid workers, department
staff; not villagers). Each layer is listed and served only to users holding its own permission, and its rows
come restricted by the layer (``restrict(user, "view")``); anything else answers 404, never 403 (DESIGN.md §1).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiangcun.core.layers import Layer, get_layer, layers_for
from xiangcun.core.mapping import LayerParamError, geometry_bounds, parse_bbox, resolve_options
from xiangcun.core.scoping import user_scope
from xiangcun.regions.models import Region

SCREEN_PERMISSION = "dashboard.view_screen"
SEARCH_MAX_LENGTH = 50
SEARCH_LIMIT = 20


def _may_use_map(user) -> bool:
    """Holds ``dashboard.view_screen`` in some region. A villager's self-only roles match ``dashboard.view_*``
    too, but reach only rows they own, and no region is owned: no map for them."""
    if not user.is_authenticated:
        return False
    scope = user_scope(user, SCREEN_PERMISSION)
    return scope.everything or bool(scope.codes)


def _layer_or_404(request, key: str) -> Layer:
    layer = get_layer(key)
    if layer is None or not _may_use_map(request.user) or not request.user.has_perm(layer.permission):
        raise Http404
    return layer


def _json(body, *, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(json.dumps(body, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder),
                            status=status, content_type=f"{content_type}; charset=utf-8")
    patch_cache_control(response, private=True, no_cache=True)
    return response


def basemap() -> dict | None:
    """The optional raster basemap of the settings (XIANGCUN_MAP_BASEMAP_URL), with the origin it is read from."""
    url = getattr(settings, "XIANGCUN_MAP_BASEMAP_URL", "")
    parts = urlsplit(url)
    if not url or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return {"url": url, "attribution": getattr(settings, "XIANGCUN_MAP_BASEMAP_ATTRIBUTION", ""),
            "origin": f"{parts.scheme}://{parts.netloc}"}


def content_security_policy(extra_origin: str | None) -> str:
    """The map page's policy: the platform itself, plus exactly the basemap's origin when one is configured."""
    extra = f" {extra_origin}" if extra_origin else ""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{extra}",
        f"connect-src 'self'{extra}",
        "worker-src 'self' blob:",
        "font-src 'self' data:",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    ))


def _start_bounds(regions: list[dict]) -> list[float] | None:
    west = south = 1e9
    east = north = -1e9
    found = False
    for region in regions:
        bounds = geometry_bounds(region["boundary"]) if region["boundary"] else None
        if bounds is None and region["centroid_lat"] is not None and region["centroid_lng"] is not None:
            bounds = (region["centroid_lng"] - 0.02, region["centroid_lat"] - 0.02,
                      region["centroid_lng"] + 0.02, region["centroid_lat"] + 0.02)
        if bounds is None:
            continue
        found = True
        west, south = min(west, bounds[0]), min(south, bounds[1])
        east, north = max(east, bounds[2]), max(north, bounds[3])
    return [round(v, 6) for v in (west, south, east, north)] if found else None


def _layer_config(layer: Layer) -> dict:
    return {"key": layer.key, "title": layer.title, "kind": layer.kind, "group": layer.group,
            "paint": layer.paint, "legend": layer.legend, "options": resolve_options(layer.options),
            "minZoom": layer.min_zoom, "on": layer.default_on, "refresh": layer.refresh_seconds,
            "url": reverse("dashboard:layer", args=[layer.key]), "summary": layer.summary is not None}


@login_required
@require_GET
def map_page(request):
    if not _may_use_map(request.user):
        raise Http404
    regions = Region.objects.restrict(request.user, SCREEN_PERMISSION)
    code = request.GET.get("region", "")
    if code:
        start = regions.filter(code=code)
        if not start.exists():
            raise Http404
    else:
        start = regions.top_level()
    start_rows = list(start.values("code", "name", "short_name", "boundary", "centroid_lat", "centroid_lng")[:50])
    chosen = basemap()
    config = {
        "layers": [_layer_config(layer) for layer in layers_for(request.user)],
        "start": {"bbox": _start_bounds(start_rows),
                  "regions": [{"code": r["code"], "name": r["short_name"] or r["name"]} for r in start_rows]},
        "searchUrl": reverse("dashboard:search"),
        "featureUrl": reverse("dashboard:feature", args=["__key__", "__id__"]),
        "basemap": {"url": chosen["url"], "attribution": chosen["attribution"]} if chosen else None,
        "capture": request.GET.get("capture") == "1",
        "text": {"capped": _("Too many objects here: only the first %(count)s are shown. Zoom in."),
                 "zoomIn": _("Zoom in to see this layer."), "noResults": _("Nothing found."),
                 "open": _("Open its page"), "loading": _("Loading…"), "failed": _("The layer could not be loaded.")},
    }
    response = render(request, "dashboard/map.html", {
        "map_config": json.loads(json.dumps(config, cls=DjangoJSONEncoder)),
        "start_regions": config["start"]["regions"],
    })
    response["Content-Security-Policy"] = content_security_policy(chosen["origin"] if chosen else None)
    return response


@require_GET
def layer_geojson(request, key: str):
    layer = _layer_or_404(request, key)
    try:
        bbox = parse_bbox(request.GET.get("bbox"))
        features = layer.features(request.user, bbox, request.GET)
    except LayerParamError as error:
        return _json({"error": str(error)}, status=400)
    body = {"type": "FeatureCollection", "features": features, "capped": bool(getattr(features, "capped", False))}
    legend = getattr(features, "legend", None)
    if legend is not None:
        body["legend"] = legend
    return _json(body, content_type="application/geo+json")


@require_GET
def feature_summary(request, key: str, ident: str):
    layer = _layer_or_404(request, key)
    summary = layer.summary(request.user, ident) if layer.summary is not None else None
    if summary is None:
        raise Http404
    return _json({"layer": layer.key, "id": ident, **summary})


@require_GET
def search(request):
    if not _may_use_map(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()
    if len(query) > SEARCH_MAX_LENGTH:
        return JsonResponse({"error": _("Type at most %(count)s characters.") % {"count": SEARCH_MAX_LENGTH}},
                            status=400)
    results: list[dict] = []
    if query:
        for layer in layers_for(request.user):
            if layer.search is None:
                continue
            for result in layer.search(request.user, query):
                results.append({**result, "layer_title": layer.title})
    return _json({"query": query, "results": results[:SEARCH_LIMIT]})
