"""Which village and grid a point lies in (point-in-polygon on the stored GeoJSON boundaries).

The boundaries of a county's villages and grids are read once into shapely STR-trees and kept per
process until any village or grid changes (the key is the row count and the latest ``updated_at``),
so locating a report costs two small aggregate queries and a tree lookup, not a scan of polygons.
The cache is derived data: a second node builds its own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.prepared import prep

from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region


@dataclass(frozen=True)
class _Index:
    key: tuple
    tree: STRtree | None
    ids: list[int]
    prepared: list


_lock = threading.Lock()
_cache: dict[str, _Index] = {}


def _build(rows: list[tuple[int, dict]], key: tuple) -> _Index:
    ids, geometries = [], []
    for pk, boundary in rows:
        try:
            geometry = shape(boundary)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        if geometry.is_empty:
            continue
        ids.append(pk)
        geometries.append(geometry)
    tree = STRtree(geometries) if geometries else None
    return _Index(key, tree, ids, [prep(g) for g in geometries])


def _index(kind: str) -> _Index:
    if kind == "village":
        queryset = Region.objects.filter(level=Level.VILLAGE, boundary__isnull=False)
    else:
        queryset = Grid.objects.filter(boundary__isnull=False)
    stamp = queryset.aggregate(n=Count("id"), latest=Max("updated_at"))
    key = (stamp["n"], stamp["latest"])
    cached = _cache.get(kind)
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = _cache.get(kind)
        if cached is None or cached.key != key:
            cached = _build(list(queryset.values_list("id", "boundary")), key)
            _cache[kind] = cached
    return cached


def _hit(index: _Index, point: Point) -> int | None:
    if index.tree is None:
        return None
    for position in index.tree.query(point):
        if index.prepared[int(position)].covers(point):
            return index.ids[int(position)]
    return None


def locate(lat: float, lng: float) -> tuple[Region | None, Grid | None]:
    """The village and the grid whose boundaries hold (lat, lng) in WGS84; None where none does."""
    point = Point(lng, lat)
    village_id = _hit(_index("village"), point)
    grid_id = _hit(_index("grid"), point)
    grid = Grid.objects.filter(pk=grid_id).select_related("village").first() if grid_id else None
    if grid is not None and grid.village_id == village_id:
        village = grid.village  # the usual case: one query for both
    else:
        village = Region.objects.filter(pk=village_id).first() if village_id else None
    if grid is not None and village is not None and grid.village_id != village.pk:
        grid = None  # boundaries that disagree: trust the village, leave the grid to the person
    if grid is not None and village is None:
        village = grid.village
    return village, grid
