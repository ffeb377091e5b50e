"""The dashboard's only write: the villages' snapshots (``RegionSnapshot``), derived data rebuilt from the registry.

Called by the periodic task (``dashboard.tasks``), ``manage.py refresh_dashboard``, the end of ``seed_demo`` and,
lazily, by ``selectors.region_overview`` for a village that has no snapshot yet. docs/dashboard.md says when.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from xiangcun.dashboard.aggregates import village_counters
from xiangcun.dashboard.models import RegionSnapshot
from xiangcun.regions.choices import CODE_LENGTH, Level
from xiangcun.regions.models import Region

OVERVIEW_CACHE_PREFIX = "dashboard:overview:"


def overview_cache_key(code: str, language: str) -> str:
    """The labels of the overview (states, levels, ethnicities) are translated: one copy per language."""
    return f"{OVERVIEW_CACHE_PREFIX}{code}:{language}"


def overview_cache_forget(codes: Iterable[str]) -> None:
    """Drop the cached overviews of these regions and of every region above them, in every language."""
    keys = {overview_cache_key(code[:length], language) for code in codes for length in CODE_LENGTH.values()
            if length <= len(code) for language, _name in settings.LANGUAGES}
    if keys:
        cache.delete_many(sorted(keys))


@transaction.atomic
def snapshots_refresh(*, villages: Iterable[Region] | None = None) -> int:
    """Recompute the snapshots of ``villages`` (default: every village); returns how many were written.

    A village without any household still gets a snapshot (of zeros), so it is not recomputed on every read.
    The overviews cached for these villages and the regions above them are dropped.
    """
    queryset = Region.objects.filter(level=Level.VILLAGE)
    if villages is not None:
        queryset = queryset.filter(pk__in=[village.pk for village in villages])
    targets = dict(queryset.values_list("pk", "code"))
    if not targets:
        return 0
    now = timezone.now()
    counters = village_counters(targets, as_of=timezone.localdate(now))
    existing = {snapshot.region_id: snapshot for snapshot in RegionSnapshot.objects.filter(region_id__in=targets)}
    changed, created = [], []
    for region_id, data in counters.items():
        snapshot = existing.get(region_id)
        if snapshot is None:
            created.append(RegionSnapshot(region_id=region_id, data=data, computed_at=now))
        else:
            snapshot.data, snapshot.computed_at, snapshot.updated_at = data, now, now
            changed.append(snapshot)
    # Two processes may fill the same missing village at once (lazy refresh): the second insert is skipped.
    RegionSnapshot.objects.bulk_create(created, batch_size=200, ignore_conflicts=True)
    RegionSnapshot.objects.bulk_update(changed, ["data", "computed_at", "updated_at"], batch_size=200)
    codes = list(targets.values())
    transaction.on_commit(lambda: overview_cache_forget(codes))
    return len(created) + len(changed)
