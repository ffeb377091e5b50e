"""Map layers of the administrative tree (乡村一张图): boundaries, grids and facilities (docs/map.md).

Outlines are simplified and rounded once per region and version (``updated_at``) and kept per process with
their bounds, so a viewport's answer filters about 230 regions (or 630 grids) of a county in Python without
decoding their stored GeoJSON again.
"""

from __future__ import annotations

import threading

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangcun.core.layers import Layer, register
from xiangcun.core.mapping import (
    Features,
    feature,
    geometry_bounds,
    overlaps,
    point,
    take,
    url_or_none,
    within_box,
)
from xiangcun.regions.boundaries import simplified
from xiangcun.regions.choices import FacilityKind, Level
from xiangcun.regions.models import Facility, FacilityPhoto, Grid, Region

GROUP = gettext_lazy("Regions")
SEARCH_LIMIT = 8
FACILITY_CAP = 3000
# Below these zooms the names of a level would cover one another (HTML labels, no glyph server needed).
LABEL_ZOOM = {Level.COUNTY: 0, Level.TOWNSHIP: 8, Level.VILLAGE: 11}
GRID_LABEL_ZOOM = 14

_lock = threading.Lock()
_outlines: dict[tuple, tuple[dict | None, tuple | None]] = {}
_CACHE_SIZE = 5000


def _outline(kind: str, pk: int, stamp, load) -> tuple[dict | None, tuple | None]:
    """(simplified geometry, bounds) of one outline; ``load()`` reads the stored GeoJSON on a miss."""
    key = (kind, pk, stamp)
    if key not in _outlines:
        stored = load()
        geometry = simplified(pk, (kind, stamp), stored) if stored else None
        value = (geometry, geometry_bounds(geometry) if geometry else None)
        with _lock:
            if len(_outlines) >= _CACHE_SIZE:
                _outlines.clear()
            _outlines[key] = value
    return _outlines[key]


def _outlines_for(kind: str, model, rows: list[dict]) -> dict[int, tuple]:
    """Outlines of ``rows`` (pk, updated_at), reading the stored boundary only for those not cached yet."""
    missing = [row["pk"] for row in rows if (kind, row["pk"], row["updated_at"]) not in _outlines]
    stored = dict(model.objects.filter(pk__in=missing).values_list("pk", "boundary")) if missing else {}
    return {row["pk"]: _outline(kind, row["pk"], row["updated_at"], lambda pk=row["pk"]: stored.get(pk))
            for row in rows}


def _centre(row: dict, bounds) -> list[float] | None:
    if row.get("centroid_lat") is not None and row.get("centroid_lng") is not None:
        return [round(row["centroid_lng"], 5), round(row["centroid_lat"], 5)]
    if bounds:
        return [round((bounds[0] + bounds[2]) / 2, 5), round((bounds[1] + bounds[3]) / 2, 5)]
    return None


# --- boundaries ---------------------------------------------------------------------------------------------

def boundary_features(user, bbox, params) -> Features:
    # Villages first: the township and county lines are drawn over theirs.
    rows = list(Region.objects.restrict(user, "view")
                .filter(level__in=LABEL_ZOOM, boundary__isnull=False)
                .order_by("-level", "code").values("pk", "code", "name", "short_name", "level", "centroid_lat",
                                                   "centroid_lng", "updated_at"))
    outlines = _outlines_for("region", Region, rows)
    features = Features()
    for row in rows:
        geometry, bounds = outlines[row["pk"]]
        if geometry is None or not overlaps(bounds, bbox):
            continue
        properties = {"name": row["short_name"] or row["name"], "l": row["level"], "lz": LABEL_ZOOM[row["level"]]}
        if (centre := _centre(row, bounds)) is not None:
            properties["c"] = centre
        features.append(feature(row["code"], geometry, properties))
    return features


def region_summary(user, ident: str) -> dict | None:
    region = Region.objects.restrict(user, "view").filter(code=ident).select_related("parent").first()
    if region is None:
        return None
    rows = [[_("Level"), region.get_level_display()], [_("Division code"), region.code]]
    if region.parent is not None:
        rows.append([_("Part of"), region.parent.display_name])
    bounds = geometry_bounds(region.boundary) if region.boundary else None
    links = [{"label": _("Region page"), "url": region.get_absolute_url()}]
    if user.has_perm("dashboard.view_screen"):
        links.append({"label": _("Big screen"), "url": url_or_none("dashboard:screen", region.code)})
    return {"title": region.display_name, "kind": _("Region"), "rows": rows, "url": region.get_absolute_url(),
            "links": [link for link in links if link["url"]],
            "center": _centre({"centroid_lat": region.centroid_lat, "centroid_lng": region.centroid_lng}, bounds),
            "bbox": list(bounds) if bounds else None}


def region_search(user, query: str) -> list[dict]:
    """Townships and villages of the user's map whose name contains the words typed."""
    rows = list(Region.objects.restrict(user, "view")
                .filter(level__in=(Level.TOWNSHIP, Level.VILLAGE))
                .filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code=query))
                .order_by("level", "code").values("pk", "code", "name", "short_name", "level", "centroid_lat",
                                                  "centroid_lng", "updated_at")[:SEARCH_LIMIT])
    outlines = _outlines_for("region", Region, rows)
    results = []
    for row in rows:
        bounds = outlines[row["pk"]][1]
        results.append({"layer": "boundaries", "id": row["code"], "label": row["short_name"] or row["name"],
                        "detail": str(Level(row["level"]).label), "center": _centre(row, bounds),
                        "bbox": list(bounds) if bounds else None})
    return results


register(Layer(
    key="boundaries", title=gettext_lazy("Boundaries (county, townships, villages)"), kind="line",
    permission="regions.view_region", features=boundary_features, group=GROUP, default_on=True, order=10,
    paint={"line-color": ["match", ["get", "l"], Level.COUNTY, "#d63939", Level.TOWNSHIP, "#ae3ec9", "#206bc4"],
           "line-width": ["match", ["get", "l"], Level.COUNTY, 3, Level.TOWNSHIP, 2, 1]},
    legend=[{"label": gettext_lazy("county"), "color": "#d63939"},
            {"label": gettext_lazy("township"), "color": "#ae3ec9"},
            {"label": gettext_lazy("village"), "color": "#206bc4"}],
    summary=region_summary, search=region_search,
))


# --- grids --------------------------------------------------------------------------------------------------

def grid_features(user, bbox, params) -> Features:
    rows = list(Grid.objects.restrict(user, "view").filter(boundary__isnull=False).order_by("code")
                .values("pk", "code", "name", "updated_at"))
    outlines = _outlines_for("grid", Grid, rows)
    features = Features()
    for row in rows:
        geometry, bounds = outlines[row["pk"]]
        if geometry is None or not overlaps(bounds, bbox):
            continue
        properties = {"name": row["name"], "lz": GRID_LABEL_ZOOM}
        if (centre := _centre(row, bounds)) is not None:
            properties["c"] = centre
        features.append(feature(row["pk"], geometry, properties))
    return features


def grid_summary(user, ident: str) -> dict | None:
    if not ident.isdigit():
        return None
    grid = Grid.objects.restrict(user, "view").filter(pk=int(ident)).select_related("village").first()
    if grid is None:
        return None
    bounds = geometry_bounds(grid.boundary) if grid.boundary else None
    workers = grid.workers.count()
    return {"title": grid.name, "kind": _("Grid"), "url": grid.get_absolute_url(),
            "rows": [[_("Village"), grid.village.display_name], [_("Grid code"), grid.code],
                     [_("Grid workers"), workers]],
            "center": _centre({}, bounds), "bbox": list(bounds) if bounds else None}


register(Layer(
    key="grids", title=gettext_lazy("Grids"), kind="line", permission="regions.view_grid",
    features=grid_features, group=GROUP, order=20, min_zoom=10,
    paint={"line-color": "#0ca678", "line-width": 1, "line-dasharray": [2, 2]},
    legend=[{"label": gettext_lazy("grid"), "color": "#0ca678"}], summary=grid_summary,
))


# --- facilities ---------------------------------------------------------------------------------------------

FACILITY_COLORS = {
    FacilityKind.COMMITTEE: "#d63939", FacilityKind.CLINIC: "#e64980", FacilityKind.SCHOOL: "#f76707",
    FacilityKind.SQUARE: "#ae3ec9", FacilityKind.WELL: "#1c7ed6", FacilityKind.SLUICE: "#17a2b8",
    FacilityKind.PARKING: "#495057", FacilityKind.STREETLIGHT: "#f59f00", FacilityKind.SHOP: "#2fb344",
    FacilityKind.TOILET: "#74b816", FacilityKind.OTHER: "#868e96",
}


def facility_features(user, bbox, params) -> Features:
    rows, capped = take(within_box(Facility.objects.restrict(user, "view"), bbox).filter(active=True).order_by("pk")
                        .values_list("pk", "kind", "longitude", "latitude")[:FACILITY_CAP + 1], FACILITY_CAP)
    features = Features(feature(pk, point(lng, lat), {"k": kind}) for pk, kind, lng, lat in rows)
    features.capped = capped
    return features


def facility_summary(user, ident: str) -> dict | None:
    if not ident.isdigit():
        return None
    facility = Facility.objects.restrict(user, "view").filter(pk=int(ident)).select_related("region").first()
    if facility is None:
        return None
    rows = [[_("Kind"), facility.get_kind_display()], [_("Village"), facility.region.display_name]]
    if facility.description:
        rows.append([_("Description"), facility.description])
    if not facility.active:
        rows.append([_("In service"), _("no")])
    thumbnail = None
    photo = (FacilityPhoto.objects.restrict(user, "view").filter(facility=facility).order_by("created_at", "pk")
             .values_list("pk", flat=True).first())
    if photo is not None:
        thumbnail = url_or_none("regions:facility-photo", photo, "thumb")
    return {"title": facility.name, "kind": _("Facility"), "rows": rows, "thumbnail": thumbnail,
            "url": url_or_none("regions:facility-detail", facility.pk),
            "center": [round(facility.longitude, 6), round(facility.latitude, 6)]}


def facility_search(user, query: str) -> list[dict]:
    rows = (Facility.objects.restrict(user, "view").filter(active=True, name__icontains=query)
            .select_related("region").order_by("region__code", "name")[:SEARCH_LIMIT])
    return [{"layer": "facilities", "id": str(f.pk), "label": f.name,
             "detail": f"{f.get_kind_display()} · {f.region.display_name}",
             "center": [round(f.longitude, 6), round(f.latitude, 6)], "bbox": None} for f in rows]


def _facility_legend() -> list[dict]:
    return [{"label": kind.label, "color": FACILITY_COLORS[kind]} for kind in FacilityKind]


register(Layer(
    key="facilities", title=gettext_lazy("Facilities"), kind="circle", permission="regions.view_facility",
    features=facility_features, group=GROUP, order=30, min_zoom=11,
    paint={"circle-radius": 6, "circle-stroke-color": "#fff", "circle-stroke-width": 1.5,
           "circle-color": ["match", ["get", "k"], *[v for kind in FacilityKind
                                                    for v in (kind.value, FACILITY_COLORS[kind])], "#868e96"]},
    legend=_facility_legend(), summary=facility_summary, search=facility_search,
))

