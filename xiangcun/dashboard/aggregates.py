"""The villages' snapshots (村情快照) as the apps declare them (core.figures ``Counter``), and adding them up.

``village_counters(ids)`` asks every registered counter for the villages' raw counters, in batches of BATCH
villages, and returns, per village id, ``{"as_of": "YYYY-MM-DD", <counter key>: {...}, ...}`` — what
``dashboard.services.snapshots_refresh`` stores in ``RegionSnapshot.data``. A township or the county adds its
villages' counters up (``sum_counters``: numbers added key by key, lists element by element); only then are the
displayed cells suppressed (``dashboard.privacy``), never the village counters before adding them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import zip_longest

from xiangcun.core import figures

BATCH = 500  # villages per round of queries (keeps IN lists short on any backend)


def village_counters(village_ids: Iterable[int], *, as_of: date | None = None) -> dict[int, dict]:
    """The counters of each village in ``village_ids``, by counter key (villages without any row get the counter's
    empty counters)."""
    as_of = as_of or date.today()
    ids = list(village_ids)
    result = {village_id: {"as_of": as_of.isoformat()} for village_id in ids}
    for counter in figures.counters():
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            counted = counter.count(batch, as_of)
            for village_id in batch:
                result[village_id][counter.key] = counted.get(village_id) or counter.empty()
    return result


def is_complete(data: dict) -> bool:
    """Whether a stored snapshot holds every registered counter (a module added since, or a snapshot of an older
    format, is recomputed on the next read instead of showing zeros until the periodic refresh)."""
    return all(isinstance(data.get(counter.key), dict) for counter in figures.counters())


def add_up(total: dict, more: dict) -> dict:
    """Add ``more`` into ``total`` (in place; returns it): numbers added, dicts key by key, lists element by element;
    anything else (text) is left out."""
    for key, value in more.items():
        kind = type(value)
        if kind is int or kind is float:  # the common case first: a few hundred villages × a few hundred cells
            total[key] = total.get(key, 0) + value
        elif kind is dict:
            add_up(total.setdefault(key, {}), value)
        elif kind is list:
            total[key] = [a + b for a, b in zip_longest(total.get(key) or [], value, fillvalue=0)]
    return total


def sum_counters(many: Iterable[dict]) -> dict[str, dict]:
    """The counters of several villages added up, by counter key (each counter's empty counters when there are
    none)."""
    total = {counter.key: counter.empty() for counter in figures.counters()}
    for data in many:
        for key, counters in data.items():
            if key in total and isinstance(counters, dict):
                add_up(total[key], counters)
    return total
