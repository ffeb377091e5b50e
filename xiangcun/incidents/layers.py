"""Map layer of the incident loop (乡村一张图): incidents by state, fetched again every 10 s while switched on.

Properties hold the state only; the summary gives category, state, time and place, never the reporter's name
or phone (docs/map.md).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangcun.core.layers import Layer, register
from xiangcun.core.mapping import Features, choice, feature, point, take, within_box
from xiangcun.incidents.choices import OPEN_STATES, State
from xiangcun.incidents.models import Incident

INCIDENT_CAP = 3000
SEARCH_LIMIT = 5
STATE_COLORS = {
    State.REPORTED: "#d63939", State.ACCEPTED: "#f76707", State.DISPATCHED: "#f59f00",
    State.IN_PROGRESS: "#4263eb", State.RESOLVED: "#17a2b8", State.CLOSED: "#2fb344", State.RATED: "#74b816",
    State.REJECTED: "#868e96", State.MERGED: "#adb5bd",
}
STATE_FILTERS = ("open", "all", *State.values)


def _state_choices() -> list[dict]:
    return [{"value": "open", "label": _("open incidents")}, {"value": "all", "label": _("all incidents")},
            *({"value": state.value, "label": state.label} for state in State)]


def incident_features(user, bbox, params) -> Features:
    wanted = choice(params, "state", STATE_FILTERS, "open")
    queryset = within_box(Incident.objects.restrict(user, "view"), bbox, "lat", "lng")
    if wanted == "open":
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif wanted != "all":
        queryset = queryset.filter(state=wanted)
    rows, capped = take(queryset.order_by("-created_at", "-id").values_list("code", "lng", "lat", "state", "overdue")
                        [:INCIDENT_CAP + 1], INCIDENT_CAP)
    features = Features(feature(code, point(lng, lat), {"s": state, **({"o": 1} if overdue else {})})
                        for code, lng, lat, state, overdue in rows)
    features.capped = capped
    return features


def incident_summary(user, ident: str) -> dict | None:
    incident = (Incident.objects.restrict(user, "view").filter(code=ident)
                .select_related("category", "region").first())
    if incident is None:
        return None
    rows = [[_("Category"), incident.category.name], [_("State"), incident.get_state_display()],
            [_("Reported"), date_format(timezone.localtime(incident.created_at), "SHORT_DATETIME_FORMAT")],
            [_("Village"), incident.region.display_name]]
    if incident.is_late:
        rows.append([_("Overdue"), _("yes")])
    center = [round(incident.lng, 6), round(incident.lat, 6)] if incident.lat is not None else None
    return {"title": incident.code, "kind": _("Incident"), "rows": rows, "url": incident.get_absolute_url(),
            "center": center}


def incident_search(user, query: str) -> list[dict]:
    """Incidents by tracking code (the whole code, or its end as read out over the phone)."""
    words = query.strip()
    if len(words) < 4:
        return []
    rows = (Incident.objects.restrict(user, "view").filter(Q(code__iexact=words) | Q(code__iendswith=words))
            .select_related("category", "region").order_by("-created_at")[:SEARCH_LIMIT])
    return [{"layer": "incidents", "id": i.code, "label": i.code,
             "detail": f"{i.category.name} · {i.get_state_display()} · {i.region.display_name}",
             "center": [round(i.lng, 6), round(i.lat, 6)] if i.lat is not None else None, "bbox": None}
            for i in rows]


register(Layer(
    key="incidents", title=gettext_lazy("Incidents (updating live)"), kind="circle",
    permission="incidents.view_incident", features=incident_features, group=gettext_lazy("Incidents"),
    order=70, default_on=True, refresh_seconds=10,
    paint={"circle-radius": ["case", ["has", "o"], 8, 6],
           "circle-stroke-color": ["case", ["has", "o"], "#1d273b", "#fff"],
           "circle-stroke-width": ["case", ["has", "o"], 3, 1.5],
           "circle-color": ["match", ["get", "s"], *[v for state in State for v in (state.value, STATE_COLORS[state])],
                            "#868e96"]},
    legend=[{"label": state.label, "color": STATE_COLORS[state]} for state in State],
    options=[{"param": "state", "label": gettext_lazy("Show"), "choices": _state_choices}],
    summary=incident_summary, search=incident_search,
))
