"""数字大屏 — the big screen of a county, a township or a village (docs/screens.md).

The page carries everything its first paint needs: the overview (``selectors.overview_for``, the contract shared with
the overview API) and the map's outlines and recent incident points, each in a ``json_script``; the browser then
refetches the overview every minute and listens to ``dashboard:screen-events`` for new incidents.

The panels are those the apps declare (``core.figures``: ``Panel``, ``KeyFigure``) whose permission the reader holds in
the region; the page draws each by its kind (``dashboard/_panel.html``, ``screen.js``), so a new module's panel appears
without editing the template.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from xiangcun.core import figures
from xiangcun.core.scoping import prefix_q
from xiangcun.core.views import record_view
from xiangcun.dashboard import selectors
from xiangcun.dashboard.overview_api import screen_regions
from xiangcun.dashboard.views.map import SCREEN_PERMISSION
from xiangcun.incidents.models import Incident
from xiangcun.regions.boundaries import simplified
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region

POINT_DAYS = 30  # incidents of the last month are drawn as points
POINT_LIMIT = 500  # the latest ones; a county's month can hold thousands


@login_required
def screen_home(request):
    """/screen/ opens the screen of the highest region the user may see."""
    top = screen_regions(request.user).top_level().first()
    if top is None:
        raise Http404(_("No big screen is open to you."))
    return redirect("dashboard:screen", top.code)


@record_view(Region, lookup_field="code", action=SCREEN_PERMISSION)
@login_required
def screen_page(request, code: str):
    regions = screen_regions(request.user)
    region = get_object_or_404(regions, code=code)
    overview = selectors.overview_for(request.user, region)
    in_scope = set(regions.filter(code__in=[a["code"] for a in overview["region"]["ancestors"]])
                   .values_list("code", flat=True))
    ancestors = [a for a in overview["region"]["ancestors"] if a["code"] in in_scope]
    context = {
        "region": region,
        "overview": overview,
        "ancestors": ancestors,
        "up": ancestors[-1] if ancestors else None,
        **screen_panels(request.user, region, overview),
        "map_data": map_data(request.user, region, overview, regions),
        "capture": request.GET.get("capture") == "1",
        "text": screen_text(),
        "urls": {
            "overview": reverse("dashboard:overview-api", args=[region.code]),
            "events": reverse("dashboard:screen-events", args=[region.code]),
            "screen": reverse("dashboard:screen", args=["CODE"]),
        },
    }
    return render(request, "dashboard/screen.html", context)


def screen_text() -> dict[str, str]:
    """Words the page's script writes (charts, the feed), in the person's language."""
    return {"suppressed": "<5", "noData": _("no data"), "male": _("male"), "female": _("female"),
            "line": _("monitoring line"),
            "mapGestures": {"CooperativeGesturesHandler.MobileHelpText": _("Use two fingers to move the map"),
                            "CooperativeGesturesHandler.WindowsHelpText": _("Use Ctrl + scroll to zoom the map"),
                            "CooperativeGesturesHandler.MacHelpText": _("Use ⌘ + scroll to zoom the map")}}


def figure_at(overview: dict, path: str):
    """The value at a dotted path of the overview (``"population.households"``); None when it is not there."""
    value = overview
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _plain(options: dict) -> dict:
    return {key: str(value) if isinstance(value, Promise) else value for key, value in options.items()}


def screen_panels(user, region: Region, overview: dict) -> dict:
    """The panels and key figures the apps declare, those whose permission ``user`` holds in ``region``: by place
    for the template (values filled in for the first paint) and the charts' specifications for the script."""
    allowed = {}

    def shown(permission: str) -> bool:
        if permission not in allowed:
            allowed[permission] = selectors.permitted(user, region, permission)
        return allowed[permission]

    places: dict[str, list[dict]] = {place: [] for place in figures.PLACES}
    charts = []
    for panel in figures.panels():
        if not shown(panel.permission):
            continue
        specs = [{"key": chart.key, "kind": chart.kind, "figure": chart.figure, "label": str(chart.label),
                  "options": _plain(chart.options), "testid": "chart-" + chart.key.replace("_", "-")}
                 for chart in panel.charts]
        charts += [spec for spec in specs if spec["kind"] != "feed"]
        places[panel.place].append({
            "key": panel.key, "title": panel.title, "height": panel.height,
            "tiles": [{"figure": tile.figure, "label": tile.label, "warn": tile.warn, "testid": tile.testid,
                       "value": figure_at(overview, tile.figure)} for tile in panel.tiles],
            "charts": [{**spec, "items": (figure_at(overview, spec["figure"]) or []) if spec["kind"] == "feed" else []}
                       for spec in specs],
            "subtitle": panel.subtitle, "subtitle_value": figure_at(overview, panel.subtitle) if panel.subtitle else "",
            "note": panel.note, "note_value": figure_at(overview, panel.note) if panel.note else "",
        })
    key_figures = [{"testid": "figure-" + figure.key.replace("_", "-"), "figure": figure.figure, "label": figure.label,
                    "warn": figure.warn, "value": figure_at(overview, figure.figure)}
                   for figure in figures.key_figures() if shown(figure.permission)]
    return {"panels": places, "charts": charts, "key_figures": key_figures}


def _outline(row: dict) -> dict | None:
    return simplified(row["pk"], row["updated_at"], row["boundary"]) if row["boundary"] else None


def map_data(user, region: Region, overview: dict, regions) -> dict:
    """What the centre map draws: the region's outline, its parts (child regions, or a village's grids) coloured by
    open incidents, and the recent incidents as points. Parts the user may open carry the address of their screen."""
    fields = ("pk", "code", "name", "short_name", "boundary", "updated_at", "centroid_lat", "centroid_lng")
    own = Region.objects.filter(pk=region.pk).values(*fields).get()
    figures = {child["code"]: child for child in overview["region"].get("children", [])}
    parts = []
    if region.level == Level.VILLAGE:
        reports = {row["key"]: row["count"] for row in overview.get("grid", {}).get("reports_per_grid", [])}
        grids = Grid.objects.restrict(user, "view").filter(village=region).order_by("code")
        for grid in grids.values("pk", "code", "name", "boundary", "updated_at"):
            geometry = simplified(grid["pk"], ("grid", grid["updated_at"]), grid["boundary"]) if grid["boundary"] \
                else None
            if geometry is not None:
                parts.append(_feature(geometry, code=grid["code"], name=grid["name"], kind="grid",
                                      value=reports.get(grid["code"], 0)))
    else:
        openable = set(regions.filter(parent=region).values_list("code", flat=True))
        for row in Region.objects.filter(parent=region, boundary__isnull=False).order_by("code").values(*fields):
            geometry = _outline(row)
            if geometry is None:
                continue
            figure = figures.get(row["code"], {})
            parts.append(_feature(geometry, code=row["code"], name=row["short_name"] or row["name"],
                                  value=figure.get("open_incidents") or 0, kind="region",
                                  openable=row["code"] in openable, centre=_centre(row)))
    since = timezone.now() - timedelta(days=POINT_DAYS)
    points = (Incident.objects.restrict(user, "view").filter(prefix_q("region__code", region.code))
              .filter(created_at__gte=since, lat__isnull=False, lng__isnull=False)
              .order_by("-pk").values_list("lng", "lat")[:POINT_LIMIT])  # by id: no sort of a month by time
    return {
        "outline": _outline(own),
        "centre": _centre(own),
        "parts": {"type": "FeatureCollection", "features": parts},
        "points": {"type": "Feature", "properties": {}, "geometry": {
            "type": "MultiPoint", "coordinates": [[round(lng, 5), round(lat, 5)] for lng, lat in points]}},
    }


def _centre(row: dict) -> list[float] | None:
    if row["centroid_lat"] is None or row["centroid_lng"] is None:
        return None
    return [round(row["centroid_lng"], 5), round(row["centroid_lat"], 5)]


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "properties": {k: v for k, v in properties.items() if v is not None},
            "geometry": geometry}
