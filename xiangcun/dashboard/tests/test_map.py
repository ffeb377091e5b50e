"""The /map/ page, its search box and the summaries behind a click: scope, the optional basemap, masking."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.dashboard.tests.test_layers import A
from xiangcun.dashboard.tests.test_layers import mapdata as mapdata  # the fixture, used by name


def config_of(response) -> dict:
    match = re.search(rb'<script id="map-config" type="application/json">(.*?)</script>', response.content, re.S)
    return json.loads(match.group(1))


def test_the_county_admin_opens_the_map_on_the_county_with_every_layer(mapdata, client_as):
    response = client_as("county_admin").get("/map/")
    assert response.status_code == 200
    config = config_of(response)
    assert {layer["key"] for layer in config["layers"]} >= {
        "boundaries", "grids", "facilities", "houses", "parcels", "households", "incidents"}
    assert config["start"]["bbox"] == [104.0, 33.4, 104.6, 34.0]  # the county's outline
    houses = next(layer for layer in config["layers"] if layer["key"] == "houses")
    assert houses["kind"] == "fill-extrusion" and houses["minZoom"] >= 13
    assert "jiance" in [c["value"] for c in houses["options"][0]["choices"]]  # colour by a tag of the county
    incidents = next(layer for layer in config["layers"] if layer["key"] == "incidents")
    assert incidents["refresh"] == 10 and incidents["on"] is True
    assert b'data-testid="nav-map"' in response.content
    assert config["basemap"] is None and config["capture"] is False


def test_a_village_clerk_starts_on_her_village_and_cannot_open_another(mapdata, client_as):
    clerk = client_as("village_clerk_a")
    config = config_of(clerk.get("/map/"))
    assert config["start"]["bbox"] == [round(A[0] - 0.01, 6), round(A[1] - 0.01, 6),
                                       round(A[0] + 0.01, 6), round(A[1] + 0.01, 6)]
    assert [r["code"] for r in config["start"]["regions"]] == [VILLAGE_A]
    assert clerk.get("/map/", {"region": VILLAGE_B}).status_code == 404
    assert clerk.get("/map/", {"region": VILLAGE_A}).status_code == 200
    township = config_of(client_as("township_officer").get("/map/", {"region": VILLAGE_A}))
    assert [r["code"] for r in township["start"]["regions"]] == [VILLAGE_A]


def test_those_without_the_screen_permission_get_no_map(mapdata, client_as):
    assert client_as("villager_a").get("/map/").status_code == 404
    assert client_as("sysadmin").get("/map/").status_code == 404
    assert client_as("villager_a").get("/map/search/", {"q": "杰迪"}).status_code == 404
    anonymous = client_as(None).get("/map/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert b'data-testid="nav-map"' not in client_as("villager_a").get("/").content


def test_a_layer_without_permission_is_not_listed(mapdata, client_as):
    keys = {layer["key"] for layer in config_of(client_as("dept_staff").get("/map/"))["layers"]}
    assert "grids" not in keys and "facilities" in keys


def test_without_a_basemap_the_page_allows_nothing_foreign(mapdata, client_as):
    response = client_as("county_admin").get("/map/")
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self';" in policy and "img-src 'self' data: blob:;" in policy
    assert "http" not in policy
    assert not re.search(rb'(src|href)="(https?:)?//', response.content)


def test_a_configured_basemap_is_drawn_and_exactly_its_host_allowed(mapdata, client_as, settings):
    settings.XIANGCUN_MAP_BASEMAP_URL = ("https://t0.tianditu.gov.cn/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                                         "&LAYER=img&TILEMATRIXSET=w&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY")
    settings.XIANGCUN_MAP_BASEMAP_ATTRIBUTION = "天地图"
    response = client_as("county_admin").get("/map/")
    config = config_of(response)
    assert config["basemap"]["url"] == settings.XIANGCUN_MAP_BASEMAP_URL
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self' https://t0.tianditu.gov.cn;" in policy
    assert "img-src 'self' data: blob: https://t0.tianditu.gov.cn;" in policy
    assert policy.count("https://") == 2
    assert b'data-testid="basemap-attribution"' in response.content


def search(client, q: str) -> list[dict]:
    response = client.get("/map/search/", {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_search_finds_villages_households_and_incidents_inside_the_scope_only(mapdata, client_as):
    clerk, admin = client_as("village_clerk_a"), client_as("county_admin")
    village = [r for r in search(admin, "狼岔坝") if r["layer"] == "boundaries"]
    assert [r["id"] for r in village] == [VILLAGE_B]
    assert village[0]["bbox"] == [104.23, 33.69, 104.25, 33.71] and village[0]["center"] == [104.24, 33.7]
    assert search(clerk, "狼岔坝") == []
    assert [(r["layer"], r["id"]) for r in search(clerk, "杰迪")] == [
        ("boundaries", VILLAGE_A), ("facilities", str(mapdata["a"]["facility"].pk))]

    other = mapdata["b"]["household"]
    assert [r["id"] for r in search(admin, other.number)] == [str(other.uuid)]
    assert search(clerk, other.number) == []
    own = mapdata["a"]["household"]
    found = search(clerk, own.number)
    assert [r["id"] for r in found] == [str(own.uuid)] and found[0]["center"] == [A[0], A[1]]
    assert "杨红梅" not in json.dumps(found, ensure_ascii=False)  # the head's surname only: 杨**

    incident = mapdata["b"]["incident"]
    assert [r["id"] for r in search(admin, incident.code)] == [incident.code]
    assert search(clerk, incident.code) == []


def test_search_reads_a_bounded_number_of_queries_and_refuses_a_novel(mapdata, client_as):
    client = client_as("county_admin")
    search(client, "村")
    with CaptureQueriesContext(connection) as captured:
        search(client, "村")
    assert len(captured) <= 12
    response = client.get("/map/search/", {"q": "村" * 51})
    assert response.status_code == 400 and response.json()["error"]


@pytest.mark.parametrize("layer,ident", [
    ("houses", lambda d: d["house"].pk), ("households", lambda d: d["household"].uuid),
    ("incidents", lambda d: d["incident"].code), ("facilities", lambda d: d["facility"].pk),
    ("grids", lambda d: d["grid"].pk), ("boundaries", lambda d: d["village"].code),
    ("parcels", lambda d: d["house"].household.parcels.get().pk),
])
def test_a_summary_links_to_the_objects_page_and_is_not_found_outside_the_scope(mapdata, client_as, layer, ident):
    clerk = client_as("village_clerk_a")
    own = clerk.get(f"/map/layers/{layer}/{ident(mapdata['a'])}/")
    assert own.status_code == 200
    summary = own.json()
    assert summary["title"] and summary["rows"]
    other = clerk.get(f"/map/layers/{layer}/{ident(mapdata['b'])}/")
    assert other.status_code == 404
    text = own.content.decode()
    assert "13912345678" not in text and "杨红梅" not in text  # no phone, the head's surname only


def test_the_summaries_link_to_the_dossier_and_the_incident(mapdata, client_as):
    clerk = client_as("village_clerk_a")
    household = mapdata["a"]["household"]
    house = clerk.get(f"/map/layers/houses/{mapdata['a']['house'].pk}/").json()
    assert house["url"] == household.get_absolute_url()
    assert ["户主", "杨**"] not in house["rows"] and any("杨**" in str(value) for _label, value in house["rows"])
    incident = mapdata["a"]["incident"]
    assert clerk.get(f"/map/layers/incidents/{incident.code}/").json()["url"] == incident.get_absolute_url()
    assert clerk.get("/map/layers/houses/not-a-number/").status_code == 404
    assert clerk.get("/map/layers/households/not-a-uuid/").status_code == 404
