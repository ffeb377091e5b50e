"""The registry of big-screen figures (数字大屏): every app declares what it counts and shows in its own ``figures.py``.

An app's ``figures.py`` calls :func:`register` at import time; ``DashboardConfig.ready`` imports every app's
``figures`` module, so a new module (devices, party building, industry …) adds its figures and panels to every
screen and to the overview API without touching the dashboard. The registry lives in ``core`` because feature apps
must not import the dashboard; the dashboard reads it (docs/dashboard.md, "Figures declared by the apps").

Four kinds of declaration:

- :class:`Counter` — a contribution to each village's snapshot (``dashboard.RegionSnapshot``): raw counters of many
  villages computed at once (a few GROUP BY queries), stored under the counter's key, added up to the region shown.
- :class:`Block` — one top-level block of the overview (``"population"``, ``"incidents"`` …): built from the region's
  summed counters and/or live queries; may add figures to each child region's row of the map.
- :class:`Panel` — one framed panel of the screen: title, place on the wall, number tiles and charts, each chart a
  ``kind`` (bars, pie, pyramid, line, gauge, feed) drawn from a dotted path into the overview.
- :class:`KeyFigure` — one big number on the strip above the map.

Privacy is the dashboard's job, not the apps': a builder never suppresses anything itself. It wraps every count of
persons or households in :class:`Cell` (with a ``partition`` name when the cells add up to a total shown beside
them), a mean of households' figures in :class:`Mean`, a person's name in :class:`Surname`; the dashboard applies
the rules of docs/dashboard.md (``dashboard.privacy.resolve``) after every block is built, so a partition can
span blocks and rows. Plain numbers are events (incidents, patrols, devices) and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from xiangcun.core.registry import discover

if TYPE_CHECKING:
    from xiangcun.regions.models import Region

Label = str | Promise


# --- what a builder returns for the dashboard to make private ---------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """A count of persons or households: 1–4 are shown as "<5". Cells sharing a ``partition`` add up to a total shown
    beside them; when only one of them would be hidden, the next smallest is hidden too (secondary suppression)."""

    count: int
    partition: str | None = None


@dataclass(frozen=True)
class Mean:
    """A mean over ``count`` households (or persons): shown only when ``count`` itself could be shown (≥ 5)."""

    total: float
    count: int
    digits: int = 2


@dataclass(frozen=True)
class Surname:
    """A person's name on a screen: the first character and one star (张*)."""

    name: str | None


# --- declarations -----------------------------------------------------------------------------------------------

CountFunction = Callable[[list[int], date], dict[int, dict]]


@dataclass(frozen=True)
class Counter:
    """Raw counters of villages, stored in each village's snapshot under ``key`` (one key per app is enough).

    ``count(village_ids, as_of)`` returns ``{village id: counters}`` for a batch of villages (at most 500) in a
    number of queries that does not grow with the villages or the rows; counters are JSON made of dicts, lists and
    numbers, which the dashboard adds up key by key (lists element by element) for a township or the county.
    ``empty()`` is the counters of a village with nothing in it (what an area without villages adds up to).
    Counts must be raw: small cells included, never suppressed (suppression comes after adding up).
    """

    key: str
    count: CountFunction
    empty: Callable[[], dict] = dict


@dataclass
class Area:
    """What a block's builder sees: a region, its subtree, the summed counters of its villages and, for the map
    rows, the areas of its child regions. Limited to the region's subtree; the caller checked the scope."""

    region: Region
    region_ids: list[int]
    village_ids: list[int]
    counters: dict[str, dict]
    now: datetime
    children: list[Area] = field(default_factory=list)
    _memo: dict = field(default_factory=dict, repr=False)

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per overview: blocks (and the children's rows) share a query by name."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def counted(self, key: str) -> dict:
        """The summed counters of the Counter ``key`` (its ``empty()`` when the area has no village)."""
        return self.counters.get(key) or {}


@dataclass(frozen=True)
class Block:
    """One top-level block of the overview (``overview[key]``).

    - ``build(area) -> dict``: the block, JSON-ready apart from :class:`Cell`, :class:`Mean` and :class:`Surname`.
    - ``children(area) -> list[dict]``: optional; one dict per ``area.children`` whose figures are added to that
      child's row (``region.children``: the map colours and labels the parts with them).
    - ``permission``: ``app.codename`` a reader needs in the region to receive the block (and its panels).
    """

    key: str
    build: Callable[[Area], dict]
    permission: str
    children: Callable[[Area], list[dict]] | None = None
    order: int = 100


CHART_KINDS = ("bars", "hbars", "pie", "pyramid", "line", "gauge", "feed")
PLACES = ("left", "centre", "right")


@dataclass(frozen=True)
class Tile:
    """A big number inside a panel: the figure at the dotted path ``figure`` ("<5" when suppressed)."""

    figure: str
    label: Label
    warn: bool = False
    testid: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart of a panel, drawn by the screen's script according to ``kind``.

    ``figure`` is a dotted path into the overview: a list of ``{"key", "label", "count"}`` for ``bars``, ``hbars``
    (horizontal) and ``pie``; ``{"bands", "male", "female"}`` for ``pyramid``; a list of ``{"year", "mean"}`` for
    ``line``; a fraction (0–1, or null) for ``gauge``; a list of feed items for ``feed``. ``options`` (all optional):
    ``color``; ``line`` (the path of a value drawn as a dashed mark line: on the value axis of ``line``, inside
    its band on ``bars`` of income bands); ``rotate`` and ``font`` for the labels; ``empty`` (text of a ``gauge``
    with no value).
    """

    key: str
    kind: str
    figure: str
    label: Label = ""
    options: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart {self.key!r}: unknown kind {self.kind!r} (one of {', '.join(CHART_KINDS)})")


@dataclass(frozen=True)
class Panel:
    """A framed panel of the screen.

    ``place`` is its column on the wall (``left``, ``centre`` under the map, ``right``), ``order`` its rank there;
    ``height`` its height in pixels on the 1920×1080 wall (``None``: it takes what the column has left). On a phone
    the panels are stacked in one column. ``subtitle`` and ``note`` are dotted paths of short texts shown beside the
    title and under the charts (e.g. the period a rate covers).
    """

    key: str
    title: Label
    permission: str
    place: str = "right"
    order: int = 100
    height: int | None = None
    tiles: tuple[Tile, ...] = ()
    charts: tuple[Chart, ...] = ()
    subtitle: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"panel {self.key!r}: unknown place {self.place!r} (one of {', '.join(PLACES)})")


@dataclass(frozen=True)
class KeyFigure:
    """A big number on the strip above the map (open incidents, households below the line …)."""

    key: str
    figure: str
    label: Label
    permission: str
    order: int = 100
    warn: bool = False


# --- the registry -------------------------------------------------------------------------------------------------

_REGISTRY: dict[type, dict[str, Any]] = {Counter: {}, Block: {}, Panel: {}, KeyFigure: {}}
RESERVED_KEYS = frozenset({"region", "computed_at", "generated_at", "suppressed_below"})  # the dashboard's own


def register(*items: Counter | Block | Panel | KeyFigure) -> None:
    """Add declarations; a second one of the same kind and key is a programming error."""
    for item in items:
        registry = _REGISTRY.get(type(item))
        if registry is None:
            raise TypeError(f"not a figure declaration: {item!r}")
        if isinstance(item, Block) and item.key in RESERVED_KEYS:
            raise ValueError(f"overview block {item.key!r}: the key is the dashboard's own")
        if item.key in registry and registry[item.key] is not item:
            raise ValueError(f"{type(item).__name__} {item.key!r} is registered twice")
        registry[item.key] = item


def _ordered(registry: dict) -> list:
    discover("figures")  # every app's figures.py, imported the first time figures are read
    return sorted(registry.values(), key=lambda item: (getattr(item, "order", 0), item.key))


def counters() -> list[Counter]:
    return _ordered(_REGISTRY[Counter])


def blocks() -> list[Block]:
    return _ordered(_REGISTRY[Block])


def panels() -> list[Panel]:
    return _ordered(_REGISTRY[Panel])


def key_figures() -> list[KeyFigure]:
    return _ordered(_REGISTRY[KeyFigure])
