"""The map's layers as GeoJSON: what each persona sees (杰迪村 vs 狼岔坝村), the visible box, options, caps, errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiangcun.core.layers import get_layer
from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.households import choices as hc
from xiangcun.households.models import House, HouseholdTag, LandParcel
from xiangcun.households.tests.factories import make_household
from xiangcun.incidents import choices as ic
from xiangcun.incidents.tests.factories import make_incident
from xiangcun.regions.models import Facility, Grid

A = (104.39, 33.64)  # the centre of 杰迪村 in these tests
B = (104.24, 33.70)  # 狼岔坝村
WIDE = "104.0,33.5,104.6,33.9"  # both villages
AROUND_A = "104.38,33.63,104.40,33.65"


def square(lng: float, lat: float, half: float) -> dict:
    ring = [[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half],
            [lng - half, lat - half]]
    return {"type": "Polygon", "coordinates": [ring]}


def place_house(village, lng: float, lat: float, *, rating: str = hc.SafetyRating.B, tags: tuple[str, ...] = (),
                floors: int = 2, height: float | None = None) -> House:
    household = make_household(village, head_name="杨红梅")
    household.latitude, household.longitude = lat, lng
    household.phone = "13912345678"
    household.save()
    household.tags.add(*HouseholdTag.objects.filter(code__in=tags))
    return House.objects.create(household=household, structure=hc.HouseStructure.BRICK_CONCRETE, floors=floors,
                                floor_area=Decimal("120"), safety_rating=rating, latitude=lat, longitude=lng,
                                footprint=square(lng, lat, 0.00005), height=height)


@pytest.fixture
def mapdata(tree, personas):
    """In each of 杰迪村 and 狼岔坝村: an outline, a grid, a house, a parcel, a facility and an incident."""
    county = tree["623023"]
    county.boundary = square(104.3, 33.7, 0.3)
    county.save()
    data = {}
    for key, code, (lng, lat) in (("a", VILLAGE_A, A), ("b", VILLAGE_B, B)):
        village = tree[code]
        village.boundary, village.centroid_lng, village.centroid_lat = square(lng, lat, 0.01), lng, lat
        village.save()
        house = place_house(village, lng, lat, rating=hc.SafetyRating.D, tags=("weifang", "jiance"), height=7.2)
        LandParcel.objects.create(household=house.household, land_type=hc.LandType.CULTIVATED, area_mu=Decimal("2"),
                                  crop="花椒", polygon=square(lng + 0.001, lat, 0.0005))
        data[key] = {
            "village": village, "house": house, "household": house.household,
            "grid": Grid.objects.create(code=f"{code}-01", name=f"{village.short_name}一网格", village=village,
                                        boundary=square(lng, lat, 0.005)),
            "facility": Facility.objects.create(region=village, kind="clinic", name=f"{village.short_name}卫生室",
                                                latitude=lat + 0.001, longitude=lng),
            "incident": make_incident(village, lat=lat + 0.002, lng=lng),
        }
    return data


def get_layer_json(client, key: str, **params):
    response = client.get(f"/map/layers/{key}.geojson", params)
    return response, (response.json() if response["Content-Type"].startswith(("application/json",
                                                                              "application/geo+json")) else None)


def ids(body) -> set:
    return {feature["id"] for feature in body["features"]}


@pytest.mark.parametrize("key", ["boundaries", "grids", "facilities", "houses", "parcels", "households", "incidents"])
def test_the_village_clerk_sees_only_her_village_on_every_layer_the_county_admin_both(mapdata, client_as, key):
    clerk, _body = get_layer_json(client_as("village_clerk_a"), key, bbox=WIDE)
    admin, _body2 = get_layer_json(client_as("county_admin"), key, bbox=WIDE)
    assert clerk.status_code == 200 and admin.status_code == 200
    ident = {"boundaries": lambda d: d["village"].code, "grids": lambda d: d["grid"].pk,
             "facilities": lambda d: d["facility"].pk, "houses": lambda d: d["house"].pk,
             "parcels": lambda d: d["house"].household.parcels.get().pk,
             "households": lambda d: str(d["household"].uuid), "incidents": lambda d: d["incident"].code}[key]
    seen_by_clerk, seen_by_admin = ids(clerk.json()), ids(admin.json())
    assert ident(mapdata["a"]) in seen_by_clerk and ident(mapdata["b"]) not in seen_by_clerk
    assert {ident(mapdata["a"]), ident(mapdata["b"])} <= seen_by_admin


def test_the_visible_box_limits_what_is_sent(mapdata, client_as):
    client = client_as("county_admin")
    _response, houses = get_layer_json(client, "houses", bbox=AROUND_A)
    assert ids(houses) == {mapdata["a"]["house"].pk}
    _response, outlines = get_layer_json(client, "boundaries", bbox=AROUND_A)
    assert VILLAGE_A in ids(outlines) and VILLAGE_B not in ids(outlines)
    assert "623023" in ids(outlines)  # the county's outline contains the box
    _response, incidents = get_layer_json(client, "incidents", bbox="104.0,33.0,104.1,33.1")
    assert incidents["features"] == []


def test_houses_are_extruded_by_height_and_coloured_by_safety_rating_or_by_a_chosen_tag(mapdata, client_as):
    client = client_as("county_admin")
    plain = place_house(mapdata["a"]["village"], A[0] + 0.002, A[1], rating=hc.SafetyRating.A, floors=3)
    _response, body = get_layer_json(client, "houses", bbox=AROUND_A)
    by_id = {f["id"]: f for f in body["features"]}
    dangerous, safe = by_id[mapdata["a"]["house"].pk], by_id[plain.pk]
    assert dangerous["properties"]["h"] == 7.2 and safe["properties"]["h"] == 9.0  # no height: 3 floors × 3 m
    assert dangerous["properties"]["k"] == "#d63939" and safe["properties"]["k"] == "#2fb344"
    assert dangerous["geometry"]["type"] == "Polygon" and "legend" not in body

    _response, by_tag = get_layer_json(client, "houses", bbox=AROUND_A, color="jiance")
    colours = {f["id"]: f["properties"]["k"] for f in by_tag["features"]}
    assert colours[mapdata["a"]["house"].pk] == "#d63939"  # 监测户 is red in the reference tags
    assert colours[plain.pk] == "#adb5bd"
    assert by_tag["legend"][0]["label"] == "监测户"

    response, body = get_layer_json(client, "houses", bbox=AROUND_A, color="no-such-tag")
    assert response.status_code == 400 and body["error"]


def test_household_points_can_be_limited_to_a_tag(mapdata, client_as):
    client = client_as("village_clerk_a")
    untagged = make_household(mapdata["a"]["village"])
    untagged.latitude, untagged.longitude = A[1] + 0.001, A[0] + 0.001
    untagged.save()
    _response, everyone = get_layer_json(client, "households", bbox=AROUND_A)
    _response, monitored = get_layer_json(client, "households", bbox=AROUND_A, tag="jiance")
    assert ids(everyone) == {str(mapdata["a"]["household"].uuid), str(untagged.uuid)}
    assert ids(monitored) == {str(mapdata["a"]["household"].uuid)}
    assert monitored["legend"][0]["label"] == "监测户"
    for feature in everyone["features"]:  # no name, phone or number travels with a point
        assert set(feature["properties"]) == {"k"}


def test_incidents_by_state_open_by_default_and_refreshed_live(mapdata, client_as):
    client = client_as("county_admin")
    closed = make_incident(mapdata["a"]["village"], lat=A[1], lng=A[0] + 0.003, state=ic.State.CLOSED)
    open_one = mapdata["a"]["incident"]
    _response, default = get_layer_json(client, "incidents", bbox=AROUND_A)
    assert ids(default) == {open_one.code}
    assert default["features"][0]["properties"]["s"] == ic.State.REPORTED
    _response, only_closed = get_layer_json(client, "incidents", bbox=AROUND_A, state="closed")
    assert ids(only_closed) == {closed.code}
    _response, everything = get_layer_json(client, "incidents", bbox=AROUND_A, state="all")
    assert ids(everything) == {open_one.code, closed.code}
    response, body = get_layer_json(client, "incidents", bbox=AROUND_A, state="lost")
    assert response.status_code == 400 and body["error"]
    assert get_layer("incidents").refresh_seconds == 10


def test_parcels_by_land_type_or_by_crop(mapdata, client_as):
    client = client_as("village_clerk_a")
    _response, by_type = get_layer_json(client, "parcels", bbox=AROUND_A)
    _response, by_crop = get_layer_json(client, "parcels", bbox=AROUND_A, color="crop")
    assert by_type["features"][0]["properties"]["k"] == "#f59f00"  # cultivated land
    assert [item["label"] for item in by_crop["legend"]] == ["花椒"]


def test_a_heavy_layer_stops_at_its_cap_and_says_so(mapdata, client_as, monkeypatch):
    from xiangcun.households import layers

    for offset in (0.001, 0.002):
        place_house(mapdata["a"]["village"], A[0] + offset, A[1])
    monkeypatch.setattr(layers, "HOUSE_CAP", 2)
    _response, body = get_layer_json(client_as("county_admin"), "houses", bbox=AROUND_A)
    assert len(body["features"]) == 2 and body["capped"] is True
    monkeypatch.setattr(layers, "HOUSE_CAP", 3)
    _response, body = get_layer_json(client_as("county_admin"), "houses", bbox=AROUND_A)
    assert len(body["features"]) == 3 and body["capped"] is False


@pytest.mark.parametrize("bbox", ["abc", "104,33,105", "105,33,104,34", "104,34,105,33", "0,0,200,1", "nan,0,1,1",
                                  "104,33,105,34,1"])
def test_a_bad_visible_box_answers_400_saying_what_is_wrong(mapdata, client_as, bbox):
    response, body = get_layer_json(client_as("county_admin"), "incidents", bbox=bbox)
    assert response.status_code == 400
    assert "bbox" in body["error"]


def test_heavy_layers_need_a_visible_box(mapdata, client_as):
    for key in ("houses", "parcels", "households"):
        response, body = get_layer_json(client_as("county_admin"), key)
        assert response.status_code == 400 and "bbox" in body["error"]


def test_a_layer_the_user_may_not_see_is_not_found(mapdata, client_as):
    # 部门人员 see facilities but not grids (regions.view_grid); a villager opens no map at all.
    staff = client_as("dept_staff")
    assert get_layer_json(staff, "grids", bbox=WIDE)[0].status_code == 404
    assert get_layer_json(staff, "facilities", bbox=WIDE)[0].status_code == 200
    for key in ("boundaries", "houses", "incidents"):
        assert get_layer_json(client_as("villager_a"), key, bbox=WIDE)[0].status_code == 404
    assert get_layer_json(client_as(None), "boundaries", bbox=WIDE)[0].status_code == 404
    assert get_layer_json(client_as("county_admin"), "no-such-layer", bbox=WIDE)[0].status_code == 404


def test_the_house_layer_reads_a_fixed_number_of_queries_however_many_houses(mapdata, client_as):
    client = client_as("county_admin")
    client.get("/map/layers/houses.geojson", {"bbox": AROUND_A})  # session and permissions warmed up

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/map/layers/houses.geojson", {"bbox": AROUND_A, **params}).status_code == 200
        return len(captured)

    before, before_tag = queries(), queries(color="jiance")
    for offset in range(1, 6):
        place_house(mapdata["a"]["village"], A[0] + offset * 0.0005, A[1], tags=("jiance",))
    assert queries() == before
    assert queries(color="jiance") == before_tag
    assert before <= 8


def test_a_facility_summary_shows_its_first_photos_thumbnail(mapdata, client_as):
    from xiangcun.core.images import process_image
    from xiangcun.core.mapping import url_or_none
    from xiangcun.incidents.tests.factories import photo_upload
    from xiangcun.regions.models import FacilityPhoto

    facility = mapdata["a"]["facility"]
    client = client_as("village_clerk_a")
    assert client.get(f"/map/layers/facilities/{facility.pk}/").json()["thumbnail"] is None
    processed = process_image(photo_upload())
    photo = FacilityPhoto(facility=facility)
    photo.image.save("f.jpg", processed.image, save=False)
    photo.thumbnail.save("f.jpg", processed.thumbnail, save=False)
    photo.save()
    summary = client.get(f"/map/layers/facilities/{facility.pk}/").json()
    assert summary["thumbnail"] == url_or_none("regions:facility-photo", photo.pk, "thumb")
    assert summary["title"] == "杰迪村卫生室"
    other = mapdata["b"]["facility"]
    assert client.get(f"/map/layers/facilities/{other.pk}/").status_code == 404
