"""随手拍 on the phone page: the plain form, the JSON answer the page's outbox relies on, and refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiangcun.incidents.choices import Source, State
from xiangcun.incidents.models import Incident
from xiangcun.incidents.tests.factories import photo_upload

pytestmark = pytest.mark.django_db

VILLAGE_A = "623023103203"
URL = "/m/incidents/report/"


def fields(**overrides) -> dict:
    return {"category": "env-garbage", "description": "村口垃圾堆放多日", "region": VILLAGE_A,
            "client_key": "", **overrides}


def test_the_report_page_offers_photos_places_and_categories(client_as):
    page = client_as("villager_a").get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'capture="environment"' in html and "multiple" in html
    assert 'data-testid="group-env"' in html and 'data-testid="cat-env-garbage"' in html
    assert f'value="{VILLAGE_A}"' in html and 'value="623023102214"' in html  # villages of the whole county
    assert 'name="client_key"' in html


def test_a_plain_form_report_lands_on_its_tracking_page(client_as, personas):
    client = client_as("villager_a")
    response = client.post(URL, {**fields(), "photos": [photo_upload(exif_gps=True)]})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("incidents_mobile:mine-detail",
                                                                   args=[incident.code])
    assert incident.reporter == personas["villager_a"] and incident.source == Source.VILLAGER
    assert incident.state == State.REPORTED and incident.photos.count() == 1
    followed = client.get(response.url)
    assert incident.code in followed.content.decode()


def test_the_same_client_key_twice_makes_one_incident_and_the_same_answer(client_as):
    client = client_as("villager_a")
    first = client.post(URL, {**fields(client_key="draft-7f3a"), "photos": [photo_upload()]},
                        HTTP_ACCEPT="application/json")
    again = client.post(URL, {**fields(client_key="draft-7f3a"), "photos": [photo_upload()]},
                        HTTP_ACCEPT="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["code"] == again.json()["code"]
    assert first.json()["created"] is True and again.json()["created"] is False
    assert again.json()["url"] == reverse("incidents_mobile:mine-detail", args=[first.json()["code"]])
    assert Incident.objects.count() == 1


def test_a_bad_photo_is_named_at_the_photo_step_and_the_rest_is_kept(client_as):
    fake = SimpleUploadedFile("scan.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    page = client_as("villager_a").post(URL, {**fields(description="桥头护栏断了"), "photos": [fake]})
    assert page.status_code == 400
    html = page.content.decode()
    photo_error = html.split('data-testid="error-photos"')[1].split("</div></div>")[0]
    assert "scan.jpg" in photo_error
    assert "桥头护栏断了" in html  # the words
    assert 'id="cat-env-garbage" value="env-garbage" autocomplete="off" checked' in html  # the category
    assert f'value="{VILLAGE_A}" selected' in html  # the village
    assert not Incident.objects.exists()


def test_a_bad_photo_answers_json_with_the_field_for_the_script(client_as):
    fake = SimpleUploadedFile("scan.jpg", b"not a picture", content_type="image/jpeg")
    answer = client_as("villager_a").post(URL, {**fields(), "photos": [fake]}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400
    assert answer.json()["field"] == "photos" and answer.json()["code"] == "photo_rejected"


def test_missing_words_and_category_are_named_at_their_fields(client_as):
    answer = client_as("villager_a").post(URL, fields(category="", description=""), HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"category", "description"}


def test_a_report_without_a_place_asks_for_the_village(client_as):
    page = client_as("villager_a").post(URL, fields(region=""))
    assert page.status_code == 400
    assert page.content.decode().split('data-testid="error-region"')[1].split("</div></div>")[0].strip(">")
    assert not Incident.objects.exists()


def test_a_possible_duplicate_is_mentioned(client_as):
    client = client_as("villager_a")
    point = {"lat": "33.79", "lng": "104.37"}
    client.post(URL, {**fields(**point), "photos": [photo_upload()]}, HTTP_ACCEPT="application/json")
    second = client.post(URL, {**fields(**point), "photos": [photo_upload()]}, HTTP_ACCEPT="application/json")
    assert second.json()["possible_duplicate"] == Incident.objects.order_by("id").first().code


def test_a_clerk_cannot_report_in_another_village(client_as):
    answer = client_as("village_clerk_a").post(URL, fields(region="623023102214"), HTTP_ACCEPT="application/json")
    assert answer.status_code in (400, 404) and not Incident.objects.exists()


def test_the_home_page_leads_to_the_phone_pages(client_as):
    villager = client_as("villager_a").get("/").content.decode()
    assert 'data-testid="quick-report"' in villager and 'data-testid="quick-my-reports"' in villager
    assert 'data-testid="quick-incident-inbox"' not in villager
    worker = client_as("grid_worker_a").get("/").content.decode()
    assert 'data-testid="quick-incident-inbox"' in worker


def test_locate_names_the_village_of_a_point_or_refuses_nonsense(client_as, monkeypatch, tree):
    from xiangcun.incidents.views import mobile

    monkeypatch.setattr(mobile, "locate", lambda lat, lng: (tree[VILLAGE_A], None))
    client = client_as("villager_a")
    found = client.get("/m/incidents/locate/", {"lat": "33.79", "lng": "104.37"})
    assert found.json()["village"]["code"] == VILLAGE_A
    assert client.get("/m/incidents/locate/", {"lat": "north", "lng": "104"}).status_code == 400
    assert client.get("/m/incidents/locate/", {"lat": "95", "lng": "104"}).status_code == 400
