"""公共设施: services, pages and API — a clerk keeps their own village's facilities and sees no other's."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.regions import services
from xiangcun.regions.models import Facility, FacilityPhoto
from xiangcun.regions.tests.factories import make_facility


def square(lng: float, lat: float, half: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lng - half, lat - half], [lng + half, lat - half],
                                                [lng + half, lat + half], [lng - half, lat + half],
                                                [lng - half, lat - half]]]}


INSIDE_A = (33.79, 104.25)
INSIDE_B = (33.79, 104.31)


@pytest.fixture
def villages(tree):
    a, b = tree[VILLAGE_A], tree[VILLAGE_B]
    a.boundary = square(INSIDE_A[1], INSIDE_A[0])
    b.boundary = square(INSIDE_B[1], INSIDE_B[0])
    a.save()
    b.save()
    return a, b


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps(name: str = "well.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (33.0, 47.0, 24.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def not_a_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.jpg", b"this is text, not a picture", content_type="image/jpeg")


# --- services ---------------------------------------------------------------------------------------------

def test_a_clerk_registers_a_facility_with_a_photo_stripped_of_exif(villages, personas):
    village, _other = villages
    facility = services.facility_create(actor=personas["village_clerk_a"], village=village, kind="well",
                                        name=" 三号机井 ", latitude=INSIDE_A[0], longitude=INSIDE_A[1],
                                        photos=[jpeg_with_gps()])
    assert (facility.name, facility.region, facility.active) == ("三号机井", village, True)
    photo = facility.photos.get()
    assert photo.uploaded_by == personas["village_clerk_a"]
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif(), "EXIF (GPS, phone) must not be stored"
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320


def test_gcj02_input_is_stored_as_wgs84(villages, personas):
    village, _other = villages
    facility = services.facility_create(actor=personas["village_clerk_a"], village=village, kind="clinic",
                                        name="卫生室", latitude=33.7880, longitude=104.2560,
                                        coordinate_system="gcj02")
    # GCJ-02 is shifted some hundreds of metres from WGS84 in China: the stored point is not the typed one.
    assert (facility.latitude, facility.longitude) != (33.7880, 104.2560)
    assert abs(facility.latitude - 33.7880) < 0.01 and abs(facility.longitude - 104.2560) < 0.01


def test_a_position_outside_the_village_is_refused_and_nothing_is_saved(villages, personas):
    village, _other = villages
    with pytest.raises(ServiceError) as refused:
        services.facility_create(actor=personas["village_clerk_a"], village=village, kind="well", name="机井",
                                 latitude=INSIDE_B[0], longitude=INSIDE_B[1], photos=[jpeg_with_gps()])
    assert refused.value.code == "outside_village"
    assert refused.value.extra["field"] == "latitude"
    assert not Facility.objects.exists() and not FacilityPhoto.objects.exists()


def test_a_village_without_an_outline_refuses_a_point_in_another_village(villages, personas, tree):
    from xiangcun.core.testing import VILLAGE_A2

    bare = tree[VILLAGE_A2]
    with pytest.raises(ServiceError) as refused:
        services.facility_create(actor=None, village=bare, kind="well", name="机井",
                                 latitude=INSIDE_A[0], longitude=INSIDE_A[1])
    assert refused.value.code == "outside_village"
    far = services.facility_create(actor=None, village=bare, kind="well", name="机井", latitude=33.5, longitude=104.0)
    assert far.region == bare


def test_a_bad_photo_refuses_the_whole_facility(villages, personas, settings):
    village, _other = villages
    with pytest.raises(ServiceError) as refused:
        services.facility_create(actor=personas["village_clerk_a"], village=village, kind="well", name="机井",
                                 latitude=INSIDE_A[0], longitude=INSIDE_A[1], photos=[jpeg_with_gps(), not_a_photo()])
    assert refused.value.code == "photo_rejected"
    assert "notes.jpg" in refused.value.message
    assert not Facility.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


@pytest.mark.parametrize(("field", "value", "code"), [("name", "  ", "invalid"), ("kind", "castle", "invalid"),
                                                      ("latitude", "north", "bad_position")])
def test_required_and_bad_fields_are_refused(villages, personas, field, value, code):
    village, _other = villages
    values = {"kind": "well", "name": "机井", "latitude": INSIDE_A[0], "longitude": INSIDE_A[1], field: value}
    with pytest.raises(ServiceError) as refused:
        services.facility_create(actor=personas["village_clerk_a"], village=village, **values)
    assert refused.value.code == code
    assert not Facility.objects.exists()


def test_a_clerk_cannot_create_in_another_village(villages, personas):
    _village, other = villages
    with pytest.raises(OutOfScope):
        services.facility_create(actor=personas["village_clerk_a"], village=other, kind="well", name="机井",
                                 latitude=INSIDE_B[0], longitude=INSIDE_B[1])
    assert not Facility.objects.exists()


def test_update_moves_the_point_inside_the_village_and_refuses_outside(villages, personas):
    village, _other = villages
    clerk = personas["village_clerk_a"]
    facility = make_facility(village, latitude=INSIDE_A[0], longitude=INSIDE_A[1])
    services.facility_update(actor=clerk, facility=facility, kind="school", name="杰迪小学", latitude=33.795,
                             longitude=104.255, description="六个年级", contact="王老师")
    facility.refresh_from_db()
    changed = (facility.kind, facility.name, facility.latitude, facility.contact)
    assert changed == ("school", "杰迪小学", 33.795, "王老师")
    with pytest.raises(ServiceError):
        services.facility_update(actor=clerk, facility=facility, kind="school", name="杰迪小学",
                                 latitude=INSIDE_B[0], longitude=INSIDE_B[1])
    facility.refresh_from_db()
    assert facility.latitude == 33.795


def test_photos_are_added_and_removed_and_a_bad_one_adds_none(villages, personas,
                                                               django_capture_on_commit_callbacks):
    village, _other = villages
    clerk = personas["village_clerk_a"]
    facility = make_facility(village, latitude=INSIDE_A[0], longitude=INSIDE_A[1])
    added = services.facility_photo_add(actor=clerk, facility=facility, photos=[jpeg_with_gps(), jpeg_with_gps()])
    assert facility.photos.count() == 2
    with pytest.raises(ServiceError):
        services.facility_photo_add(actor=clerk, facility=facility, photos=[jpeg_with_gps(), not_a_photo()])
    assert facility.photos.count() == 2
    path = added[0].image.path
    with django_capture_on_commit_callbacks(execute=True):
        services.facility_photo_remove(actor=clerk, photo=added[0])
    assert facility.photos.count() == 1
    assert not os.path.exists(path)


def test_deactivate_takes_a_facility_out_of_service_once(villages, personas):
    village, _other = villages
    facility = make_facility(village)
    services.facility_deactivate(actor=personas["village_clerk_a"], facility=facility)
    facility.refresh_from_db()
    assert facility.active is False
    with pytest.raises(ServiceError) as again:
        services.facility_deactivate(actor=personas["village_clerk_a"], facility=facility)
    assert again.value.code == "already_inactive"


def test_a_facility_change_is_in_the_audit_log(villages, personas):
    from auditlog.models import LogEntry

    village, _other = villages
    facility = services.facility_create(actor=personas["village_clerk_a"], village=village, kind="well",
                                        name="机井", latitude=INSIDE_A[0], longitude=INSIDE_A[1])
    assert LogEntry.objects.get_for_object(facility).exists()


# --- pages ------------------------------------------------------------------------------------------------

def test_the_create_page_saves_and_shows_errors_in_place(villages, client_as):
    client = client_as("village_clerk_a")
    page = client.get(reverse("regions:facility-create"))
    assert page.status_code == 200
    assert b'data-testid="place-picker"' in page.content
    refused = client.post(reverse("regions:facility-create"), {
        "region": VILLAGE_A, "kind": "well", "name": "机井", "lat": INSIDE_B[0], "lng": INSIDE_B[1]})
    assert refused.status_code == 200
    assert b'data-testid="error-lat"' in refused.content
    assert not Facility.objects.exists()
    missing = client.post(reverse("regions:facility-create"), {"region": VILLAGE_A, "lat": INSIDE_A[0],
                                                               "lng": INSIDE_A[1]})
    assert b'data-testid="error-name"' in missing.content and b'data-testid="error-kind"' in missing.content
    saved = client.post(reverse("regions:facility-create"), {
        "region": VILLAGE_A, "kind": "well", "name": "机井", "lat": INSIDE_A[0], "lng": INSIDE_A[1],
        "photos": [jpeg_with_gps()]})
    facility = Facility.objects.get()
    assert saved.status_code == 302 and saved["Location"] == facility.get_absolute_url()
    detail = client.get(facility.get_absolute_url())
    assert detail.content.count(b'data-testid="facility-photo"') == 1
    photo = facility.photos.get()
    thumb = client.get(reverse("regions:facility-photo", args=[photo.pk, "thumb"]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_clerk_may_choose_only_their_own_village(villages, client_as):
    client = client_as("village_clerk_a")
    page = client.get(reverse("regions:facility-create")).content.decode()
    assert f'value="{VILLAGE_A}"' in page and f'value="{VILLAGE_B}"' not in page
    refused = client.post(reverse("regions:facility-create"), {
        "region": VILLAGE_B, "kind": "well", "name": "机井", "lat": INSIDE_B[0], "lng": INSIDE_B[1]})
    assert b'data-testid="error-region"' in refused.content
    assert not Facility.objects.exists()


def test_another_villages_facility_is_not_found_for_every_page(villages, client_as):
    village, _other = villages
    facility = make_facility(village, latitude=INSIDE_A[0], longitude=INSIDE_A[1])
    photo = services.facility_photo_add(actor=None, facility=facility, photos=[jpeg_with_gps()])[0]
    client = client_as("village_clerk_b")
    assert client.get(facility.get_absolute_url()).status_code == 404
    assert client.get(reverse("regions:facility-edit", args=[facility.pk])).status_code == 404
    assert client.get(reverse("regions:facility-photo", args=[photo.pk, "full"])).status_code == 404
    for name, args in (("regions:facility-edit", [facility.pk]), ("regions:facility-deactivate", [facility.pk]),
                       ("regions:facility-photo-add", [facility.pk]),
                       ("regions:facility-photo-remove", [facility.pk, photo.pk])):
        assert client.post(reverse(name, args=args), {"name": "改名", "photos": [jpeg_with_gps()]}).status_code == 404
    facility.refresh_from_db()
    assert (facility.name, facility.active, facility.photos.count()) != ("改名", False, 0)
    assert facility.active and facility.photos.count() == 1
    assert b"facility-row" not in client.get(reverse("regions:facility-list")).content


def test_the_edit_page_and_deactivate_button(villages, client_as):
    village, _other = villages
    facility = make_facility(village, latitude=INSIDE_A[0], longitude=INSIDE_A[1])
    client = client_as("village_clerk_a")
    form = client.get(reverse("regions:facility-edit", args=[facility.pk]))
    assert form.status_code == 200 and facility.name.encode() in form.content
    client.post(reverse("regions:facility-edit", args=[facility.pk]), {
        "region": VILLAGE_A, "kind": "square", "name": "文化广场", "lat": 33.792, "lng": 104.252})
    facility.refresh_from_db()
    assert (facility.kind, facility.name) == ("square", "文化广场")
    client.post(reverse("regions:facility-deactivate", args=[facility.pk]))
    facility.refresh_from_db()
    assert not facility.active
    assert b'data-testid="facility-inactive"' in client.get(facility.get_absolute_url()).content


def _rows(response) -> str:
    """The result rows of the list page only (the kind filter's options name every kind, 卫生室 included)."""
    return "".join(re.findall(r'<tr data-testid="facility-row">.*?</tr>', response.content.decode(), re.S))


def test_the_list_filters_by_kind_and_region_and_costs_the_same_queries(villages, client_as):
    village, other = villages
    make_facility(village, kind="well", name="一号机井")
    make_facility(village, kind="clinic", name="卫生室")
    client = client_as("county_admin")
    wells = _rows(client.get(reverse("regions:facility-list"), {"kind": "well"}))
    assert "一号机井" in wells and "卫生室" not in wells
    make_facility(other, name="狼岔坝卫生室")
    by_region = _rows(client.get(reverse("regions:facility-list"), {"region": "623023103"}))
    assert "卫生室" in by_region and "狼岔坝卫生室" not in by_region
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("regions:facility-list"))
    for number in range(10):
        make_facility(other, name=f"路灯{number}", kind="streetlight")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("regions:facility-list"))
    assert len(many) == len(few)


# --- API --------------------------------------------------------------------------------------------------

def test_the_api_creates_through_the_service_and_refuses_outside_points(villages, client_as):
    client = client_as("village_clerk_a")
    url = reverse("facility-list")
    refused = client.post(url, {"region": VILLAGE_A, "kind": "well", "name": "机井", "latitude": INSIDE_B[0],
                                "longitude": INSIDE_B[1]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "outside_village"
    forged = client.post(url, {"region": VILLAGE_B, "kind": "well", "name": "机井", "latitude": INSIDE_B[0],
                               "longitude": INSIDE_B[1]}, content_type="application/json")
    assert forged.status_code == 400 and not Facility.objects.exists()
    created = client.post(url, {"region": VILLAGE_A, "kind": "well", "name": "机井", "latitude": INSIDE_A[0],
                                "longitude": INSIDE_A[1]}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["region"] == VILLAGE_A and body["kind_label"] and body["photos"] == []
    done = client.post(reverse("facility-deactivate", args=[body["id"]]))
    assert done.status_code == 200 and done.json()["active"] is False
    assert client_as("village_clerk_b").post(reverse("facility-deactivate", args=[body["id"]])).status_code == 404


def test_the_facility_list_api_costs_the_same_queries_for_many_rows(villages, client_as):
    village, _other = villages
    client = client_as("county_admin")
    make_facility(village)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("facility-list")).status_code == 200
    for _number in range(8):
        facility = make_facility(village)
        services.facility_photo_add(actor=None, facility=facility, photos=[jpeg_with_gps()])
    with CaptureQueriesContext(connection) as many:
        listed = client.get(reverse("facility-list"))
    assert listed.json()["count"] == 9
    assert len(many) == len(few)


# --- demo -------------------------------------------------------------------------------------------------

def test_the_demo_gives_every_village_a_committee_and_a_clinic_inside_it_deterministically(db):
    from pathlib import Path

    from shapely.geometry import Point, shape

    from xiangcun.regions.demo import seed_demo_geometry
    from xiangcun.regions.demo_facilities import seed_facilities
    from xiangcun.regions.importing import load_units
    from xiangcun.regions.models import Region

    services.region_import_tree(actor=None, units=load_units(Path(__file__).resolve().parent.parent / "data"
                                                              / "zhouqu"))
    seed_demo_geometry(county_code="623023", seed=2026)
    county = Region.objects.get(code="623023")
    first = seed_facilities(county=county, seed=2026)
    rows = list(Facility.objects.select_related("region").values_list("region__code", "kind", "name", "latitude",
                                                                       "longitude"))
    assert first["facilities_created"] == len(rows) and len(rows) >= 212 * 4
    assert seed_facilities(county=county, seed=2026)["facilities_created"] == 0  # a second run adds nothing
    kinds: dict[str, set[str]] = {}
    for facility in Facility.objects.select_related("region"):
        kinds.setdefault(facility.region.code, set()).add(facility.kind)
        assert shape(facility.region.boundary).covers(Point(facility.longitude, facility.latitude))
    assert all({"committee", "clinic"} <= found for found in kinds.values()) and len(kinds) == 212
    Facility.objects.all().delete()
    seed_facilities(county=county, seed=2026)
    again = list(Facility.objects.values_list("region__code", "kind", "name", "latitude", "longitude"))
    assert sorted(again) == sorted(rows)
