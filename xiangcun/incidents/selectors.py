"""Reads of the incident loop that are more than a filter: statistics, the people and offices to dispatch to.

Every function takes a queryset already restricted to the reader (``Incident.objects.restrict(user, "view")``)
or a user whose scope it applies; none of them loops over incident rows in Python.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Avg, Case, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from xiangcun.accounts.models import Department, User
from xiangcun.core.scoping import prefix_q, user_scope
from xiangcun.incidents import choices
from xiangcun.incidents.choices import HoldingLevel, State
from xiangcun.incidents.models import Category, Incident
from xiangcun.incidents.workflow import DISPATCH, HANDLE

CLOSED_STATES = (State.CLOSED, State.RATED)
# Mean time of each stage: (key, the column where it starts, the column where it ends)
STAGES = (
    ("report_accept", "created_at", "accepted_at"),
    ("accept_dispatch", "accepted_at", "dispatched_at"),
    ("dispatch_resolve", "dispatched_at", "resolved_at"),
    ("resolve_close", "resolved_at", "closed_at"),
)
TREND_DAYS = 30


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hours(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 1)
    return round(float(value) / 3_600_000_000, 1)  # microseconds, as some backends return an average duration


def _counted(rows, key: str, labels: dict) -> list[dict]:
    return [{"key": row[key], "label": str(labels.get(row[key], row[key])), "count": row["count"]} for row in rows]


def top_category_expression():
    """The top-level category of an incident's category (the tree is at most three levels deep)."""
    return Case(
        When(category__parent__isnull=True, then=F("category_id")),
        When(category__parent__parent__isnull=True, then=F("category__parent_id")),
        default=F("category__parent__parent_id"), output_field=IntegerField())


def incident_statistics(queryset) -> dict:
    """Figures of the incident loop over ``queryset`` (already restricted to the reader).

    Plain JSON values: counts are ints, rates are fractions in [0, 1] or None when nothing counts yet, mean
    times are hours or None; the breakdowns are lists of ``{"key", "label", "count"}``.
    """
    queryset = queryset.order_by()
    now = timezone.now()
    closed = Q(state__in=CLOSED_STATES)
    late = Q(overdue=True) | Q(state__in=choices.OPEN_STATES, stage_deadline__lt=now)
    durations = {
        f"n_mean_{key}": Avg(ExpressionWrapper(F(end) - F(start), output_field=DurationField()),
                           filter=Q(**{f"{start}__isnull": False, f"{end}__isnull": False}))
        for key, start, end in STAGES
    }
    totals = queryset.aggregate(
        n_received=Count("id"),
        n_open=Count("id", filter=Q(state__in=choices.OPEN_STATES)),
        n_overdue=Count("id", filter=late & Q(state__in=choices.OPEN_STATES)),
        n_closed=Count("id", filter=closed),
        n_closed_on_time=Count("id", filter=closed & Q(overdue_count=0, overdue=False)),
        n_closed_at_village=Count("id", filter=closed & Q(closed_level=HoldingLevel.VILLAGE)),
        n_rated=Count("id", filter=Q(rating__isnull=False)),
        n_rated_well=Count("id", filter=Q(rating__gte=4)),
        n_mean_rating=Avg("rating"),
        n_disputes=Count("id", filter=Q(category__is_dispute=True)),
        n_disputes_settled=Count("id", filter=Q(category__is_dispute=True) & (closed | Q(rating__isnull=False))),
        **durations,
    )
    by_state = {row["state"]: row["count"] for row in queryset.values("state").annotate(count=Count("id"))}
    categories = (queryset.annotate(top=top_category_expression()).values("top").annotate(count=Count("id"))
                  .order_by("-count", "top"))
    category_rows = list(categories)
    category_names = dict(Category.objects.filter(pk__in=[r["top"] for r in category_rows])
                          .values_list("pk", "name"))
    villages = list(queryset.values("region__code", "region__name").annotate(count=Count("id"))
                    .order_by("-count", "region__code"))
    sources = queryset.values("source").annotate(count=Count("id")).order_by("-count", "source")
    since = timezone.localdate(now) - timedelta(days=TREND_DAYS - 1)
    per_day = dict(queryset.filter(created_at__date__gte=since).annotate(day=TruncDate("created_at"))
                   .values("day").annotate(count=Count("id")).values_list("day", "count"))
    trend = []
    for offset in range(TREND_DAYS):
        day = since + timedelta(days=offset)
        trend.append({"key": day.isoformat(), "label": f"{day:%m-%d}", "count": per_day.get(day, 0)})

    return {
        "received": totals["n_received"],
        "open": totals["n_open"],
        "overdue": totals["n_overdue"],
        "closed": totals["n_closed"],
        "on_time_rate": _rate(totals["n_closed_on_time"], totals["n_closed"]),
        "village_closed_share": _rate(totals["n_closed_at_village"], totals["n_closed"]),
        "mean_hours": {key: _hours(totals[f"n_mean_{key}"]) for key, _start, _end in STAGES},
        "satisfaction": {
            "rated": totals["n_rated"],
            "mean_rating": round(totals["n_mean_rating"], 2) if totals["n_mean_rating"] is not None else None,
            "good_share": _rate(totals["n_rated_well"], totals["n_rated"]),
        },
        "disputes": {"received": totals["n_disputes"], "settled": totals["n_disputes_settled"],
                     "mediation_rate": _rate(totals["n_disputes_settled"], totals["n_disputes"])},
        "by_state": [{"key": state.value, "label": str(state.label), "count": by_state.get(state.value, 0)}
                     for state in State],
        "by_category": [{"key": row["top"], "label": category_names.get(row["top"], ""), "count": row["count"]}
                        for row in category_rows],
        "by_village": [{"key": row["region__code"], "label": row["region__name"], "count": row["count"]}
                       for row in villages],
        "by_source": _counted(sources, "source", dict(choices.Source.choices)),
        "by_day": trend,
    }


def state_counts(queryset) -> dict[str, int]:
    """Incidents per state in one GROUP BY (the console's tabs)."""
    return {row["state"]: row["count"] for row in queryset.order_by().values("state").annotate(count=Count("id"))}


# --- whom to dispatch to -----------------------------------------------------------------------------------

def _prefixes(code: str) -> list[str]:
    return [code[:length] for length in (2, 4, 6, 9, 12) if len(code) >= length]


def handlers_for_village(village) -> list[User]:
    """People who may handle an incident of ``village``: the handling permission at the village or above."""
    return list(User.objects.filter(
        is_active=True, role_assignments__region__code__in=_prefixes(village.code),
        role_assignments__role__group__permissions__codename="handle_incident",
        role_assignments__role__group__permissions__content_type__app_label="incidents",
    ).distinct().order_by("full_name", "username")[:300])


def handlers_in_scope(user) -> list[User]:
    """People holding the handling permission somewhere in the user's dispatch scope (bulk dispatch)."""
    scope = user_scope(user, DISPATCH)
    if scope.empty:
        return []
    handlers = User.objects.filter(
        is_active=True, role_assignments__role__group__permissions__codename=HANDLE.split(".")[1],
        role_assignments__role__group__permissions__content_type__app_label="incidents")
    if not scope.everything:
        where = Q(pk__in=[])
        for code in scope.codes:
            where |= prefix_q("role_assignments__region__code", code)
            where |= Q(role_assignments__region__code__in=_prefixes(code))
        handlers = handlers.filter(where)
    return list(handlers.distinct().order_by("full_name", "username")[:300])


def departments_for(user, *, active_only: bool = True):
    """The departments of the counties the user works in (to route to, or to read on the configuration page)."""
    departments = Department.objects.select_related("region").order_by("region__code", "code")
    if active_only:
        departments = departments.filter(active=True)
    if not user.is_authenticated:
        return departments.none()
    if user.is_superuser:
        return departments
    scope = user_scope(user, "incidents.view_incident")
    codes = set(scope.codes)
    if scope.own_rows or not codes:
        codes |= set(user.role_assignments.values_list("region__code", flat=True))
    counties = {code[:6] for code in codes if len(code) >= 6}
    return departments.filter(region__code__in=counties) if counties else departments.none()


def open_incidents_nearby(user, incident: Incident, *, radius_m: int = 1000, limit: int = 20) -> list[Incident]:
    """Open incidents of the same category the user sees, near the point (or in the same village): merge targets."""
    from xiangcun.core.geo import bounding_box

    candidates = (Incident.objects.restrict(user, "view").filter(category_id=incident.category_id,
                                                                  state__in=choices.OPEN_STATES)
                  .exclude(pk=incident.pk).select_related("region").order_by("-created_at"))
    if incident.lat is not None and incident.lng is not None:
        min_lat, max_lat, min_lng, max_lng = bounding_box(incident.lat, incident.lng, radius_m)
        candidates = candidates.filter(Q(lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng))
                                       | Q(region_id=incident.region_id))
    else:
        candidates = candidates.filter(region_id=incident.region_id)
    return list(candidates[:limit])
