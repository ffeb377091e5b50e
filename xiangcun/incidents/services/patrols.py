"""巡查: a grid worker's round through a grid — start, the track as the phone records it, end, findings.

A worker has at most one open patrol; only they add points to it, end it or report from it. The distance
is measured from the track (sum of the legs between points), so it is whatever the phone really walked.
A finding is an ordinary report of source 巡查, linked to the patrol.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.core.errors import CoreErrorCode, OutOfScope, ServiceError
from xiangcun.core.geo import distance_m, valid_lat_lng
from xiangcun.core.scoping import user_scope
from xiangcun.core.services import Actor, require_permission, save_checked
from xiangcun.incidents import choices
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.models import Patrol
from xiangcun.incidents.services.reporting import ReportInput, ReportResult, incident_report
from xiangcun.incidents.workflow import HANDLE

MAX_POINTS_PER_CALL = 500
MAX_TRACK_POINTS = 20_000
MAX_ACCURACY_M = 100  # a fix less precise than this says more about the phone than about the walk
MAX_NOTE = 500


def track_distance(track: list) -> int:
    """Metres along the track, leg by leg ([lng, lat] points)."""
    total = 0.0
    for (lng1, lat1, *_rest1), (lng2, lat2, *_rest2) in pairwise(track):
        total += distance_m(lat1, lng1, lat2, lng2)
    return round(total)


def open_patrol_of(worker) -> Patrol | None:
    """The worker's patrol that has not ended, if any."""
    return Patrol.objects.filter(worker=worker, ended_at__isnull=True).select_related("grid").first()


def _own_patrol(actor: Actor, patrol: Patrol, *, must_be_open: bool = True) -> Patrol:
    """The patrol again from the database, locked for the write; another worker's patrol is not found."""
    current = Patrol.objects.select_for_update().filter(pk=patrol.pk, worker_id=getattr(actor, "pk", None)).first()
    if current is None:
        raise OutOfScope(_("The patrol is not found."))
    if must_be_open and current.ended_at is not None:
        raise ServiceError(_("This patrol has already ended."), code=ErrorCode.PATROL_ENDED, status=409)
    return current


@transaction.atomic
def patrol_start(*, actor: Actor, grid) -> Patrol:
    """Start a patrol of one of the actor's grids (a worker of the grid, or a handler of its village)."""
    require_permission(actor, Patrol, "add")
    if grid is None:
        raise ServiceError(_("Choose the grid you patrol."), code=ErrorCode.REQUIRED, field="grid")
    is_worker = grid.workers.filter(pk=actor.pk).exists()
    if not (is_worker or user_scope(actor, HANDLE).covers_code(grid.village.code)):
        raise OutOfScope(_("The grid is not found or lies outside your jurisdiction."))
    if Patrol.objects.filter(worker=actor, ended_at__isnull=True).exists():
        raise ServiceError(_("You are already on a patrol; end it before starting another."),
                           code=ErrorCode.PATROL_OPEN,
                           status=409)
    patrol = Patrol(region=grid.village, worker=actor, grid=grid, started_at=timezone.now())
    return save_checked(patrol, actor=actor, action="view")


def _clean_points(points: Iterable) -> list[list[float]]:
    cleaned = []
    for point in points:
        try:
            lng, lat = float(point[0]), float(point[1])
            accuracy = float(point[2]) if len(point) > 2 and point[2] is not None else None
        except (TypeError, ValueError, IndexError, KeyError):
            raise ServiceError(_("A point of the track is not a pair of numbers (longitude, latitude)."),
                               code=ErrorCode.INVALID_POINT, field="points") from None
        if not valid_lat_lng(lat, lng) or lat != lat or lng != lng:
            raise ServiceError(_("A point of the track is not a valid longitude and latitude."),
                               code=ErrorCode.INVALID_POINT, field="points")
        if accuracy is not None and accuracy > MAX_ACCURACY_M:
            continue
        cleaned.append([round(lng, 7), round(lat, 7)])
    return cleaned


@transaction.atomic
def patrol_add_points(*, actor: Actor, patrol: Patrol, points: Iterable) -> Patrol:
    """Append points ([lng, lat] or [lng, lat, accuracy in m]) to the actor's open patrol; imprecise fixes
    are dropped. Returns the patrol with its new track and distance."""
    points = list(points)
    if len(points) > MAX_POINTS_PER_CALL:
        raise ServiceError(_("Send at most %(count)d points at a time.") % {"count": MAX_POINTS_PER_CALL},
                           code=ErrorCode.TOO_MANY_POINTS, field="points")
    cleaned = _clean_points(points)
    current = _own_patrol(actor, patrol)
    if len(current.track) + len(cleaned) > MAX_TRACK_POINTS:
        raise ServiceError(_("The track is full; end this patrol and start a new one."), code=ErrorCode.TRACK_FULL,
                           field="points")
    track = list(current.track) + cleaned
    distance = track_distance(track)
    Patrol.objects.filter(pk=current.pk).update(track=track, distance_m=distance, updated_at=timezone.now())
    patrol.track, patrol.distance_m = track, distance
    return patrol


@transaction.atomic
def patrol_end(*, actor: Actor, patrol: Patrol, note: str = "", points: Iterable = ()) -> Patrol:
    """End the actor's patrol; the distance is measured from the whole track.

    ``points`` are the last positions the phone had not sent yet: they come with the end, in the same request and
    transaction, so a patrol ended on a weak network keeps its track instead of ending at 0 km.
    """
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ServiceError(_("The note is longer than %(count)d characters.") % {"count": MAX_NOTE},
                           code=CoreErrorCode.INVALID, field="note")
    points = list(points)
    if points:
        patrol_add_points(actor=actor, patrol=patrol, points=points)
    current = _own_patrol(actor, patrol)
    now = timezone.now()
    distance = track_distance(current.track)
    Patrol.objects.filter(pk=current.pk).update(ended_at=now, note=note, distance_m=distance, updated_at=now)
    patrol.track, patrol.ended_at, patrol.note, patrol.distance_m = current.track, now, note, distance
    return patrol


def distance_text(metres: int) -> str:
    """A patrol's distance as people read it: metres below one kilometre (48 米), else kilometres (1.2 公里)."""
    if metres < 1000:
        return _("%(metres)d m") % {"metres": metres}
    return _("%(km).1f km") % {"km": metres / 1000}


def patrol_report_finding(*, actor: Actor, patrol: Patrol, data: ReportInput) -> ReportResult:
    """Report what the worker found on the patrol (source 巡查); the incident is linked to the patrol.

    Idempotent on the client key like every report: a finding sent twice is linked once.
    """
    with transaction.atomic():
        _own_patrol(actor, patrol)
    data.source = choices.Source.PATROL
    if data.region is None and data.grid is None and data.lat is None and patrol.grid_id is not None:
        data.grid = patrol.grid  # no position and no village chosen: where the patrol is
    result = incident_report(actor=actor, data=data)
    with transaction.atomic():
        patrol.incidents.add(result.incident)
    return result
