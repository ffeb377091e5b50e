"""What the map layers share: the visible box, query parameters, compact GeoJSON, caps and lazy links.

A layer's ``features(user, bbox, params)`` (``core/layers.py``) builds its answer with these helpers. A
parameter a person (or a page) got wrong raises :class:`LayerParamError`, whose message the endpoint returns
with status 400. A layer that stopped at its cap returns a :class:`Features` list with ``capped`` set, and may
carry a ``legend`` that replaces the layer's static one (colours that depend on the chosen option).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from xiangcun.core.layers import BBox

DECIMALS = 6  # about 0.1 m: enough for a house's corner, and short

# Tabler's colour names (HouseholdTag.color) as the hex values MapLibre draws.
NAMED_COLORS = {
    "blue": "#206bc4", "azure": "#4299e1", "indigo": "#4263eb", "purple": "#ae3ec9", "pink": "#d6336c",
    "red": "#d63939", "orange": "#f76707", "yellow": "#f59f00", "lime": "#74b816", "green": "#2fb344",
    "teal": "#0ca678", "cyan": "#17a2b8", "gray": "#868e96", "dark": "#1d273b",
}
OTHER_COLOR = "#adb5bd"  # rows without the chosen tag


class LayerParamError(ValueError):
    """A query parameter of a layer request is wrong; ``str(error)`` says what, in the person's language."""


class Features(list):
    """The features of one answer, plus whether the cap cut it short and an optional legend for it."""

    capped: bool = False
    legend: list[dict] | None = None


def parse_bbox(raw: str | None) -> BBox | None:
    """``w,s,e,n`` in degrees (WGS84) -> BBox; None when absent; LayerParamError when malformed."""
    if raw is None or raw.strip() == "":
        return None
    parts = raw.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise LayerParamError(_("The visible area (bbox) must be four numbers: west,south,east,north."))
    west, south, east, north = numbers
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise LayerParamError(_("The visible area (bbox) is not a box: west must be less than east and south "
                                "less than north, within ±180 and ±90 degrees."))
    return BBox(west, south, east, north)


def require_bbox(bbox: BBox | None) -> BBox:
    """Heavy layers answer only for a visible area, never for a whole county at once."""
    if bbox is None:
        raise LayerParamError(_("This layer is served only for the visible area: add bbox=west,south,east,north."))
    return bbox


def bbox_filter(bbox: BBox | None, lat: str, lng: str, *, margin: float = 0.0) -> dict:
    """Keyword filters keeping points (``lat``/``lng`` columns) inside the box: ranges on an index."""
    if bbox is None:
        return {f"{lat}__isnull": False, f"{lng}__isnull": False}
    return {f"{lat}__gte": bbox.south - margin, f"{lat}__lte": bbox.north + margin,
            f"{lng}__gte": bbox.west - margin, f"{lng}__lte": bbox.east + margin}


def within_box(queryset, bbox: BBox | None, lat: str = "latitude", lng: str = "longitude", *,
               margin: float = 0.0):
    """Rows of a (restricted) queryset whose point lies in the box, found through the (lat, lng) index.

    Written as ``pk IN (rows in the box)`` rather than a plain filter: beside a scope on a joined region code,
    SQLite's planner (no statistics) starts from the scope, which for a county is every row, and joins its way
    down to the box (44 ms for the densest viewport of the 35k-household county); from the box's index it
    needs 1 ms. PostgreSQL picks the same plan from its statistics either way (docs/map.md, "Speed").
    """
    inside = queryset.model._base_manager.filter(**bbox_filter(bbox, lat, lng, margin=margin)).values("pk")
    return queryset.filter(pk__in=inside) if bbox is not None else queryset.filter(**bbox_filter(None, lat, lng))


def choice(params, name: str, allowed: Iterable[str], default: str) -> str:
    """The value of one option parameter, which must be one of ``allowed``."""
    value = params.get(name, "") or default
    if value not in set(allowed):
        raise LayerParamError(_("Unknown value %(value)r for %(name)s.") % {"value": value[:40], "name": name})
    return value


def geometry_bounds(geometry: dict) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a GeoJSON geometry, or None when it holds no coordinate."""
    west = south = math.inf
    east = north = -math.inf

    def walk(coordinates) -> None:
        nonlocal west, south, east, north
        if coordinates and isinstance(coordinates[0], (int, float)):
            west, east = min(west, coordinates[0]), max(east, coordinates[0])
            south, north = min(south, coordinates[1]), max(north, coordinates[1])
        else:
            for part in coordinates or ():
                walk(part)

    try:
        walk(geometry["coordinates"])
    except (KeyError, TypeError, IndexError):
        return None
    return (west, south, east, north) if west <= east else None


def overlaps(bounds: tuple[float, float, float, float] | None, bbox: BBox | None) -> bool:
    if bounds is None:
        return False
    if bbox is None:
        return True
    return bounds[0] <= bbox.east and bounds[2] >= bbox.west and bounds[1] <= bbox.north and bounds[3] >= bbox.south


def rounded(coordinates, decimals: int = DECIMALS):
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], decimals), round(coordinates[1], decimals)]
    return [rounded(part, decimals) for part in coordinates]


def point(lng: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lng, DECIMALS), round(lat, DECIMALS)]}


def feature(ident, geometry: dict, properties: dict) -> dict:
    """One GeoJSON feature; ``ident`` is what ``/map/layers/<key>/<ident>/`` takes for its summary."""
    return {"type": "Feature", "id": ident, "geometry": geometry, "properties": properties}


def take(rows: Iterable, cap: int) -> tuple[list, bool]:
    """At most ``cap`` rows of a queryset sliced at ``cap + 1``, and whether there were more."""
    rows = list(rows)
    return rows[:cap], len(rows) > cap


def url_or_none(name: str, *args) -> str | None:
    """A page's address, or None while the module providing it is not installed (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def tag_color(name: str) -> str:
    return NAMED_COLORS.get(name, name if name.startswith("#") else NAMED_COLORS["blue"])


def resolve_options(options: list[dict]) -> list[dict]:
    """A layer's options for the page; ``choices`` may be a callable (rows read when the page is drawn)."""
    resolved = []
    for option in options:
        choices = option.get("choices", [])
        resolved.append({**option, "choices": list(choices() if callable(choices) else choices)})
    return resolved
