"""The village outlines behind the place picker (``regions:boundaries``): near a point or within a region,
only regions on the user's map, small enough for a phone on a weak network."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.regions import boundaries
from xiangcun.regions.models import Region

URL = "/regions/boundaries/"
ZHOUQU = Path(__file__).resolve().parent.parent / "data" / "zhouqu"


def square(lat: float, lng: float, half: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lng - half, lat - half], [lng + half, lat - half],
                                                [lng + half, lat + half], [lng - half, lat + half],
                                                [lng - half, lat - half]]]}


def circle(lat: float, lng: float, radius: float = 0.01, points: int = 400) -> dict:
    ring = [[lng + radius * math.cos(2 * math.pi * i / points), lat + radius * math.sin(2 * math.pi * i / points)]
            for i in range(points)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


PLACES = {VILLAGE_A: (33.79, 104.37), VILLAGE_A2: (33.80, 104.40), VILLAGE_B: (33.70, 104.20)}


@pytest.fixture
def outlines(tree):
    for code, (lat, lng) in PLACES.items():
        Region.objects.filter(code=code).update(boundary=square(lat, lng), centroid_lat=lat, centroid_lng=lng)
    return tree


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [feature["properties"]["code"] for feature in json.loads(response.content)["features"]]


def test_near_a_point_gives_the_villages_around_it_nearest_first_with_cache_headers(client_as, personas, outlines):
    response = client_as("township_officer").get(URL, {"near": "33.795,104.372", "km": "8"})
    assert codes(response) == [VILLAGE_A, VILLAGE_A2]  # 狼岔坝村 is some 20 km away
    assert response["Content-Type"].startswith("application/geo+json")
    assert "private" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    feature = json.loads(response.content)["features"][0]
    assert feature["properties"] == {"code": VILLAGE_A, "name": "杰迪村", "c": [104.37, 33.79]}
    assert feature["geometry"]["type"] == "Polygon"
    assert "杰迪村" in response.content.decode()  # names as UTF-8, not \\u escapes
    wide = client_as("county_admin").get(URL, {"near": "33.79,104.37", "km": "30"})
    assert codes(wide) == [VILLAGE_A, VILLAGE_A2, VILLAGE_B]


def test_near_answers_at_most_the_limit(client_as, personas, outlines, monkeypatch):
    monkeypatch.setattr(boundaries, "NEAR_LIMIT", 1)
    assert codes(client_as("county_admin").get(URL, {"near": "33.80,104.40"})) == [VILLAGE_A2]


def test_within_a_region_the_user_can_see_and_404_outside(client_as, personas, outlines):
    assert codes(client_as("county_admin").get(URL, {"within": "623023"})) == [VILLAGE_B, VILLAGE_A2, VILLAGE_A]
    officer = client_as("township_officer")
    assert codes(officer.get(URL, {"within": "623023103"})) == [VILLAGE_A2, VILLAGE_A]
    assert officer.get(URL, {"within": "623023102"}).status_code == 404  # 峰迭镇 is not his
    assert officer.get(URL, {"within": "623023"}).status_code == 404
    clerk = client_as("village_clerk_a")
    assert codes(clerk.get(URL, {"within": VILLAGE_A})) == [VILLAGE_A]
    assert clerk.get(URL, {"within": VILLAGE_B}).status_code == 404
    assert clerk.get(URL, {"within": "999999"}).status_code == 404
    # Near a point, too, only the villages on the clerk's map.
    assert codes(clerk.get(URL, {"near": "33.79,104.37", "km": "30"})) == [VILLAGE_A]


def test_a_villager_gets_the_villages_of_their_county(client_as, personas, outlines):
    """restrict() gives a villager no region; outlines and names are public geography."""
    villager = client_as("villager_a")
    assert codes(villager.get(URL, {"near": "33.79,104.37", "km": "30"})) == [VILLAGE_A, VILLAGE_A2, VILLAGE_B]
    assert codes(villager.get(URL, {"within": "623023"})) == [VILLAGE_B, VILLAGE_A2, VILLAGE_A]
    assert villager.get(URL, {"within": "6230"}).status_code == 404  # the prefecture is not their county


def test_login_required_and_bad_queries_refused(client, client_as, personas, outlines):
    response = client.get(URL, {"within": "623023"})
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
    admin = client_as("county_admin")
    for query in ({}, {"near": "north"}, {"near": "95,104"}, {"near": "33.7,104.3", "km": "nan"}):
        response = admin.get(URL, query)
        assert response.status_code == 400 and response.json()["code"] == "invalid", query


def test_outlines_are_simplified_and_rounded(client_as, personas, tree):
    Region.objects.filter(code=VILLAGE_A).update(boundary=circle(33.79, 104.37), centroid_lat=33.79,
                                                 centroid_lng=104.37)
    response = client_as("county_admin").get(URL, {"within": VILLAGE_A})
    ring = json.loads(response.content)["features"][0]["geometry"]["coordinates"][0]
    assert 8 < len(ring) < 100  # a 400-point circle of about 2 km is drawn with far fewer points
    assert all(round(x, 5) == x and round(y, 5) == y for x, y in ring)


@pytest.fixture
def demo_county(db, django_user_model):
    from xiangcun.regions.demo import seed_demo_geometry
    from xiangcun.regions.importing import load_units
    from xiangcun.regions.services import region_import_tree

    region_import_tree(actor=None, units=load_units(ZHOUQU))
    seed_demo_geometry(county_code="623023", seed=2026)
    return django_user_model.objects.create_superuser("root", password="x", must_change_password=False)


def test_the_demo_county_is_small_enough_for_a_weak_network(client, demo_county, django_assert_max_num_queries):
    """Sizes for docs: the whole demo county under 80 kB, the villages near a point under 15 kB (uncompressed)."""
    client.force_login(demo_county)
    with django_assert_max_num_queries(8):
        county = client.get(URL, {"within": "623023"})
    assert len(codes(county)) == 212
    assert len(county.content) < 80_000, len(county.content)
    village = Region.objects.get(code="623023103203")
    near = client.get(URL, {"near": f"{village.centroid_lat},{village.centroid_lng}"})
    assert codes(near)[0] == VILLAGE_A and len(codes(near)) <= boundaries.NEAR_LIMIT
    assert len(near.content) < 15_000, len(near.content)
    print(f"boundaries: county {len(county.content)} bytes, near {len(near.content)} bytes "
          f"({len(codes(near))} villages)")
