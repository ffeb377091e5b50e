"""What a big screen may show of people (DESIGN.md §4): aggregates only, small cells suppressed, surnames only.

Suppression is applied to a figure as it is displayed — after the villages' counters were added up to the
township or the county — never to the village counters before adding them: five villages with 2 persons
each show 10, not "<5" five times over.

Where the cells of a breakdown add up to a total the screen also shows (the age pyramid and the ethnicities to
the persons, the income bands to the households with an income record, the child regions to the region), one
hidden cell alone could be recovered by subtraction; ``suppress_partition`` then hides the next smallest cell
too (secondary suppression), so a reader learns at most the sum of two or more hidden cells.
"""

from __future__ import annotations

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
