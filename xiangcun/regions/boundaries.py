"""Village outlines for a map on which a person picks a place (the incident report, the desk entry, relocate).

The answer is kept small for weak networks: outlines simplified (``TOLERANCE`` degrees, about 50 m), coordinates
rounded to 5 decimals (about 1 m), compact JSON with Chinese names as UTF-8. For the synthetic demo county
(212 villages) ``?within=623023`` is about 62 kB and ``?near=`` a village's centre (19 villages within 8 km) about 6 kB
uncompressed (measured by ``regions/tests/test_boundaries_endpoint.py``).
"""

from __future__ import annotations

import threading

from shapely.geometry import mapping, shape

from xiangcun.core.geo import bounding_box, distance_m
from xiangcun.regions.choices import CODE_LENGTH, Level
from xiangcun.regions.models import Region

TOLERANCE = 0.0005
DECIMALS = 5
NEAR_KM = 8.0
MAX_KM = 30.0
NEAR_LIMIT = 40
WITHIN_LIMIT = 600  # a county; a prefecture's thousands of villages are asked for near a point instead

_lock = threading.Lock()
_simplified: dict[tuple, dict | None] = {}
_CACHE_SIZE = 5000


def map_regions(user):
    """The regions whose outlines this user's map may draw (``RegionQuerySet.where_may_report``)."""
    return Region.objects.where_may_report(user)


def home_code(user) -> str:
    """Where a picker opens when no point is known: a villager's own village, else the top of the user's map."""
    village_length = CODE_LENGTH[Level.VILLAGE]
    for assignment in user.cached_assignments:
        if assignment.role.self_only and len(assignment.region.code) >= village_length:
            return assignment.region.code[:village_length]
    top = map_regions(user).top_level().values_list("code", flat=True).first()
    return top or ""


def _rounded(coordinates):
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], DECIMALS), round(coordinates[1], DECIMALS)]
    return [_rounded(part) for part in coordinates]


def simplified(pk: int, stamp, boundary: dict) -> dict | None:
    """The outline as drawn on the picker; kept per process until the region changes (``stamp``)."""
    key = (pk, stamp)
    if key in _simplified:
        return _simplified[key]
    try:
        geometry = shape(boundary).simplify(TOLERANCE, preserve_topology=True)
    except (ValueError, TypeError, KeyError, AttributeError):
        geometry = None
    if geometry is None or geometry.is_empty:
        result = None
    else:
        drawn = mapping(geometry)
        result = {"type": drawn["type"], "coordinates": _rounded(drawn["coordinates"])}
    with _lock:
        if len(_simplified) >= _CACHE_SIZE:
            _simplified.clear()
        _simplified[key] = result
    return result


FIELDS = ("pk", "code", "name", "short_name", "centroid_lat", "centroid_lng", "boundary", "updated_at")


def _villages(queryset):
    return queryset.filter(level=Level.VILLAGE, boundary__isnull=False).order_by("code")


def near(user, lat: float, lng: float, km: float) -> list[dict]:
    """At most ``NEAR_LIMIT`` villages of the user's map whose centroid lies within ``km`` of the point."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, km * 1000)
    rows = list(_villages(map_regions(user)).filter(
        centroid_lat__gte=min_lat, centroid_lat__lte=max_lat, centroid_lng__gte=min_lng, centroid_lng__lte=max_lng,
    ).values(*FIELDS))
    rows.sort(key=lambda row: distance_m(lat, lng, row["centroid_lat"], row["centroid_lng"]))
    return rows[:NEAR_LIMIT]


def within(user, code: str) -> list[dict] | None:
    """The villages under a region of the user's map; None when the region is not on it (or does not exist)."""
    regions = map_regions(user)
    if not regions.filter(code=code).exists():
        return None
    return list(_villages(regions.under(code))[:WITHIN_LIMIT + 1].values(*FIELDS))


def feature_collection(rows: list[dict]) -> dict:
    features = []
    for row in rows:
        geometry = simplified(row["pk"], row["updated_at"], row["boundary"])
        if geometry is None:
            continue
        properties = {"code": row["code"], "name": row["short_name"] or row["name"]}
        if row["centroid_lat"] is not None and row["centroid_lng"] is not None:
            properties["c"] = [round(row["centroid_lng"], DECIMALS), round(row["centroid_lat"], DECIMALS)]
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
