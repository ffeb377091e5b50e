"""Reporting an incident: one entry for every source (随手拍, 巡查, 12345, Open311, devices).

A report is idempotent on the client's key: a phone that sent a report without signal and sends it
again when the connection returns gets the incident it already created, never a second one. Photos
are decoded and stripped before the transaction opens (the work is CPU, not database), so a bad photo
refuses the report with a message and nothing is stored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.core.crypto import lookup_hash
from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.core.geo import bounding_box, distance_m, gcj02_to_wgs84, valid_lat_lng
from xiangcun.core.images import ImageRejected, ProcessedImage, process_image
from xiangcun.core.scoping import user_scope
from xiangcun.core.services import Actor, require_permission, verify_saved_in_scope
from xiangcun.core.validators import normalize_phone
from xiangcun.incidents import choices
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.models import Category, DailyCounter, Incident, IncidentEvent, IncidentPhoto
from xiangcun.incidents.services.deadlines import deadline_for
from xiangcun.incidents.services.notifying import dispatchers_of, notify_dispatchers
from xiangcun.regions.choices import Level
from xiangcun.regions.locating import locate

DUPLICATE_RADIUS_M = 100
DUPLICATE_WINDOW = timedelta(hours=24)
MAX_PHOTOS = 9
MAX_DESCRIPTION = 2000


@dataclass
class ReportInput:
    """A report as a form, the API, Open311 or a device alarm gives it."""

    category: Category
    description: str
    source: str = choices.Source.VILLAGER
    lat: float | None = None
    lng: float | None = None
    coordinate_system: str = "wgs84"  # "gcj02" for WeChat / Amap coordinates
    region: object | None = None      # the village, when chosen by hand (it wins over the point)
    grid: object | None = None
    address: str = ""
    priority: str | None = None       # None: the category's default
    is_public: bool | None = None     # None: the category's default
    reporter_name: str = ""
    reporter_phone: str = ""
    household: object | None = None
    client_key: str | None = None
    photos: Sequence = field(default_factory=tuple)


@dataclass
class ReportResult:
    incident: Incident
    created: bool
    possible_duplicate: Incident | None = None


# --- checks before anything is written -----------------------------------------------------------------

def _field_error(message: str, field_name: str, code: ErrorCode | CoreErrorCode = CoreErrorCode.INVALID
                 ) -> ServiceError:
    return ServiceError(message, code=code, field=field_name)


def process_photos(photos: Sequence) -> list[ProcessedImage]:
    """Decode every photo or refuse the lot, naming the file that is not a photo."""
    if len(photos) > MAX_PHOTOS:
        raise _field_error(_("At most %(count)d photos can be attached.") % {"count": MAX_PHOTOS}, "photos",
                           ErrorCode.TOO_MANY_PHOTOS)
    processed = []
    for upload in photos:
        try:
            processed.append(process_image(upload))
        except ImageRejected as exc:
            raise _field_error(str(exc), "photos", ErrorCode.PHOTO_REJECTED) from None
    return processed


def _point(data: ReportInput) -> tuple[float, float] | None:
    if data.lat is None and data.lng is None:
        return None
    try:
        lat, lng = float(data.lat), float(data.lng)
    except (TypeError, ValueError):
        raise _field_error(_("The location is not a pair of numbers (latitude, longitude)."), "location") from None
    if not valid_lat_lng(lat, lng) or math.isnan(lat):
        raise _field_error(_("The location is not a valid latitude and longitude."), "location")
    if data.coordinate_system == "gcj02":
        lat, lng = gcj02_to_wgs84(lat, lng)
    elif data.coordinate_system != "wgs84":
        raise _field_error(_("Unknown coordinate system %(name)s; use wgs84 or gcj02.")
                           % {"name": data.coordinate_system}, "location")
    return round(lat, 7), round(lng, 7)


def resolve_place(data: ReportInput, point: tuple[float, float] | None, *, default_region=None):
    """The village and grid of a report: chosen by hand, else found from the point, else the default."""
    region, grid = data.region, data.grid
    if region is not None and region.level != Level.VILLAGE:
        raise _field_error(_("Choose the village where it happened."), "region")
    if region is None and point is not None:
        found_village, found_grid = locate(*point)
        region = found_village
        grid = grid or found_grid
    if region is None and grid is not None:
        region = grid.village
    if region is None and default_region is not None and default_region.level == Level.VILLAGE:
        region = default_region
    if region is None:
        message = (_("The location lies in none of the county's villages; choose the village by hand.")
                   if point is not None else _("Give the location or choose the village where it happened."))
        raise _field_error(message, "region", ErrorCode.NO_VILLAGE)
    if grid is not None and grid.village_id != region.pk:
        if data.grid is not None:
            raise _field_error(_("The grid %(grid)s does not belong to %(village)s.")
                               % {"grid": grid.name, "village": region.name}, "grid")
        grid = None
    return region, grid


def _check_actor_may_report(actor: Actor, region, open311_key) -> None:
    if open311_key is not None:
        if not region.code.startswith(open311_key.region.code):
            raise _field_error(_("The location lies outside the region of this API key."), "region",
                               ErrorCode.OUTSIDE_KEY_REGION)
        return
    if actor is None:
        return  # the system (device alarms, tasks)
    require_permission(actor, Incident, "add")
    scope = user_scope(actor, "incidents.add_incident")
    # A villager reports wherever they see a problem (the report stays theirs); staff inside their regions.
    if not (scope.own_rows or scope.covers_code(region.code)):
        from xiangcun.core.errors import OutOfScope

        raise OutOfScope(_("The village is not found or lies outside your jurisdiction."))


# --- writing ---------------------------------------------------------------------------------------------

def next_tracking_code(now=None) -> str:
    """``ZQ-20261122-0007``: the county's prefix, the local date, the day's sequence number.

    One ``UPDATE … RETURNING`` (SQLite ≥ 3.35 and PostgreSQL) inside the report's transaction: the row lock
    (PostgreSQL) or the write lock (SQLite) makes two reports of the same second take different numbers.
    """
    day = timezone.localdate(now or timezone.now())
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "last" = "last" + 1 WHERE "day" = %s RETURNING "last"', [day])
        row = cursor.fetchone()
    if row is None:  # the day's first report
        DailyCounter.objects.get_or_create(day=day)
        return next_tracking_code(now)
    return f"{settings.INCIDENT_CODE_PREFIX}-{day:%Y%m%d}-{row[0]:04d}"


def find_possible_duplicate(incident: Incident) -> Incident | None:
    """The nearest open incident of the same category within 100 m reported in the last 24 hours.

    Only ids and coordinates are read, and only the newest 500 in the box: a spot reported a thousand times
    (a landslide everyone sees) must not make every further report slower.
    """
    if incident.lat is None or incident.lng is None:
        return None
    min_lat, max_lat, min_lng, max_lng = bounding_box(incident.lat, incident.lng, DUPLICATE_RADIUS_M)
    since = (incident.created_at or timezone.now()) - DUPLICATE_WINDOW
    candidates = (Incident.objects
                  .filter(category_id=incident.category_id, state__in=choices.OPEN_STATES, created_at__gte=since,
                          lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng))
                  .exclude(pk=incident.pk).order_by("-id").values_list("id", "lat", "lng")[:500])
    best, best_distance = None, DUPLICATE_RADIUS_M + 1.0
    for pk, lat, lng in candidates:
        distance = distance_m(incident.lat, incident.lng, lat, lng)
        if distance < best_distance:
            best, best_distance = pk, distance
    return Incident.objects.filter(pk=best).first() if best is not None else None


def _existing_for_key(actor: Actor, client_key: str, open311_key) -> Incident | None:
    existing = Incident.objects.filter(client_key=client_key).first()
    if existing is None:
        return None
    same_sender = (existing.reporter_id == getattr(actor, "pk", None)
                   and existing.open311_key_id == getattr(open311_key, "pk", None))
    if not same_sender:
        raise ServiceError(_("This client key was already used for another report; generate a new one."),
                           code=ErrorCode.CLIENT_KEY_TAKEN, status=409)
    return existing


# Sources where the signed-in person reports in their own name; for the others (a hotline call typed in by
# an operator, a camera, a device) the person at the keyboard records someone else's report.
OWN_NAME_SOURCES = (choices.Source.VILLAGER, choices.Source.PATROL, choices.Source.DEPUTY)


def _reporter_account(actor: Actor, source: str, open311_key):
    if open311_key is not None or actor is None or not actor.is_authenticated:
        return None
    if source in OWN_NAME_SOURCES or user_scope(actor, "incidents.add_incident").own_rows:
        return actor  # a villager's report is theirs whatever the client says its source is
    return None


def save_photos(incident: Incident, processed: Sequence[ProcessedImage], *, stage: str,
                actor: Actor) -> list[IncidentPhoto]:
    photos = []
    for item in processed:
        photo = IncidentPhoto(incident=incident, stage=stage, size=item.size,
                              uploaded_by=actor if getattr(actor, "pk", None) else None)
        photo.image.save(f"{incident.code}.jpg", item.image, save=False)
        photo.thumbnail.save(f"{incident.code}.jpg", item.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    return photos


def incident_report(*, actor: Actor, data: ReportInput, open311_key=None) -> ReportResult:
    """Create an incident (已上报) from any source, or return the one this client key already created."""
    client_key = (data.client_key or "").strip() or None
    if client_key is not None:
        if len(client_key) > 64:
            raise _field_error(_("The client key is longer than 64 characters."), "client_key")
        existing = _existing_for_key(actor, client_key, open311_key)
        if existing is not None:
            return ReportResult(existing, created=False)

    description = (data.description or "").strip()
    if not description:
        raise _field_error(_("Describe the problem in a few words."), "description", ErrorCode.REQUIRED)
    if len(description) > MAX_DESCRIPTION:
        raise _field_error(_("The description is longer than %(count)d characters.") % {"count": MAX_DESCRIPTION},
                           "description")
    if data.category is None or not data.category.active:
        raise _field_error(_("Choose a category."), "category", ErrorCode.REQUIRED)
    if data.source not in choices.Source.values:
        raise _field_error(_("Unknown source."), "source")
    phone = ""
    if data.reporter_phone:
        phone = normalize_phone(data.reporter_phone)
        if not phone.isdigit() or len(phone) not in (11, 12):
            raise _field_error(_("The phone number is not valid; give 11 digits (mobile) or an area code and number."),
                               "reporter_phone")
    point = _point(data)
    region, grid = resolve_place(data, point, default_region=getattr(open311_key, "region", None))
    _check_actor_may_report(actor, region, open311_key)
    if data.household is not None and data.household.region_id != region.pk:
        raise _field_error(_("The household does not live in %(village)s.") % {"village": region.name}, "household")
    processed = process_photos(data.photos)  # CPU work, before the write lock is taken

    reporter = _reporter_account(actor, data.source, open311_key)
    incident = Incident(
        source=data.source, category=data.category, description=description,
        priority=data.priority or data.category.default_priority,
        is_public=data.category.default_public if data.is_public is None else data.is_public,
        region=region, grid=grid, lat=point[0] if point else None, lng=point[1] if point else None,
        address=(data.address or "").strip()[:200], reporter=reporter,
        reporter_name=(data.reporter_name or "").strip()[:60] or (
            (reporter.full_name or reporter.username) if reporter else ""),
        reporter_phone=phone, reporter_phone_hash=lookup_hash(phone) if phone else "",
        household=data.household, client_key=client_key, open311_key=open311_key,
    )
    # Everything that reads but does not write happens before the write lock is taken (SQLite has one
    # writer; bench/bench_incidents.py): the field checks (the related rows were loaded above, so their
    # existence is not asked again; uniqueness is the database's), the reporter's scope and the village's
    # dispatchers (a new incident is held by its village).
    incident.created_at = timezone.now()
    incident.stage_deadline = deadline_for(incident, choices.State.REPORTED, incident.created_at)
    incident.full_clean(exclude=["reporter_phone", "client_key", "code", "category", "region", "grid", "reporter",
                                 "household", "open311_key"], validate_unique=False)
    if actor is not None and open311_key is None:
        user_scope(actor, "incidents.view_incident")
    dispatchers = dispatchers_of(incident)
    try:
        with transaction.atomic():
            now = timezone.now()
            incident.code = next_tracking_code(now)
            incident.created_at = now
            incident.stage_deadline = deadline_for(incident, choices.State.REPORTED, now)
            incident.possible_duplicate_of = find_possible_duplicate(incident)  # before the insert: no UPDATE
            incident.save()
            save_photos(incident, processed, stage=choices.PhotoStage.REPORT, actor=actor)
            IncidentEvent.objects.create(incident=incident, action=choices.EventKind.CREATE, to_state=incident.state,
                                         actor=actor if getattr(actor, "pk", None) else None,
                                         data={"source": incident.source}, created_at=now)
            if actor is not None and open311_key is None:
                verify_saved_in_scope(actor, incident, "view")
            notify_dispatchers(incident, kind="incident_reported",
                               title=_("New report %(code)s: %(category)s")
                               % {"code": incident.code, "category": incident.category.name},
                               recipients=dispatchers)
    except IntegrityError:
        if client_key is None:
            raise
        existing = _existing_for_key(actor, client_key, open311_key)  # the same report, sent twice at once
        if existing is None:
            raise
        return ReportResult(existing, created=False)
    return ReportResult(incident, created=True, possible_duplicate=incident.possible_duplicate_of)
