"""The region tree as people use it: pages, the breadcrumb switcher, the API and its filters."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.regions.models import Grid


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_the_api_filters_by_parent_level_and_code_prefix(client_as):
    api = client_as("county_admin")
    assert codes(api.get("/api/v1/regions/", {"parent": "623023"})) == ["623023102", "623023103"]
    assert codes(api.get("/api/v1/regions/", {"level": 5})) == [VILLAGE_B, VILLAGE_A2, VILLAGE_A]
    assert codes(api.get("/api/v1/regions/", {"code_prefix": "623023103"})) == ["623023103", VILLAGE_A2, VILLAGE_A]


def test_the_api_never_reaches_above_the_users_jurisdiction(client_as):
    api = client_as("township_officer")
    assert codes(api.get("/api/v1/regions/", {"code_prefix": "62"})) == ["623023103", VILLAGE_A2, VILLAGE_A]
    assert api.get("/api/v1/regions/623023/").status_code == 404


def test_a_bad_filter_value_is_a_clear_400(client_as):
    response = client_as("county_admin").get("/api/v1/regions/", {"level": "nine"})
    assert response.status_code == 400 and "level" in response.json()


def test_the_region_page_shows_parts_and_counts(client_as, tree):
    Grid.objects.create(code=f"{VILLAGE_A}G01", name="杰迪村第1网格", village=tree[VILLAGE_A])
    page = client_as("county_admin").get(reverse("regions:region-detail", args=["623023"]))
    assert page.status_code == 200
    assert [c.code for c in page.context["children"]] == ["623023102", "623023103"]
    assert page.context["counts"] == {"townships": 2, "villages": 3, "groups": 0, "grids": 1}


def test_the_breadcrumb_offers_only_regions_in_scope_and_refuses_others(client_as):
    client = client_as("township_officer")
    page = client.get("/")
    assert [r.code for r in page.context["breadcrumb"]] == ["623023103"]
    assert {r.code for r in page.context["breadcrumb_choices"]} == {VILLAGE_A, VILLAGE_A2}
    assert client.post(reverse("regions:switch"), {"code": VILLAGE_B, "next": "/"}).status_code == 404
    assert client.post(reverse("regions:switch"), {"code": VILLAGE_A, "next": "/"}).status_code == 302
    assert [r.code for r in client.get("/").context["breadcrumb"]] == ["623023103", VILLAGE_A]


def test_a_grid_is_created_in_the_users_village_through_the_api(client_as, tree):
    response = client_as("township_officer").post(
        "/api/v1/grids/", {"code": f"{VILLAGE_A}G09", "name": "杰迪村第9网格", "village": VILLAGE_A},
        content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Grid.objects.get(code=f"{VILLAGE_A}G09").village == tree[VILLAGE_A]


def test_a_forged_village_in_an_api_body_is_refused_and_nothing_is_saved(client_as):
    response = client_as("township_officer").post(
        "/api/v1/grids/", {"code": f"{VILLAGE_B}G09", "name": "伪造网格", "village": VILLAGE_B},
        content_type="application/json")
    assert response.status_code == 400 and "village" in response.json()
    assert not Grid.objects.filter(code=f"{VILLAGE_B}G09").exists()


def test_a_village_cadre_cannot_create_grids(client_as):
    response = client_as("village_clerk_a").post(
        "/api/v1/grids/", {"code": f"{VILLAGE_A}G09", "name": "x", "village": VILLAGE_A},
        content_type="application/json")
    assert response.status_code == 403
    assert not Grid.objects.exists()


def test_the_grid_list_api_costs_the_same_queries_for_many_rows(client_as, tree):
    api = client_as("county_admin")
    Grid.objects.create(code=f"{VILLAGE_A2}G01", name="水地村第1网格", village=tree[VILLAGE_A2])
    api.get("/api/v1/grids/")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/grids/")
    Grid.objects.bulk_create(Grid(code=f"{VILLAGE_A}G{i:02d}", name=f"网格{i}", village=tree[VILLAGE_A])
                             for i in range(30))
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/grids/").json()["results"]) == 31
    assert len(many) == len(few)


def test_the_openapi_schema_documents_the_routes(client_as):
    schema = client_as("county_admin").get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/regions/", "/api/v1/grids/", "/api/v1/auth/token/"} <= set(schema["paths"])
    docs = client_as("county_admin").get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
