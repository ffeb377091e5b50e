"""What a big screen may show of people (DESIGN.md §4): aggregates only, small cells suppressed, surnames only.

Suppression is applied to a figure as it is displayed — after the villages' counters were added up to the
township or the county — never to the village counters before adding them: five villages with 2 persons
each show 10, not "<5" five times over.

Where the cells of a breakdown add up to a total the screen also shows (the age pyramid and the ethnicities to
the persons, the income bands to the households with an income record, the child regions to the region), one
hidden cell alone could be recovered by subtraction; ``suppress_partition`` then hides the next smallest cell
too (secondary suppression), so a reader learns at most the sum of two or more hidden cells.

The apps never apply these rules themselves: their figures (core.figures) wrap a count of persons or households in
``Cell``, a mean in ``Mean`` and a name in ``Surname``, and ``resolve`` turns the whole overview into what may be
shown.
"""

from __future__ import annotations

from typing import Any

from xiangcun.core.figures import Cell, Mean, Surname

SUPPRESSED_BELOW = 5


def suppress(count: int | None) -> int | None:
    """A count of persons or households for display: 1–4 become ``None`` (shown as "<5"); 0 stays 0."""
    if count is None or 0 < count < SUPPRESSED_BELOW:
        return None
    return count


def surname(name: str | None) -> str:
    """The first character and one star (张三丰 -> 张*), for a name on a screen; nothing when there is no name."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else ""


def suppress_partition(counts: list[int]) -> list[int | None]:
    """Suppress cells that add up to a displayed total: small cells, and one more when only one was hidden."""
    shown: list[int | None] = [suppress(count) for count in counts]
    hidden = [index for index, value in enumerate(shown) if value is None and counts[index]]
    if len(hidden) == 1:
        candidates = [index for index, value in enumerate(shown) if value]
        if candidates:
            shown[min(candidates, key=lambda index: (counts[index], index))] = None
    return shown


def resolve(tree: Any) -> Any:
    """A copy of ``tree`` (JSON made of dicts and lists) with every ``Cell``, ``Mean`` and ``Surname`` replaced by
    what a screen may show: cells suppressed (the cells of one partition together, in the order they appear),
    means only over 5 or more, surnames only."""
    partitions: dict[str, list[int]] = {}
    _collect(tree, partitions)
    shown = {name: iter(suppress_partition(counts)) for name, counts in partitions.items()}
    return _replace(tree, shown)


def _collect(node: Any, partitions: dict[str, list[int]]) -> None:
    if isinstance(node, Cell):
        if node.partition is not None:
            partitions.setdefault(node.partition, []).append(node.count)
    elif isinstance(node, dict):
        for value in node.values():
            _collect(value, partitions)
    elif isinstance(node, list | tuple):
        for value in node:
            _collect(value, partitions)


def _replace(node: Any, shown: dict) -> Any:
    if isinstance(node, Cell):
        return suppress(node.count) if node.partition is None else next(shown[node.partition])
    if isinstance(node, Mean):
        return round(node.total / node.count, node.digits) if suppress(node.count) else None
    if isinstance(node, Surname):
        return surname(node.name)
    if isinstance(node, dict):
        return {key: _replace(value, shown) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_replace(value, shown) for value in node]
    return node
