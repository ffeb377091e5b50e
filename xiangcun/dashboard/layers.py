"""The layer registry of 乡村一张图: every app declares its map layers in its own ``layers.py``.

An app's ``layers.py`` calls :func:`register` at import time; the dashboard imports every app's
``layers`` module when Django starts (``DashboardConfig.ready``), so a new module (devices, cameras,
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


_LAYERS: dict[str, Layer] = {}


def register(layer: Layer) -> Layer:
    """Add a layer; a second layer with the same key is a programming error."""
    if layer.key in _LAYERS and _LAYERS[layer.key] is not layer:
        raise ValueError(f"map layer {layer.key!r} is registered twice")
    _LAYERS[layer.key] = layer
    return layer


def all_layers() -> list[Layer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.key))


def get_layer(key: str) -> Layer | None:
    return _LAYERS.get(key)


def layers_for(user) -> list[Layer]:
    """The layers this user may switch on (holds the layer's permission somewhere)."""
    return [layer for layer in all_layers() if user.has_perm(layer.permission)]
