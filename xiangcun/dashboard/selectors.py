"""The overview of a region (数字大屏, the overview API, the village profile and its PDF all read it).

``region_overview(region)`` returns the contract of docs/dashboard.md: JSON-ready, already suppressed. It does
not check who asks: the caller found ``region`` through ``Region.objects.restrict(user, "dashboard.view_screen")``
and everything here is limited to that region's subtree.

- Population, income and 防返贫 figures come from the villages' snapshots (``RegionSnapshot``, refreshed every
  10 minutes; a village without one is computed on the spot), added up, then suppressed.
- Incident and grid figures are live queries on indexed columns (events, not persons: never suppressed).
- The whole answer is cached for ``OVERVIEW_CACHE_SECONDS`` per region code (``cached_region_overview``).
"""

from __future__ import annotations

import time
from datetime import datetime
from datetime import time as day_start

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xiangcun.dashboard import aggregates
from xiangcun.dashboard.models import RegionSnapshot
from xiangcun.dashboard.privacy import SUPPRESSED_BELOW, suppress, suppress_partition, surname
from xiangcun.dashboard.services import overview_cache_key, snapshots_refresh
from xiangcun.households import choices as household_choices
from xiangcun.households.models import HouseholdTag
from xiangcun.incidents import choices as incident_choices
from xiangcun.incidents.models import Category, Incident, Patrol
from xiangcun.incidents.selectors import CLOSED_STATES
from xiangcun.monitoring import choices as monitoring_choices
from xiangcun.monitoring.workflow import OPEN_STATES as OPEN_CASE_STATES
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region

OVERVIEW_CACHE_SECONDS = getattr(settings, "XIANGCUN_DASHBOARD_CACHE_SECONDS", 15)
OVERVIEW_STALE_SECONDS = 60  # a stale copy may answer while one request recomputes it, at most this long
OVERVIEW_LOCK_SECONDS = 30
RECENT_INCIDENTS = 10
RECENT_WINDOW = 2000
TOP_GRIDS = 10


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
    totals = aggregates.sum_counters(data for data, _computed in snapshots.values())
    computed = [computed_at for _data, computed_at in snapshots.values()]
    lines = aggregates.monitoring_lines()

    region_ids = [pk for pk, _code, _level in subtree]
    incidents = Incident.objects.filter(region_id__in=region_ids).order_by()
    open_by_region = _open_incidents_by_region(incidents, now)
    month_rows = _month_rows(incidents, now)
    return {
        "region": _region_block(region, children, snapshots, villages, open_by_region),
        "computed_at": timezone.localtime(min(computed)).isoformat() if computed else None,
        "generated_at": timezone.localtime(now).isoformat(),
        "population": _population(totals),
        "income": _income(totals, region, lines),
        "monitoring": _monitoring(totals),
        "incidents": _incidents(incidents, month_rows, open_by_region),
        "grid": _grid(list(villages), month_rows, region_ids, now),
        "suppressed_below": SUPPRESSED_BELOW,
    }


def village_snapshots(villages: dict[int, str]) -> dict[int, tuple[dict, datetime]]:
    """village id -> (counters, computed_at); villages without a snapshot get one now."""
    rows = {row[0]: (row[1], row[2]) for row in
            RegionSnapshot.objects.filter(region_id__in=list(villages)).values_list("region_id", "data", "computed_at")}
    missing = [pk for pk in villages if pk not in rows]
    if missing:
        snapshots_refresh(villages=Region.objects.filter(pk__in=missing))
        rows.update({row[0]: (row[1], row[2]) for row in RegionSnapshot.objects.filter(region_id__in=missing)
                     .values_list("region_id", "data", "computed_at")})
    return rows


# --- blocks of the answer -------------------------------------------------------------------------------------

def _region_block(region: Region, children: list[Region], snapshots: dict, villages: dict[int, str],
                  open_by_region: dict[int, tuple[int, int]]) -> dict:
    return {
        "code": region.code,
        "name": region.display_name,
        "level": region.level,
        "level_label": str(Level(region.level).label),
        "ancestors": [{"code": ancestor.code, "name": ancestor.display_name} for ancestor in region.ancestors()],
        "children": _children([_child(child, snapshots, villages, open_by_region) for child in children]),
    }


def _children(rows: list[dict]) -> list[dict]:
    """The children's households and persons add up to the region's: suppressed as a partition."""
    for key in ("households", "persons"):
        for row, shown in zip(rows, suppress_partition([row[key] for row in rows]), strict=True):
            row[key] = shown
    return rows


def _child(child: Region, snapshots: dict, villages: dict[int, str], open_by_region: dict) -> dict:
    inside = [pk for pk, code in villages.items() if code.startswith(child.code)]
    households = sum(snapshots[pk][0].get("households", 0) for pk in inside if pk in snapshots)
    persons = sum(snapshots[pk][0].get("persons", 0) for pk in inside if pk in snapshots)
    return {"code": child.code, "name": child.display_name, "households": households, "persons": persons,
            "open_incidents": sum(counts[0] for pk, counts in open_by_region.items()
                                  if pk in villages and villages[pk].startswith(child.code)),
            "lat": child.centroid_lat, "lng": child.centroid_lng}


def _counted(keys_and_labels, counts: dict, *, partition: bool = False) -> list[dict]:
    """Rows of a breakdown; ``partition`` when the cells add up to a total shown beside them."""
    keys_and_labels = list(keys_and_labels)
    raw = [counts.get(key, 0) for key, _label in keys_and_labels]
    shown = suppress_partition(raw) if partition else [suppress(count) for count in raw]
    return [{"key": key, "label": str(label), "count": count}
            for (key, label), count in zip(keys_and_labels, shown, strict=True)]


def _population(totals: dict) -> dict:
    tags = list(HouseholdTag.objects.order_by("order", "code").values_list("code", "name"))
    male, female = totals["age"][household_choices.Sex.MALE], totals["age"][household_choices.Sex.FEMALE]
    bands, pyramid = len(male), suppress_partition([*male, *female])  # every person is in one cell of the pyramid
    return {
        "households": suppress(totals["households"]),
        "persons": suppress(totals["persons"]),
        "by_tag": _counted(tags, totals["by_tag"]),
        "by_ethnicity": _counted(household_choices.Ethnicity.choices, totals["by_ethnicity"], partition=True),
        "age_pyramid": {"bands": list(aggregates.AGE_BANDS), "male": pyramid[:bands], "female": pyramid[bands:]},
    }


def _income(totals: dict, region: Region, lines: dict) -> dict:
    years = sorted((int(year), figures) for year, figures in totals["income"].items() if figures["count"])
    trend = []
    for year, figures in years:
        households = suppress(figures["count"])
        mean = round(figures["sum"] / figures["count"], 2) if households else None
        trend.append({"year": year, "mean": mean, "households": households})
    if not years:
        return {"year": None, "monitoring_line": None, "per_capita_trend": [], "distribution": [],
                "below_line": None, "near_line": None}
    year, latest = years[-1]
    line = lines.get((region.code[:2], year))
    return {
        "year": year,
        "monitoring_line": float(line.amount) if line else None,
        "per_capita_trend": trend,
        "distribution": _counted(((key, aggregates.INCOME_BAND_LABELS[key]) for key, _lower in aggregates.INCOME_BANDS),
                                 latest["bands"], partition=True),  # adds up to the year's households
        "below_line": suppress(latest["below"]) if line else None,
        "near_line": suppress(latest["near"]) if line else None,
    }


def _monitoring(totals: dict) -> dict:
    cases = totals["cases"]
    open_states = [(state, label) for state, label in monitoring_choices.CaseState.choices if state in OPEN_CASE_STATES]
    shown = {row["key"]: row for row in [*_counted(open_states, cases, partition=True),  # add up to open_cases
                                         *_counted([(s, lb) for s, lb in monitoring_choices.CaseState.choices
                                                    if s not in OPEN_CASE_STATES], cases)]}
    return {"by_state": [shown[state] for state, _label in monitoring_choices.CaseState.choices],
            "open_cases": suppress(sum(cases.get(state, 0) for state in OPEN_CASE_STATES))}


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, day_start.min))


def _open_incidents_by_region(incidents, now: datetime) -> dict[int, tuple[int, int]]:
    """region id -> (open, overdue) incidents: one GROUP BY on the (region, state …) index."""
    late = Q(overdue=True) | Q(stage_deadline__lt=now)
    rows = (incidents.filter(state__in=incident_choices.OPEN_STATES).values("region_id")
            .annotate(n_open=Count("id"), n_late=Count("id", filter=late)))
    return {row["region_id"]: (row["n_open"], row["n_late"]) for row in rows}


def _month_rows(incidents, now: datetime) -> list[dict]:
    """This month's incidents grouped by (category, grid), with the day's and the closing counts: one
    scan of the month serves the totals, the categories and the grids."""
    today = timezone.localdate(now)
    closed = Q(state__in=CLOSED_STATES)
    return list(
        incidents.filter(created_at__gte=_local_midnight(today.replace(day=1))).values("category_id", "grid_id")
        .annotate(n=Count("id"), n_today=Count("id", filter=Q(created_at__gte=_local_midnight(today))),
                  n_closed=Count("id", filter=closed),
                  n_on_time=Count("id", filter=closed & Q(overdue_count=0, overdue=False)),
                  n_village=Count("id", filter=closed & Q(closed_level=incident_choices.HoldingLevel.VILLAGE))))


def _top_category(pk: int, tree: dict[int, tuple[int | None, str]]) -> int:
    """The top-level category above ``pk`` (the county's tree, read once: a few dozen rows)."""
    seen = {pk}
    while tree.get(pk, (None, ""))[0] is not None and tree[pk][0] not in seen:
        pk = tree[pk][0]
        seen.add(pk)
    return pk


def _summed(rows: list[dict], key: str) -> dict:
    totals: dict = {}
    for row in rows:
        if row[key] is not None:
            totals[row[key]] = totals.get(row[key], 0) + row["n"]
    return totals


def _incidents(incidents, month_rows: list[dict], open_by_region: dict) -> dict:
    month = {name: sum(row[name] for row in month_rows) for name in ("n", "n_today", "n_closed", "n_on_time",
                                                                       "n_village")}
    tree = {pk: (parent, name) for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")}
    by_top: dict[int, int] = {}
    for category, n in _summed(month_rows, "category_id").items():
        top = _top_category(category, tree)
        by_top[top] = by_top.get(top, 0) + n
    categories = sorted(by_top.items(), key=lambda item: (-item[1], item[0]))
    latest = latest_incident_ids(incidents)
    recent = Incident.objects.filter(pk__in=latest).select_related("category", "region").order_by("-id")
    return {
        "today": month["n_today"],
        "month": month["n"],
        "open": sum(counts[0] for counts in open_by_region.values()),
        "overdue": sum(counts[1] for counts in open_by_region.values()),
        "on_time_rate": _rate(month["n_on_time"], month["n_closed"]),
        "village_closed_share": _rate(month["n_village"], month["n_closed"]),
        "by_category": [{"key": top, "label": tree[top][1] if top in tree else "", "count": n}
                        for top, n in categories],
        "recent": [incident_feed_item(incident) for incident in recent],
    }


def latest_incident_ids(incidents, count: int = RECENT_INCIDENTS) -> list[int]:
    """The ids of the latest ``count`` incidents, by id (``created_at`` is set on insert: id order is report
    order). First among the last RECENT_WINDOW ids of the table (a short range on the primary key, whatever the
    size of the region), then, for a quiet region, among all of its incidents (the region index alone)."""
    newest = Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = list(incidents.filter(pk__gt=newest - RECENT_WINDOW).order_by("-id").values_list("id", flat=True)[:count])
    if len(ids) < count:
        ids = list(incidents.order_by("-id").values_list("id", flat=True)[:count])
    return ids


def _grid(village_ids: list[int], month_rows: list[dict], region_ids: list[int], now: datetime) -> dict:
    month_start = _local_midnight(timezone.localdate(now).replace(day=1))
    workers = (Grid.workers.through.objects.filter(grid__village_id__in=village_ids).values("user_id").distinct()
               .count())
    per_grid = _summed(month_rows, "grid_id")
    names = {pk: (code, name) for pk, code, name in Grid.objects.filter(village_id__in=village_ids)
             .values_list("pk", "code", "name")}
    top = sorted(((names[pk], n) for pk, n in per_grid.items() if pk in names), key=lambda item: (-item[1], item[0]))
    return {
        "grids": len(names),
        "workers": workers,
        "patrols_month": Patrol.objects.filter(region_id__in=region_ids, started_at__gte=month_start).count(),
        "reports_per_grid": [{"key": code, "label": name, "count": n} for (code, name), n in top[:TOP_GRIDS]],
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def incident_feed_item(incident: Incident) -> dict:
    """One incident as the screens show it: no description, no phone, the reporter's surname only — and not
    even that for an incident that is not public (a dispute, a personal matter)."""
    return {
        "id": incident.pk,
        "code": incident.code,
        "category": incident.category.name,
        "village": incident.region.display_name,
        "state": incident.state,
        "state_label": str(incident.get_state_display()),
        "created_at": timezone.localtime(incident.created_at).isoformat(),
        "reporter": surname(incident.reporter_name) if incident.is_public else "",
    }


def income_headline(income: dict) -> tuple[str, str]:
    """Label and value of the newest per-capita mean that may be shown, named with its own year."""
    row = next((row for row in reversed(income["per_capita_trend"]) if row["mean"] is not None), None)
    if row is None:
        return str(_("Per-capita income (yuan)")), "—"
    return str(_("Per-capita income %(year)s (yuan)") % {"year": row["year"]}), f"{row['mean']:,.0f}"
