"""/screen/<code>/events/: new incidents reach an open screen through the database, whatever process wrote them."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.test import AsyncClient
from django.urls import reverse

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B, delete_audit_rows
from xiangcun.dashboard.views import live
from xiangcun.dashboard.views.live import incident_stream
from xiangcun.incidents.tests.factories import make_incident

# Committed rows, seen from other connections; the migrations' rows (categories, roles) come back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FAST = {"poll_seconds": 0.02, "keepalive_seconds": 60, "lifetime_seconds": 30}


@pytest.fixture(autouse=True)
def _audit_rows_go_first():
    """After each test the audit rows are deleted first, so that the flush is not refused."""
    yield
    delete_audit_rows()


def run(coroutine):
    """``asyncio.run``, then close the connections the view's ``sync_to_async`` thread opened: PostgreSQL would
    otherwise keep their sessions and refuse to drop the test database at the end."""

    async def body():
        try:
            return await coroutine
        finally:
            await sync_to_async(connections.close_all)()

    return asyncio.run(body())


def in_another_connection(function):
    """Run ``function`` in a thread of its own: its own database connection, committed when it returns."""
    result = {}

    def run():
        try:
            result["value"] = function()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def parse(chunk: str) -> dict:
    fields = dict(line.split(": ", 1) for line in chunk.strip().splitlines() if not line.startswith(":"))
    return {"event": fields.get("event"), "id": fields.get("id"),
            "data": json.loads(fields["data"]) if "data" in fields else None}


async def next_event(stream, kind: str = "incident", timeout: float = 5.0) -> dict:
    async def wait():
        async for chunk in stream:
            if chunk.startswith(f"event: {kind}"):
                return parse(chunk)
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(wait(), timeout)


def test_an_incident_written_elsewhere_reaches_the_screen_with_its_id(tree):
    village_a, village_b = tree[VILLAGE_A], tree[VILLAGE_B]

    async def scenario():
        stream = incident_stream(VILLAGE_A[:9], **FAST)
        assert await stream.__anext__() == "retry: 3000\n\n"  # the stream has read where it starts
        outside = await asyncio.to_thread(in_another_connection, lambda: make_incident(village_b))
        inside = await asyncio.to_thread(in_another_connection, lambda: make_incident(
            village_a, reporter_name="张三丰", lat=33.79, lng=104.37))
        event = await next_event(stream)
        await stream.aclose()
        return outside, inside, event

    outside, inside, event = run(scenario())
    assert event["id"] == str(inside.pk) and outside.pk < inside.pk  # 狼岔坝村's came first and was skipped
    assert event["data"] == {
        "id": inside.pk, "code": inside.code, "category": inside.category.name, "village": "杰迪村",
        "village_code": VILLAGE_A, "state": "reported", "state_label": event["data"]["state_label"],
        "created_at": event["data"]["created_at"], "reporter": "张*", "lat": 33.79, "lng": 104.37}


def test_incidents_from_before_the_screen_opened_are_not_replayed(tree):
    make_incident(tree[VILLAGE_A])

    async def scenario():
        stream = incident_stream(VILLAGE_A, **{**FAST, "lifetime_seconds": 0.2})
        return [chunk async for chunk in stream]

    assert not any(chunk.startswith("event: incident") for chunk in run(scenario()))


def test_last_event_id_resumes_after_that_incident(tree):
    seen, missed, later = (make_incident(tree[VILLAGE_A]) for _ in range(3))
    make_incident(tree[VILLAGE_B])

    async def scenario():
        stream = incident_stream(VILLAGE_A, last_id=seen.pk, **{**FAST, "lifetime_seconds": 0.3})
        return [parse(chunk) for chunk in [c async for c in stream] if chunk.startswith("event: incident")]

    assert [event["id"] for event in run(scenario())] == [str(missed.pk), str(later.pk)]


def test_keepalive_comments_and_the_end_of_the_stream(tree):
    async def scenario():
        stream = incident_stream(VILLAGE_A, poll_seconds=0.01, keepalive_seconds=0.03, lifetime_seconds=0.3)
        return [chunk async for chunk in stream]

    chunks = run(scenario())  # returns: the stream ended by itself
    assert ": keepalive\n\n" in chunks


def test_a_refreshed_snapshot_is_announced(tree):
    from xiangcun.dashboard.services import snapshots_refresh

    async def scenario():
        stream = incident_stream(VILLAGE_A, **FAST, refresh_seconds=0.02)
        await stream.__anext__()
        await asyncio.to_thread(in_another_connection, lambda: snapshots_refresh(villages=[tree[VILLAGE_A]]))
        event = await next_event(stream, "refresh")
        await stream.aclose()
        return event

    assert run(scenario())["data"]["computed_at"]


# --- the view, through Django's ASGI handler -------------------------------------------------------------------

def url(code: str) -> str:
    return reverse("dashboard:screen-events", args=[code])


async def client_for(user) -> AsyncClient:
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    return client


@pytest.mark.parametrize(("persona", "code"), [("village_clerk_a", VILLAGE_B), ("village_clerk_a", VILLAGE_A[:9]),
                                               ("villager_a", VILLAGE_A), (None, VILLAGE_A)])
def test_screens_out_of_scope_are_not_found(personas, persona, code):
    async def scenario():
        return await (await client_for(personas.get(persona))).get(url(code))

    response = run(scenario())
    assert response.status_code == 404


def test_the_view_streams_events_with_the_headers_proxies_need(personas, tree, monkeypatch):
    monkeypatch.setattr(live, "POLL_SECONDS", 0.02)
    first = make_incident(tree[VILLAGE_A])
    second = make_incident(tree[VILLAGE_A])

    async def scenario():
        client = await client_for(personas["village_clerk_a"])
        response = await client.get(url(VILLAGE_A), headers={"Last-Event-ID": str(first.pk)})
        stream = aiter(response.streaming_content)
        chunks = [(await anext(stream)).decode()]
        event = await next_event(_decoded(stream))
        return response, chunks, event

    response, chunks, event = run(scenario())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache" and response["X-Accel-Buffering"] == "no"
    assert chunks == ["retry: 3000\n\n"]
    assert event["id"] == str(second.pk)


async def _decoded(stream):
    async for chunk in stream:
        yield chunk.decode()
