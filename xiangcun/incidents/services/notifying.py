"""Who is told what about an incident: dispatchers of its holder, its handlers, supervisors, the reporter.

People are found through their role assignments at exactly the holding region (a village's incident
notifies the village's dispatchers, not every county officer above them).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from xiangcun.core.notify import Message, notify
from xiangcun.incidents.choices import AssigneeKind


def _holders_of(permission_codename: str, region_codes) -> list:
    User = get_user_model()
    return list(User.objects.filter(
        is_active=True,
        role_assignments__region__code__in=list(region_codes),
        role_assignments__role__group__permissions__codename=permission_codename,
        role_assignments__role__group__permissions__content_type__app_label="incidents",
    ).distinct())


def dispatchers_of(incident) -> list:
    """The people who accept, dispatch and close at the incident's holding level."""
    return _holders_of("dispatch_incident", [incident.holder_code])


def supervisors_above(incident) -> list:
    """The people of the level above the holder who may supervise (督办)."""
    holder = incident.holder_code
    parents = [code for code in (holder[:9], holder[:6]) if len(code) < len(holder)]
    return _holders_of("supervise_incident", parents[:1])


def handlers_of(incident) -> list:
    """The people the incident is dispatched to."""
    kind = incident.assignee_kind
    if kind == AssigneeKind.USER:
        return [incident.assigned_user] if incident.assigned_user_id else []
    if kind == AssigneeKind.DEPARTMENT and incident.assigned_department_id:
        return list(incident.assigned_department.members.filter(is_active=True))
    if kind == AssigneeKind.GRID and incident.grid_id:
        return list(incident.grid.workers.filter(is_active=True))
    if kind in (AssigneeKind.VILLAGE, AssigneeKind.TOWNSHIP) and incident.assigned_region_id:
        return _holders_of("handle_incident", [incident.assigned_region.code])
    return []


def _message(incident, kind: str, title: str, body: str = "", url: str | None = None) -> Message:
    return Message(kind=kind, title=title, body=body or incident.description[:140],
                   url=incident.get_absolute_url() if url is None else url,
                   data={"incident": incident.code, "state": incident.state})


def notify_dispatchers(incident, *, kind: str, title: str, body: str = "", recipients=None) -> None:
    """``recipients``: ``dispatchers_of(incident)`` when the caller read them already (outside its write lock)."""
    notify(dispatchers_of(incident) if recipients is None else recipients, _message(incident, kind, title, body))


def notify_handlers(incident, *, kind: str, title: str, body: str = "") -> None:
    notify(handlers_of(incident), _message(incident, kind, title, body))


def notify_supervisors(incident, *, kind: str, title: str, body: str = "") -> None:
    notify(supervisors_above(incident), _message(incident, kind, title, body))


def notify_reporter(incident, *, kind: str, title: str, body: str = "") -> None:
    """The reporter (their account, or the phone they left) and the reporters of duplicates merged into it."""
    from django.urls import reverse

    url = reverse("incidents_mobile:mine-detail", args=[incident.code])
    users, phones = [], []
    for row in [incident, *incident.merged.select_related("reporter")]:
        if row.reporter_id:
            users.append(row.reporter)
        elif row.reporter_phone:
            phones.append(row.reporter_phone)
    notify(users, _message(incident, kind, title, body, url=url), phones=phones)
