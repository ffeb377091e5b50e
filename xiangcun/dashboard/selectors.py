"""The overview of a region (数字大屏, the overview API, the village profile and its PDF all read it).

``region_overview(region)`` returns the contract of docs/dashboard.md: JSON-ready, already suppressed. It does
not check who asks: the caller found ``region`` through ``Region.objects.restrict(user, "dashboard.view_screen")``
and everything here is limited to that region's subtree.

- The blocks of the answer are declared by the apps in their ``figures.py`` (``core.figures``: the households
  app's population, income and monitoring, the incidents app's incidents and grid …); this module builds the
  ``Area`` they read and applies the privacy rules to what they return (``dashboard.privacy.resolve``).
- Counters come from the villages' snapshots (``RegionSnapshot``, refreshed every 10 minutes; a village without a
  complete one is computed on the spot), added up, then suppressed. Incident and grid figures are live queries.
- The whole answer is cached for ``OVERVIEW_CACHE_SECONDS`` per region code (``cached_region_overview``);
  ``overview_for(user, region)`` leaves out the blocks whose permission the reader lacks in the region.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xiangcun.core import figures
from xiangcun.core.figures import Area
from xiangcun.core.scoping import user_scope
from xiangcun.dashboard import aggregates, privacy
from xiangcun.dashboard.models import RegionSnapshot
from xiangcun.dashboard.services import overview_cache_key, snapshots_refresh
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

OVERVIEW_CACHE_SECONDS = getattr(settings, "XIANGCUN_DASHBOARD_CACHE_SECONDS", 15)
OVERVIEW_STALE_SECONDS = 60  # a stale copy may answer while one request recomputes it, at most this long
OVERVIEW_LOCK_SECONDS = 30


def cached_region_overview(region: Region) -> dict:
    """``region_overview`` through Django's cache: one copy per region code and language, fresh for
    ``OVERVIEW_CACHE_SECONDS``.

    When a copy has just gone stale, one request recomputes it (it takes a short lock in the cache) while the
    others, and other screens of the same region, are answered with the stale copy for the few hundred
    milliseconds that takes — not a crowd of identical heavy queries at the same moment.
    """
    key = overview_cache_key(region.code, get_language() or settings.LANGUAGE_CODE)
    entry = cache.get(key)
    if entry is not None and entry["fresh_until"] > _clock():
        return entry["overview"]
    lock = f"{key}:computing"
    if entry is not None and not cache.add(lock, True, OVERVIEW_LOCK_SECONDS):
        return entry["overview"]
    try:
        overview = region_overview(region)
        cache.set(key, {"overview": overview, "fresh_until": _clock() + OVERVIEW_CACHE_SECONDS},
                  OVERVIEW_CACHE_SECONDS + OVERVIEW_STALE_SECONDS)
    finally:
        if entry is not None:
            cache.delete(lock)
    return overview


def _clock() -> float:
    return time.time()


def region_overview(region: Region) -> dict:
    """The figures of ``region`` and its subtree, suppressed and JSON-ready (see the module docstring)."""
    now = timezone.now()
    subtree = list(Region.objects.under(region.code).values_list("pk", "code", "level"))
    villages = {pk: code for pk, code, level in subtree if level == Level.VILLAGE}
    snapshots = village_snapshots(villages)
    children = list(Region.objects.filter(parent=region).exclude(level=Level.GROUP).order_by("code"))

    def area_of(place: Region, counters: dict | None = None, **extra) -> Area:
        inside = [pk for pk, code in villages.items() if code.startswith(place.code)]
        if counters is None:
            counters = aggregates.sum_counters(snapshots[pk][0] for pk in inside if pk in snapshots)
        return Area(region=place, region_ids=[pk for pk, code, _level in subtree if code.startswith(place.code)],
                    village_ids=inside, now=now, counters=counters, **extra)

    parts = [area_of(child) for child in children]
    # The region's counters are its children's added up, plus villages directly under it (none in the tree today):
    # each village's snapshot is added once, not twice.
    beside = [pk for pk, code in villages.items() if not any(code.startswith(child.code) for child in children)]
    area = area_of(region, children=parts, counters=aggregates.sum_counters(
        [*(part.counters for part in parts), *(snapshots[pk][0] for pk in beside if pk in snapshots)]))
    rows = [{"code": child.code, "name": child.display_name, "lat": child.centroid_lat, "lng": child.centroid_lng}
            for child in children]
    built = {}
    for block in figures.blocks():
        built[block.key] = block.build(area)
        if block.children is not None:
            for row, extra in zip(rows, block.children(area), strict=True):
                row.update(extra)
    computed = [computed_at for _data, computed_at in snapshots.values()]
    return privacy.resolve({
        "region": {
            "code": region.code, "name": region.display_name, "level": region.level,
            "level_label": str(Level(region.level).label),
            "ancestors": [{"code": ancestor.code, "name": ancestor.display_name} for ancestor in region.ancestors()],
            "children": rows,
        },
        "computed_at": timezone.localtime(min(computed)).isoformat() if computed else None,
        "generated_at": timezone.localtime(now).isoformat(),
        **built,
        "suppressed_below": privacy.SUPPRESSED_BELOW,
    })


def village_snapshots(villages: dict[int, str]) -> dict[int, tuple[dict, datetime]]:
    """village id -> (counters, computed_at); villages without a complete snapshot get one now."""
    rows = {row[0]: (row[1], row[2]) for row in
            RegionSnapshot.objects.filter(region_id__in=list(villages)).values_list("region_id", "data", "computed_at")}
    missing = [pk for pk in villages if pk not in rows or not aggregates.is_complete(rows[pk][0])]
    if missing:
        snapshots_refresh(villages=Region.objects.filter(pk__in=missing))
        rows.update({row[0]: (row[1], row[2]) for row in RegionSnapshot.objects.filter(region_id__in=missing)
                     .values_list("region_id", "data", "computed_at")})
    return rows


def permitted(user, region: Region, permission: str) -> bool:
    """Whether ``user`` holds ``permission`` in ``region`` (the one scope, DESIGN.md §1)."""
    return user_scope(user, permission).covers_code(region.code)


def overview_for(user, region: Region) -> dict:
    """The cached overview of ``region`` without the blocks whose permission ``user`` lacks there (the caller found
    ``region`` through ``screen_regions(user)``)."""
    overview = cached_region_overview(region)
    hidden = {block.key for block in figures.blocks() if not permitted(user, region, block.permission)}
    return {key: value for key, value in overview.items() if key not in hidden} if hidden else overview


def income_headline(income: dict) -> tuple[str, str]:
    """Label and value of the newest per-capita mean that may be shown, named with its own year."""
    row = next((row for row in reversed(income["per_capita_trend"]) if row["mean"] is not None), None)
    if row is None:
        return str(_("Per-capita income (yuan)")), "—"
    return str(_("Per-capita income %(year)s (yuan)") % {"year": row["year"]}), f"{row['mean']:,.0f}"
