"""Open311 GeoReport v2: an outside system lists our services, posts a request with its key and follows it."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B, delete_audit_rows
from xiangcun.incidents import services
from xiangcun.incidents.choices import Source, State
from xiangcun.incidents.models import Incident, Open311Key
from xiangcun.incidents.services.open311 import open311_key_check, open311_key_create, open311_key_revoke
from xiangcun.incidents.tests.factories import make_incident, photo_upload

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
REQUEST_ELEMENTS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
# Squares (lng, lat) for the test villages, so that a point finds its village.
SQUARES = {VILLAGE_A: (104.30, 33.80), VILLAGE_A2: (104.32, 33.80), VILLAGE_B: (104.40, 33.70)}
POINT_A = {"lat": "33.81", "long": "104.31"}
POINT_B = {"lat": "33.71", "long": "104.41"}
REPORTER = {"first_name": "三", "last_name": "张", "email": "zhangsan@example.com", "phone": "13812345678"}


@pytest.fixture
def villages(tree):
    for code, (lng, lat) in SQUARES.items():
        village = tree[code]
        village.boundary = {"type": "Polygon", "coordinates": [[
            [lng, lat], [lng + 0.02, lat], [lng + 0.02, lat + 0.02], [lng, lat + 0.02], [lng, lat]]]}
        village.save()
    return tree


@pytest.fixture
def key(villages):
    """A key of 立节镇 (杰迪村 and 水地村), as ``manage.py open311_key create`` makes it."""
    return open311_key_create(name="city-app", region=villages["623023103"])[1]


def post(client: Client, fmt: str = "json", **fields):
    return client.post(f"{BASE}/requests.{fmt}", fields)


def new_request(key: str, **fields) -> dict:
    data = {"api_key": key, "service_code": "env-garbage", "description": "村口垃圾堆放多日", **POINT_A, **REPORTER,
            **fields}
    response = post(Client(), **data)
    assert response.status_code == 200, response.content
    return response.json()[0]


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


# --- the round trips -------------------------------------------------------------------------------------------


def test_a_client_lists_services_posts_a_request_and_follows_it_to_closed_in_json(key, personas):
    client = Client()
    listed = client.get(f"{BASE}/services.json")
    assert listed["Content-Type"] == "application/json; charset=utf-8"
    service = next(s for s in listed.json() if s["service_code"] == "env-garbage")
    assert service["metadata"] is False and service["type"] == "realtime" and service["group"]
    assert client.get(f"{BASE}/services/env-garbage.json").json() == {"service_code": "env-garbage",
                                                                      "attributes": []}

    answer = new_request(key, media_url="http://example.com/photo.jpg", device_id="phone-7", account_id="42")
    assert answer["service_request_id"].startswith("ZQ-") and answer["account_id"] == "42"
    assert answer["service_notice"]
    incident = Incident.objects.get(code=answer["service_request_id"])
    assert incident.source == Source.OPEN311 and incident.region.code == VILLAGE_A
    assert incident.reporter is None and incident.reporter_name == "张三" and incident.reporter_phone == "13812345678"
    note = incident.events.get(action="note")
    assert not note.is_public and note.data["open311"]["media_url"] == "http://example.com/photo.jpg"

    token = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert token == [{"service_request_id": incident.code, "token": answer["token"]}]
    followed = client.get(f"{BASE}/requests/{incident.code}.json").json()[0]
    assert list(followed) == REQUEST_ELEMENTS
    assert followed["status"] == "open" and followed["address_id"] == VILLAGE_A
    assert followed["expected_datetime"] and followed["lat"] == 33.81

    clerk = personas["village_clerk_a"]
    services.incident_dispatch(actor=clerk, incident=incident, assignment=services.Assignment("user", user=clerk))
    services.incident_resolve(actor=clerk, incident=incident, result="已清运", photos=[photo_upload()])
    services.incident_close(actor=clerk, incident=incident)
    closed = client.get(f"{BASE}/requests/{incident.code}.json").json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == "已清运" and closed["expected_datetime"] == ""
    photo = client.get(closed["media_url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    Incident.objects.filter(pk=incident.pk).update(is_public=False)
    assert client.get(closed["media_url"]).status_code == 404


def test_the_same_round_trip_in_xml_has_the_specifications_elements(key):
    client = Client()
    services_doc = xml(client.get(f"{BASE}/services.xml"))
    assert services_doc.tag == "services" and {child.tag for child in services_doc} == {"service"}
    assert [e.tag for e in services_doc[0]] == ["service_code", "service_name", "description", "metadata", "type",
                                                "keywords", "group"]
    definition = xml(client.get(f"{BASE}/services/env-garbage.xml"))
    assert definition.tag == "service_definition" and definition.findtext("service_code") == "env-garbage"

    posted = xml(post(client, "xml", api_key=key, service_code="env-garbage", description="路灯坏了", **POINT_A))
    assert posted.tag == "service_requests" and [e.tag for e in posted[0]] == [
        "service_request_id", "token", "service_notice", "account_id"]
    code = posted[0].findtext("service_request_id")

    one = xml(client.get(f"{BASE}/requests/{code}.xml"))
    assert one.tag == "service_requests" and [e.tag for e in one] == ["request"]
    assert [e.tag for e in one[0]] == REQUEST_ELEMENTS
    assert one[0].findtext("status") == "open" and one[0].findtext("description") == "路灯坏了"
    listed = xml(client.get(f"{BASE}/requests.xml", {"service_code": "env-garbage", "status": "open"}))
    assert code in [request.findtext("service_request_id") for request in listed]
    token = xml(client.get(f"{BASE}/tokens/{posted[0].findtext('token')}.xml"))
    assert token[0].findtext("service_request_id") == code

    discovery = xml(client.get(f"{BASE}/discovery.xml"))
    endpoint = discovery.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]


@pytest.fixture
def live_open311(live_server):
    """pytest-django's live server; afterwards the audit rows go first, so that its flush is not refused.

    The database protects young audit rows with triggers (accounts migration 0003); they are lifted for the
    moment of this deletion only. ``serialized_rollback`` gives the next test the migrations' data back.
    """
    yield live_server
    delete_audit_rows()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_existing_client_does_the_round_trip_over_http(live_open311, key):
    """What a GeoReport client library does: urllib against a real server, form-encoded POST, JSON back."""
    live_server = live_open311
    base = f"{live_server.url}{BASE}"
    with urllib.request.urlopen(f"{base}/services.json") as response:
        assert "env-garbage" in {service["service_code"] for service in json.load(response)}
    body = urllib.parse.urlencode({"api_key": key, "service_code": "env-garbage", "description": "河道漂浮物",
                                   "address_string": "杰迪村二组河边", "jurisdiction_id": "623023"}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{base}/requests.json", data=body)) as response:
        assert response.status == 200
        code = json.load(response)[0]["service_request_id"]
    with urllib.request.urlopen(f"{base}/requests/{code}.xml") as response:
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
        request = ElementTree.parse(response).getroot().find("request")
    assert request.findtext("status") == "open" and request.findtext("address_id") == VILLAGE_A
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"{base}/requests.json", data=b"service_code=env-garbage"))
    assert refused.value.code == 403 and json.load(refused.value)[0]["code"] == 403


# --- refusals ----------------------------------------------------------------------------------------------------


def error_of(response, status: int, fmt: str = "json") -> str:
    assert response.status_code == status
    if fmt == "xml":
        errors = xml(response)
        assert errors.tag == "errors" and [e.tag for e in errors[0]] == ["code", "description"]
        assert errors[0].findtext("code") == str(status)
        return errors[0].findtext("description")
    [error] = response.json()
    assert error["code"] == status and error["description"]
    return error["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_without_a_valid_key_is_forbidden_and_stores_nothing(key, fmt):
    client = Client()
    fields = {"service_code": "env-garbage", "description": "x", **POINT_A}
    error_of(post(client, fmt, **fields), 403, fmt)
    error_of(post(client, fmt, api_key="not-a-key", **fields), 403, fmt)
    revoked_row, revoked = open311_key_create(name="old", region=Open311Key.objects.get().region)
    open311_key_revoke(key=revoked_row)
    error_of(post(client, fmt, api_key=revoked, **fields), 403, fmt)
    assert not Incident.objects.exists()


def test_bad_requests_are_answered_400_with_a_description_and_store_nothing(key):
    client = Client()
    error_of(post(client, api_key=key, service_code="no-such-thing", description="x", **POINT_A), 400)
    outside = error_of(post(client, api_key=key, service_code="env-garbage", description="x", **POINT_B), 400)
    assert outside  # the point lies in 峰迭镇, outside the key's 立节镇
    error_of(post(client, api_key=key, service_code="env-garbage", description="x"), 400)  # no location at all
    error_of(post(client, api_key=key, service_code="env-garbage", description="x",
                  address_string="somewhere"), 400)  # names no village of the key's township
    error_of(post(client, api_key=key, service_code="env-garbage", description="", **POINT_A), 400)
    error_of(post(client, api_key=key, service_code="env-garbage", description="x", phone="12", **POINT_A), 400)
    error_of(Client().get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400)
    assert not Incident.objects.exists()


def test_unknown_things_are_404_in_the_error_format(key):
    client = Client()
    assert "no-such" in error_of(client.get(f"{BASE}/services/no-such.xml"), 404, "xml")
    error_of(client.get(f"{BASE}/requests/ZQ-20000101-0001.json"), 404)
    error_of(client.get(f"{BASE}/tokens/5d1e0b5c-0000-4000-8000-000000000000.json"), 404)
    error_of(client.get(f"{BASE}/services.json", {"jurisdiction_id": "110101"}), 404)
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "623023"}).status_code == 200
    assert client.get(f"{BASE}/services.csv").status_code == 404


def test_a_repeated_post_with_the_same_client_key_is_one_request(key):
    first = new_request(key, client_key="outbox-1")
    again = new_request(key, client_key="outbox-1")
    assert first == again and Incident.objects.count() == 1


def test_an_address_naming_a_village_places_the_request_there(key):
    answer = new_request(key, lat="", long="", address_string="水地村村口")
    assert Incident.objects.get(code=answer["service_request_id"]).region.code == VILLAGE_A2


# --- what a reader sees --------------------------------------------------------------------------------------------


def codes(response) -> list[str]:
    return [request["service_request_id"] for request in response.json()]


def test_private_incidents_show_only_with_a_key_of_their_region(key, villages):
    public = make_incident(villages[VILLAGE_A])
    private_a = make_incident(villages[VILLAGE_A], is_public=False)
    private_b = make_incident(villages[VILLAGE_B], is_public=False)
    other_key = open311_key_create(name="fengdie", region=villages["623023102"])[1]
    client = Client()
    assert codes(client.get(f"{BASE}/requests.json")) == [public.code]
    assert set(codes(client.get(f"{BASE}/requests.json", {"api_key": key}))) == {public.code, private_a.code}
    assert set(codes(client.get(f"{BASE}/requests.json", {"api_key": other_key}))) == {public.code, private_b.code}
    error_of(client.get(f"{BASE}/requests/{private_a.code}.json"), 404)
    assert codes(client.get(f"{BASE}/requests/{private_a.code}.json", {"api_key": key})) == [private_a.code]


def test_the_reporters_name_phone_and_email_never_appear(key):
    answer = new_request(key)
    client = Client()
    bodies = [client.get(f"{BASE}/requests.{fmt}").content.decode() for fmt in ("json", "xml")]
    bodies += [client.get(f"{BASE}/requests/{answer['service_request_id']}.xml").content.decode()]
    for body in bodies:
        assert answer["service_request_id"] in body
        for secret in ("张三", "13812345678", "5678", "zhangsan", "example.com"):
            assert secret not in body


def test_requests_are_filtered_newest_first_and_default_to_ninety_days(key, villages):
    village = villages[VILLAGE_A]
    old = make_incident(village)
    Incident.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    rejected = make_incident(village, state=State.REJECTED, reject_reason="不属于受理范围")
    newest = make_incident(village, category_code="road")
    client = Client()
    assert codes(client.get(f"{BASE}/requests.json")) == [newest.code, rejected.code]
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [(r["service_request_id"], r["status_notes"]) for r in closed] == [(rejected.code, "不属于受理范围")]
    assert codes(client.get(f"{BASE}/requests.json", {"service_code": "road"})) == [newest.code]
    since = (timezone.now() - timedelta(days=120)).isoformat()
    assert old.code in codes(client.get(f"{BASE}/requests.json", {"start_date": since}))
    ids = f"{old.code},{newest.code}"
    assert set(codes(client.get(f"{BASE}/requests.json", {"service_request_id": ids}))) == {old.code, newest.code}


# --- keys --------------------------------------------------------------------------------------------------------


def test_the_key_command_prints_the_key_once_lists_and_revokes(villages):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_key", "create", "hotline", "--region", "623023", stdout=out, stderr=err)
    plaintext = out.getvalue().strip()
    stored = Open311Key.objects.get(name="hotline")
    assert open311_key_check(plaintext) == stored and plaintext not in (stored.key_hash, stored.prefix)
    stored.refresh_from_db()
    first_use = stored.last_used_at
    assert first_use is not None
    open311_key_check(plaintext)
    stored.refresh_from_db()
    assert stored.last_used_at == first_use  # noted at most once a minute

    listing = io.StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert "hotline" in listing.getvalue() and plaintext not in listing.getvalue()

    call_command("open311_key", "revoke", "hotline", stderr=io.StringIO())
    assert open311_key_check(plaintext) is None
    with pytest.raises(Exception, match="623099"):
        call_command("open311_key", "create", "other", "--region", "623099", stderr=io.StringIO())
