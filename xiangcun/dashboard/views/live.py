"""``/screen/<code>/events/``: Server-Sent Events of a region's big screen (new incidents, refreshed figures).

The stream reads the database, not memory of one process: every ``POLL_SECONDS`` it asks for the incidents under
the region with a primary key above the last one sent, so an incident written by any app process (or the Huey
worker) reaches every open screen on every process within a few seconds. ``Last-Event-ID`` (sent by the browser's
EventSource when it reconnects) resumes after that incident. A ``: keepalive`` comment goes out every
``KEEPALIVE_SECONDS`` so proxies keep the connection; after ``LIFETIME_SECONDS`` the stream ends and the browser
reconnects by itself (with ``Last-Event-ID``), which also lets a server restart or a scope change take effect.

Events::

    event: incident
    id: <incident pk>
    data: {"id", "code", "category", "village", "village_code", "state", "state_label", "created_at",
           "reporter", "lat", "lng"}

    event: refresh
    data: {"computed_at": ISO}        # the villages' snapshots changed: fetch the overview again
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Callable

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.db.models import Max
from django.http import Http404, StreamingHttpResponse

from xiangcun.dashboard.models import RegionSnapshot
from xiangcun.dashboard.overview_api import screen_regions
from xiangcun.dashboard.privacy import resolve
from xiangcun.incidents.figures import incident_feed_item
from xiangcun.incidents.models import Incident
from xiangcun.regions.models import Region

POLL_SECONDS = 1.5
KEEPALIVE_SECONDS = 15.0
LIFETIME_SECONDS = 300.0
REFRESH_CHECK_SECONDS = 15.0
RETRY_MILLISECONDS = 3000
BATCH = 50
# On PostgreSQL a transaction may commit after one holding a higher id: look back this many ids for late arrivals.
LOOKBACK_IDS = 20
REPLAY_IDS = 1000


async def screen_events(request, code: str) -> StreamingHttpResponse:
    user = await request.auser()
    region = await sync_to_async(_screen_region)(user, code)
    response = StreamingHttpResponse(
        incident_stream(region.code, last_id=_last_event_id(request.headers.get("Last-Event-ID")),
                        poll_seconds=POLL_SECONDS, keepalive_seconds=KEEPALIVE_SECONDS,
                        lifetime_seconds=LIFETIME_SECONDS),
        content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _screen_region(user, code: str) -> Region:
    try:
        return screen_regions(user).get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None
    finally:
        close_old_connections()


def _last_event_id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def sse(event: str, data: dict, *, event_id: int | None = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


async def incident_stream(region_code: str, *, last_id: int | None = None, poll_seconds: float = POLL_SECONDS,
                          keepalive_seconds: float = KEEPALIVE_SECONDS, lifetime_seconds: float = LIFETIME_SECONDS,
                          refresh_seconds: float = REFRESH_CHECK_SECONDS,
                          clock: Callable[[], float] = time.monotonic) -> AsyncIterator[str]:
    """The events of the screen of ``region_code`` (already checked against the reader's scope)."""
    started = last_output = last_refresh_check = clock()
    region_ids, latest, snapshot_mark = await sync_to_async(_stream_start)(region_code)
    # Without Last-Event-ID only what comes from now on; with it, what came since (at most REPLAY_IDS back).
    floor = latest if last_id is None else max(min(last_id, latest), latest - REPLAY_IDS)
    sent: deque[int] = deque(maxlen=500)
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    while clock() - started < lifetime_seconds:
        items = await sync_to_async(_incidents_after)(region_ids, max(floor, _newest(sent, floor) - LOOKBACK_IDS),
                                                      set(sent))
        for item in items:
            sent.append(item["id"])
            yield sse("incident", item, event_id=item["id"])
            last_output = clock()
        if clock() - last_refresh_check >= refresh_seconds:
            last_refresh_check = clock()
            mark = await sync_to_async(_snapshot_mark)(region_ids)
            if mark != snapshot_mark:
                snapshot_mark = mark
                yield sse("refresh", {"computed_at": mark})
                last_output = clock()
        if clock() - last_output >= keepalive_seconds:
            yield ": keepalive\n\n"
            last_output = clock()
        await asyncio.sleep(poll_seconds)


def _newest(sent: deque[int], floor: int) -> int:
    return max(max(sent, default=floor), floor)


def _stream_start(region_code: str) -> tuple[list[int], int, str | None]:
    try:
        region_ids = list(Region.objects.under(region_code).values_list("pk", flat=True))
        latest = Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return region_ids, latest, _snapshot_mark(region_ids, close=False)
    finally:
        close_old_connections()


def _incidents_after(region_ids: list[int], after: int, already_sent: set[int]) -> list[dict]:
    """Incidents under the region with a pk above ``after`` not sent yet, oldest first (one indexed query)."""
    try:
        incidents = (Incident.objects.filter(pk__gt=after, region_id__in=region_ids)
                     .select_related("category", "region").order_by("pk")[:BATCH + LOOKBACK_IDS])
        return [_event_item(incident) for incident in incidents if incident.pk not in already_sent][:BATCH]
    finally:
        close_old_connections()


def _event_item(incident: Incident) -> dict:
    item = resolve(incident_feed_item(incident))  # the reporter's surname only
    item.update({"village_code": incident.region.code, "lat": incident.lat, "lng": incident.lng})
    return item


def _snapshot_mark(region_ids: list[int], *, close: bool = True) -> str | None:
    try:
        newest = RegionSnapshot.objects.filter(region_id__in=region_ids).aggregate(newest=Max("computed_at"))["newest"]
        return newest.isoformat() if newest else None
    finally:
        if close:
            close_old_connections()
