"""GeoReport v2 endpoints: discovery, services, service definitions, requests (GET and POST), one request, tokens.

No session and no CSRF: an outside system identifies itself with ``api_key`` (``manage.py open311_key``).
Without a key a caller reads only public incidents; with a valid key it also reads the private incidents of
the key's region, and may post requests there. Reporter names, phones and e-mail are never answered.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from xiangcun.core.errors import ServiceError
from xiangcun.core.scoping import prefix_q
from xiangcun.incidents import choices
from xiangcun.incidents.models import Category, Incident, IncidentEvent, IncidentPhoto
from xiangcun.incidents.open311.rendering import render, render_error, w3c_datetime
from xiangcun.incidents.services.open311 import open311_key_check, open311_request_submit, village_named_in
from xiangcun.incidents.services.reporting import ReportInput
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"  # when this endpoint's behaviour last changed
DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_TEXT = 500  # of a free-text field that only goes into the internal note
ATTRIBUTE = re.compile(r"^attribute\[(?P<name>[^\]]{1,60})\]$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def endpoint(*methods: str):
    """A GeoReport view: allowed methods, jurisdiction_id, and every refusal in the specification's error format."""

    def decorate(view):
        @csrf_exempt
        def wrapped(request, fmt: str, **kwargs):
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("Method not allowed; use %(methods)s.") % {"methods": ", ".join(methods)})
                params = _params(request)
                _check_jurisdiction(params.get("jurisdiction_id", ""))
                return view(request, fmt, params, **kwargs)
            except Open311Error as exc:
                return render_error(fmt, exc.status, exc.description)
            except ServiceError as exc:
                return render_error(fmt, exc.status, exc.message)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _params(request) -> dict:
    """Query string, then the form body (the specification's encoding) or a JSON object some clients send."""
    params = {name: request.GET.get(name, "") for name in request.GET}
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise Open311Error(400, _("The request body is not valid JSON.")) from None
            if not isinstance(body, dict):
                raise Open311Error(400, _("The request body must be a JSON object."))
            params.update({name: "" if value is None else str(value) for name, value in body.items()})
        else:
            params.update({name: request.POST.get(name, "") for name in request.POST})
    return {name: value.strip() if isinstance(value, str) else value for name, value in params.items()}


def _check_jurisdiction(jurisdiction_id: str) -> None:
    """Only our county answers; another jurisdiction is not found."""
    if jurisdiction_id and not Region.objects.filter(code=jurisdiction_id, level=Level.COUNTY).exists():
        raise Open311Error(404, _("Unknown jurisdiction_id %(id)s.") % {"id": jurisdiction_id[:20]})


def _key(params: dict, *, required: bool):
    key = open311_key_check(params.get("api_key"))
    if required and key is None:
        raise Open311Error(403, _("The api_key is missing, unknown or revoked."))
    return key


# --- discovery and services ---------------------------------------------------------------------------------


@endpoint("GET")
def discovery(request, fmt: str, params: dict):
    """Where the GeoReport v2 endpoint is and which formats it speaks."""
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0] + "/"
    document = {
        "changeset": CHANGESET,
        "contact": settings.DEFAULT_FROM_EMAIL,
        "key_service": _("Ask the county's system administrator for a key (manage.py open311_key create)."),
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }
    return render(fmt, "discovery", document)


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent_id else "",
    }


@endpoint("GET")
def services(request, fmt: str, params: dict):
    """The county's active incident categories."""
    categories = Category.objects.filter(active=True).select_related("parent").order_by("order", "code")
    return render(fmt, "services", [_service(category) for category in categories])


@endpoint("GET")
def service_definition(request, fmt: str, params: dict, service_code: str):
    """Our services take no extra attributes: the definition is the code with an empty list."""
    if not Category.objects.filter(code=service_code, active=True).exists():
        raise Open311Error(404, _("Unknown service_code %(code)s.") % {"code": service_code})
    return render(fmt, "service_definition", {"service_code": service_code, "attributes": []})


# --- service requests ---------------------------------------------------------------------------------------


def _requests_queryset(key):
    visible = Q(is_public=True)
    if key is not None:
        visible |= prefix_q("region__code", key.region.code)
    public_note = (IncidentEvent.objects.filter(incident=OuterRef("pk"), is_public=True).exclude(comment="")
                   .order_by("-created_at", "-id").values("comment")[:1])
    first_photo = IncidentPhoto.objects.filter(incident=OuterRef("pk")).order_by("created_at", "id").values("pk")[:1]
    return (Incident.objects.filter(visible)
            .select_related("category", "region__parent__parent", "assigned_department", "assigned_region",
                            "duplicate_of")
            .annotate(public_note=Subquery(public_note), first_photo=Subquery(first_photo))
            .order_by("-created_at", "-id"))


def _status_notes(incident: Incident) -> str:
    if incident.state == choices.State.REJECTED:
        return incident.reject_reason
    if incident.state == choices.State.MERGED and incident.duplicate_of_id:
        return _("Handled together with %(code)s.") % {"code": incident.duplicate_of.code}
    if incident.result and incident.state in (choices.State.RESOLVED, choices.State.CLOSED, choices.State.RATED):
        return incident.result
    return incident.public_note or ""


def _agency(incident: Incident) -> str:
    """The department or office that has the incident now: where it was sent, else who holds it."""
    if incident.assigned_department_id:
        return incident.assigned_department.name
    if incident.assigned_region_id:
        return incident.assigned_region.display_name
    holder = incident.region
    for _level in range(incident.region.level - incident.level):
        holder = holder.parent or holder
    return holder.display_name


def _request(request, incident: Incident) -> dict:
    """One ``<request>``; reporter data is never part of it."""
    media_url = ""
    if incident.is_public and incident.first_photo:
        media_url = request.build_absolute_uri(reverse("open311:media", kwargs={
            "token": incident.uuid, "photo_id": incident.first_photo}))
    return {
        "service_request_id": incident.code,
        "status": "closed" if incident.state in choices.FINISHED_STATES else "open",
        "status_notes": _status_notes(incident),
        "service_name": incident.category.name,
        "service_code": incident.category.code,
        "description": incident.description,
        "agency_responsible": _agency(incident),
        "service_notice": "",
        "requested_datetime": w3c_datetime(incident.created_at),
        "updated_datetime": w3c_datetime(incident.updated_at),
        "expected_datetime": w3c_datetime(incident.stage_deadline) if incident.is_open else "",
        "address": incident.address,
        "address_id": incident.region.code,
        "zipcode": "",
        "lat": incident.lat if incident.lat is not None else "",
        "long": incident.lng if incident.lng is not None else "",
        "media_url": media_url,
    }


def _moment(value: str, name: str, *, end: bool = False) -> datetime | None:
    """A W3C datetime (``2026-11-22T08:00:00+08:00``, ``…Z``) or a date; naive values are local time."""
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "+"))  # an unencoded "+08:00" arrives as " 08:00"
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise Open311Error(400, _("%(name)s is not a W3C date and time (e.g. 2026-11-22T08:00:00+08:00).")
                               % {"name": name})
        moment = datetime.combine(day, time.max if end else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _list_requests(request, fmt: str, params: dict):
    key = _key(params, required=False) if params.get("api_key") else None
    incidents = _requests_queryset(key)
    if params.get("jurisdiction_id"):
        incidents = incidents.filter(prefix_q("region__code", params["jurisdiction_id"]))
    codes = _split(params.get("service_request_id", ""))
    if codes:  # the specification: other filters are ignored when ids are given
        incidents = incidents.filter(code__in=codes[:MAX_REQUESTS])
    else:
        service_codes = _split(params.get("service_code", ""))
        if service_codes:
            incidents = incidents.filter(category__code__in=service_codes)
        start = _moment(params.get("start_date", ""), "start_date")
        end = _moment(params.get("end_date", ""), "end_date", end=True)
        if start is None and end is None:
            start = timezone.now() - DEFAULT_WINDOW
        if start is not None:
            incidents = incidents.filter(created_at__gte=start)
        if end is not None:
            incidents = incidents.filter(created_at__lte=end)
        statuses = set(_split(params.get("status", "").lower()))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))
        if statuses == {"open"}:
            incidents = incidents.exclude(state__in=choices.FINISHED_STATES)
        elif statuses == {"closed"}:
            incidents = incidents.filter(state__in=choices.FINISHED_STATES)
    return render(fmt, "service_requests", [_request(request, incident) for incident in incidents[:MAX_REQUESTS]])


def _reporter_name(first: str, last: str) -> str:
    """张 + 三 → 张三; Jane + Doe → Jane Doe."""
    if any("\u4e00" <= char <= "\u9fff" for char in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _post_request(request, fmt: str, params: dict):
    key = _key(params, required=True)
    category = Category.objects.filter(code=params.get("service_code", ""), active=True).first()
    if category is None:
        raise Open311Error(400, _("Unknown or missing service_code; see services.%(fmt)s.") % {"fmt": fmt})
    lat, lng = params.get("lat", ""), params.get("long", "")
    address = params.get("address_string", "")
    address_id = params.get("address_id", "")
    region = None
    if address_id:  # our address ids are village division codes (as answered in address_id)
        region = Region.objects.filter(code=address_id, level=Level.VILLAGE).first()
        if region is None:
            raise Open311Error(400, _("address_id must be the division code of a village."))
    if not (lat and lng) and region is None:
        if not address:
            raise Open311Error(400, _("Give the location: lat and long, or address_string, or address_id."))
        region = village_named_in(address, key.region)
    data = ReportInput(
        category=category, description=params.get("description", ""), lat=lat or None, lng=lng or None,
        region=region, address=address, reporter_name=_reporter_name(params.get("first_name", ""),
                                                                     params.get("last_name", "")),
        reporter_phone=params.get("phone", ""),
        client_key=params.get("client_key") or request.headers.get("Idempotency-Key") or None)
    attributes = {match["name"]: value[:MAX_TEXT] for name, value in params.items()
                  if (match := ATTRIBUTE.match(name)) and value}
    details = {"media_url": params.get("media_url", "")[:MAX_TEXT], "device_id": params.get("device_id", "")[:100],
               "account_id": params.get("account_id", "")[:100], "attributes": attributes}
    result = open311_request_submit(key=key, data=data, details=details)
    incident = result.incident
    notice = _("Received. %(office)s accepts reports within %(hours)d hours.") % {
        "office": incident.region.display_name, "hours": category.accept_hours}
    return render(fmt, "service_requests", [{
        "service_request_id": incident.code, "token": str(incident.uuid), "service_notice": notice,
        "account_id": params.get("account_id", "")}])


@endpoint("GET", "POST")
def requests(request, fmt: str, params: dict):
    """GET: service requests with filters; POST: a new service request (api_key required)."""
    if request.method == "POST":
        return _post_request(request, fmt, params)
    return _list_requests(request, fmt, params)


@endpoint("GET")
def request_detail(request, fmt: str, params: dict, service_request_id: str):
    """One service request, as a list of one (as the specification answers it)."""
    key = _key(params, required=False) if params.get("api_key") else None
    incident = _requests_queryset(key).filter(code=service_request_id).first()
    if incident is None:
        raise Open311Error(404, _("No service request %(id)s.") % {"id": service_request_id[:40]})
    return render(fmt, "service_requests", [_request(request, incident)])


@endpoint("GET")
def token(request, fmt: str, params: dict, token: str):
    """The service request id for a token handed out by POST requests (ours are known at once)."""
    try:
        value = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, _("Unknown token.")) from None
    code = Incident.objects.filter(uuid=value).values_list("code", flat=True).first()
    if code is None:
        raise Open311Error(404, _("Unknown token."))
    return render(fmt, "service_requests", [{"service_request_id": code, "token": token}])


def media(request, token: str, photo_id: int):
    """The photo behind ``media_url``: only of a public incident, addressed by its opaque token (uuid)."""
    photo = (IncidentPhoto.objects.filter(pk=photo_id, incident__uuid=token, incident__is_public=True)
             .only("image").first())
    if photo is None or not photo.image:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
