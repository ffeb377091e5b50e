"""The incident loop on the big screens (core.figures): the ``incidents`` and ``grid`` blocks of the overview, the
open incidents of each child region (the map's colours), the panels and the key figures. docs/dashboard.md defines
every figure.

Incidents and patrols are events, not persons: their counts are shown as they are. They are live queries on
indexed columns (no snapshot). One scan of this month's incidents serves the month's totals, the categories and the
grids; one aggregate over the last 30 days the closing rates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as day_start

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.figures import Area, Block, Chart, KeyFigure, Panel, Surname, Tile, register
from xiangcun.incidents import choices
from xiangcun.incidents.models import Category, Incident, Patrol
from xiangcun.incidents.selectors import CLOSED_STATES
from xiangcun.regions.models import Grid

PERMISSION = "incidents.view_incident"
RATE_DAYS = 30  # the closing rates count the incidents reported in the last 30 days (today included)
RECENT_INCIDENTS = 10
RECENT_WINDOW = 2000
TOP_GRIDS = 10


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, day_start.min))


def rates_since(now: datetime) -> date:
    """The first day of the closing-rate period: the statistics page shows the same figure for "reported from"
    this day (``/incidents/stats/?created_after=…``)."""
    return timezone.localdate(now) - timedelta(days=RATE_DAYS - 1)


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
        "reporter": Surname(incident.reporter_name) if incident.is_public else "",
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


def _incidents(area: Area):
    return Incident.objects.filter(region_id__in=area.region_ids).order_by()


def open_by_region(area: Area) -> dict[int, tuple[int, int]]:
    """region id -> (open, overdue) incidents: one GROUP BY on the (region, state …) index."""
    def compute() -> dict[int, tuple[int, int]]:
        late = Q(overdue=True) | Q(stage_deadline__lt=area.now)
        rows = (_incidents(area).filter(state__in=choices.OPEN_STATES).values("region_id")
                .annotate(n_open=Count("id"), n_late=Count("id", filter=late)))
        return {row["region_id"]: (row["n_open"], row["n_late"]) for row in rows}

    return area.once("incidents:open", compute)


def month_rows(area: Area) -> list[dict]:
    """This month's incidents grouped by (category, grid), with the day's counts: one scan of the month serves the
    totals, the categories and the grids."""
    def compute() -> list[dict]:
        today = timezone.localdate(area.now)
        return list(
            _incidents(area).filter(created_at__gte=local_midnight(today.replace(day=1)))
            .values("category_id", "grid_id")
            .annotate(n=Count("id"), n_today=Count("id", filter=Q(created_at__gte=local_midnight(today)))))

    return area.once("incidents:month", compute)


def closing_counts(area: Area) -> dict[str, int]:
    """Of the incidents reported in the rate period: closed, closed never late, closed at village level (one
    aggregate, no rows to Python)."""
    closed = _incidents(area).filter(state__in=CLOSED_STATES, created_at__gte=local_midnight(rates_since(area.now)))
    return closed.aggregate(n_closed=Count("id"), n_on_time=Count("id", filter=Q(overdue_count=0, overdue=False)),
                            n_village=Count("id", filter=Q(closed_level=choices.HoldingLevel.VILLAGE)))


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


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def incidents(area: Area) -> dict:
    rows = month_rows(area)
    sums = {name: sum(row[name] for row in rows) for name in ("n", "n_today")}
    sums.update(closing_counts(area))
    tree = {pk: (parent, name) for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")}
    by_top: dict[int, int] = {}
    for category, n in _summed(rows, "category_id").items():
        top = _top_category(category, tree)
        by_top[top] = by_top.get(top, 0) + n
    categories = sorted(by_top.items(), key=lambda item: (-item[1], item[0]))
    recent = (Incident.objects.filter(pk__in=latest_incident_ids(_incidents(area)))
              .select_related("category", "region").order_by("-id"))
    counts = open_by_region(area).values()
    since = rates_since(area.now)
    period = {"days": RATE_DAYS, "since": f"{since:%m-%d}", "closed": sums["n_closed"]}
    label = (_("Reported in the last %(days)d days (since %(since)s): %(closed)d closed") if sums["n_closed"]
             else _("Reported in the last %(days)d days (since %(since)s): none closed"))
    return {
        "today": sums["n_today"],
        "month": sums["n"],
        "open": sum(n_open for n_open, _late in counts),
        "overdue": sum(n_late for _open, n_late in counts),
        "on_time_rate": _rate(sums["n_on_time"], sums["n_closed"]),
        "village_closed_share": _rate(sums["n_village"], sums["n_closed"]),
        "rates_period": {
            "days": RATE_DAYS, "since": since.isoformat(), "closed": sums["n_closed"],
            "label": str(label % period),
        },
        "by_category": [{"key": top, "label": tree[top][1] if top in tree else "", "count": n}
                        for top, n in categories],
        "recent": [incident_feed_item(incident) for incident in recent],
    }


def grid(area: Area) -> dict:
    month_start = local_midnight(timezone.localdate(area.now).replace(day=1))
    workers = (Grid.workers.through.objects.filter(grid__village_id__in=area.village_ids).values("user_id")
               .distinct().count())
    per_grid = _summed(month_rows(area), "grid_id")
    names = {pk: (code, name) for pk, code, name in Grid.objects.filter(village_id__in=area.village_ids)
             .values_list("pk", "code", "name")}
    top = sorted(((names[pk], n) for pk, n in per_grid.items() if pk in names), key=lambda item: (-item[1], item[0]))
    return {
        "grids": len(names),
        "workers": workers,
        "patrols_month": Patrol.objects.filter(region_id__in=area.region_ids, started_at__gte=month_start).count(),
        "reports_per_grid": [{"key": code, "label": name, "count": n} for (code, name), n in top[:TOP_GRIDS]],
    }


def child_open_incidents(area: Area) -> list[dict]:
    counts = open_by_region(area)
    return [{"open_incidents": sum(counts[pk][0] for pk in child.region_ids if pk in counts)}
            for child in area.children]


register(
    Block("incidents", incidents, PERMISSION, children=child_open_incidents, order=40),
    Block("grid", grid, PERMISSION, order=50),
    Panel("incidents", _("Incidents"), PERMISSION, place="right", order=10, height=280,
          tiles=(Tile("incidents.today", _("today"), testid="figure-today"),
                 Tile("incidents.month", _("this month"), testid="figure-month")),
          charts=(Chart("on_time", "gauge", "incidents.on_time_rate", _("On time"),
                        {"color": "#2bff88", "empty": _("No closed reports")}),
                  Chart("village_closed", "gauge", "incidents.village_closed_share",
                        _("Closed in the village"), {"empty": _("No closed reports")})),
          note="incidents.rates_period.label"),
    Panel("categories", _("This month by category"), PERMISSION, place="right", order=20, height=210,
          charts=(Chart("categories", "hbars", "incidents.by_category", _("incidents"),
                        {"color": "#ff8c42", "font": 12}),)),
    Panel("feed", _("Live reports"), PERMISSION, place="right", order=30,
          charts=(Chart("feed", "feed", "incidents.recent"),)),
    Panel("grid", _("Grid work"), PERMISSION, place="right", order=40, height=262,
          tiles=(Tile("grid.grids", _("grids")), Tile("grid.workers", _("grid workers")),
                 Tile("grid.patrols_month", _("patrols this month"))),
          charts=(Chart("grids", "hbars", "grid.reports_per_grid", _("reports"),
                        {"color": "#5ce1e6", "font": 11}),)),
    KeyFigure("open", "incidents.open", _("open incidents"), PERMISSION, order=20),
    KeyFigure("overdue", "incidents.overdue", _("overdue"), PERMISSION, order=30, warn=True),
)
