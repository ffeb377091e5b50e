"""The layer registry of 乡村一张图: every app declares its map layers in its own ``layers.py``.

An app's ``layers.py`` calls :func:`register` at import time; the registry imports every app's
``layers`` module the first time it is read (``core.registry``), so a new module (devices, cameras,
homestays …) adds a layer without touching the map page. The map page lists the layers the user may
see, and one endpoint serves any layer as GeoJSON for the visible bounding box.

A layer's ``features`` function receives the user, the bounding box and the query parameters, and
returns GeoJSON features of rows **already restricted** to the user (``Model.objects.restrict(user,
"view")``); the registry itself never filters by region.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.functional import Promise

from xiangcun.core.registry import Registry


class BBox(NamedTuple):
    """A WGS84 bounding box: west, south, east, north (longitude, latitude)."""

    west: float
    south: float
    east: float
    north: float


FeaturesFunction = Callable[[Any, BBox | None, Any], list[dict]]


@dataclass(frozen=True)
class Layer:
    """One switchable layer of the map.

    - ``key``: the address part (``/map/layers/<key>.geojson``) and the MapLibre source id.
    - ``kind``: the MapLibre layer type drawn: ``fill``, ``fill-extrusion``, ``line`` or ``circle``.
    - ``permission``: ``app.codename`` the user needs to see the layer listed at all.
    - ``paint``: MapLibre paint properties; ``legend``: ``[{"label", "color"}]`` shown beside the switch.
    - ``options``: choices the page offers for this layer (``[{"param", "label", "choices": [{"value",
      "label"}]}]``, e.g. colour houses by safety rating or by tag); the chosen values reach ``features``
      as query parameters.
    - ``min_zoom``: below it the page does not ask for the layer (keeps a viewport's answer small).
    - ``refresh_seconds``: live layers are fetched again at this interval while switched on.
    """

    key: str
    title: str | Promise
    kind: str
    permission: str
    features: FeaturesFunction
    group: str | Promise = ""
    paint: dict = field(default_factory=dict)
    legend: list[dict] = field(default_factory=list)
    options: list[dict] = field(default_factory=list)
    min_zoom: float = 0
    default_on: bool = False
    refresh_seconds: int | None = None
    order: int = 100
    summary: Callable[[Any, str], dict | None] | None = None
    search: Callable[[Any, str], list[dict]] | None = None


layers: Registry[Layer] = Registry("layers")


def register(layer: Layer) -> Layer:
    """Add a layer; a second layer with the same key is a programming error."""
    return layers.register(layer)


def all_layers() -> list[Layer]:
    return layers.all()


def get_layer(key: str) -> Layer | None:
    return layers.get(key)


def layers_for(user) -> list[Layer]:
    """The layers this user may switch on (holds the layer's permission somewhere)."""
    return [layer for layer in all_layers() if user.has_perm(layer.permission)]
