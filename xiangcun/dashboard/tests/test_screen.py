"""数字大屏 pages: who may open which screen, /screen/ going to the user's highest region, the overview and the map
embedded for the first paint, drill-down only into regions in scope, suppressed cells shown as "<5"."""

from __future__ import annotations

import json
import re

import pytest

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.incidents.tests.factories import make_incident
from xiangcun.regions.models import Grid, Region

COUNTY, TOWNSHIP_A, TOWNSHIP_B = "623023", "623023103", "623023102"


@pytest.fixture(autouse=True)
def _fresh_overviews():
    """The overview is cached per region for a few seconds; each test counts its own incidents."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                                                [lng, lat + size], [lng, lat]]]}


@pytest.fixture
def drawn_tree(tree):
    """The test tree with outlines: two townships side by side, their villages inside, a grid in 杰迪村."""
    outlines = {COUNTY: square(104.0, 33.0, 1.0), TOWNSHIP_A: square(104.0, 33.0, 0.4),
                TOWNSHIP_B: square(104.5, 33.0, 0.4), VILLAGE_A: square(104.05, 33.05, 0.1),
                VILLAGE_A2: square(104.2, 33.05, 0.1), VILLAGE_B: square(104.55, 33.05, 0.1)}
    for code, outline in outlines.items():
        ring = outline["coordinates"][0]
        Region.objects.filter(code=code).update(boundary=outline, centroid_lng=(ring[0][0] + ring[1][0]) / 2,
                                                centroid_lat=(ring[0][1] + ring[2][1]) / 2)
    Grid.objects.create(code=f"{VILLAGE_A}01", name="杰迪一组网格", village=tree[VILLAGE_A],
                        boundary=square(104.05, 33.05, 0.05))
    return tree


def embedded(response, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    assert match, f"#{element_id} is not in the page"
    return json.loads(match.group(1))


def test_it_requires_login(tree):
    from django.test import Client

    response = Client().get(f"/screen/{COUNTY}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Client().get("/screen/").status_code == 302


@pytest.mark.parametrize(("persona", "code"), [("county_admin", COUNTY), ("township_officer", TOWNSHIP_A),
                                                ("village_clerk_a", VILLAGE_A)])
def test_screen_home_opens_the_highest_region_in_scope(client_as, persona, code):
    response = client_as(persona).get("/screen/")
    assert response.status_code == 302
    assert response["Location"] == f"/screen/{code}/"


def test_a_villager_has_no_screen(client_as):
    villager = client_as("villager_a")
    assert villager.get("/screen/").status_code == 404
    assert villager.get(f"/screen/{VILLAGE_A}/").status_code == 404


@pytest.mark.parametrize("code", [VILLAGE_B, TOWNSHIP_B, TOWNSHIP_A, COUNTY, "999999"])
def test_a_village_clerk_gets_404_outside_the_village(client_as, code):
    assert client_as("village_clerk_a").get(f"/screen/{code}/").status_code == 404


def test_the_page_embeds_the_overview_of_its_region(drawn_tree, client_as):
    make_incident(drawn_tree[VILLAGE_A], lat=33.07, lng=104.07)
    response = client_as("county_admin").get(f"/screen/{COUNTY}/")
    assert response.status_code == 200
    overview = embedded(response, "screen-overview")
    assert overview["region"]["code"] == COUNTY
    assert {child["code"] for child in overview["region"]["children"]} == {TOWNSHIP_A, TOWNSHIP_B}
    assert overview["incidents"]["open"] == 1
    urls = embedded(response, "screen-urls")
    assert urls["overview"] == f"/api/v1/dashboard/overview/{COUNTY}/"
    assert urls["events"] == f"/screen/{COUNTY}/events/"
    content = response.content.decode()
    assert 'data-testid="figure-open">1<' in content  # drawn by the server too: figures show before any script


def test_the_county_map_draws_the_townships_coloured_by_open_incidents(drawn_tree, client_as):
    make_incident(drawn_tree[VILLAGE_A], lat=33.07, lng=104.07)
    make_incident(drawn_tree[VILLAGE_A], lat=33.08, lng=104.08)
    make_incident(drawn_tree[VILLAGE_B])  # no position: counted, not drawn as a point
    data = embedded(client_as("county_admin").get(f"/screen/{COUNTY}/"), "screen-map-data")
    parts = {f["properties"]["code"]: f["properties"] for f in data["parts"]["features"]}
    assert set(parts) == {TOWNSHIP_A, TOWNSHIP_B}
    assert parts[TOWNSHIP_A]["value"] == 2 and parts[TOWNSHIP_B]["value"] == 1
    assert parts[TOWNSHIP_A]["name"] == "立节镇" and parts[TOWNSHIP_A]["openable"] is True
    assert data["outline"]["type"] == "Polygon"
    assert data["points"]["geometry"]["coordinates"] == [[104.08, 33.08], [104.07, 33.07]]  # latest first


def test_a_township_officer_drills_down_only_into_the_township(drawn_tree, client_as):
    make_incident(drawn_tree[VILLAGE_A], lat=33.07, lng=104.07)
    make_incident(drawn_tree[VILLAGE_B], lat=33.07, lng=104.57)
    officer = client_as("township_officer")
    response = officer.get(f"/screen/{TOWNSHIP_A}/")
    assert response.status_code == 200
    data = embedded(response, "screen-map-data")
    parts = {f["properties"]["code"]: f["properties"] for f in data["parts"]["features"]}
    assert set(parts) == {VILLAGE_A, VILLAGE_A2} and all(p["openable"] for p in parts.values())
    assert data["points"]["geometry"]["coordinates"] == [[104.07, 33.07]]  # not 狼岔坝村's
    content = response.content.decode()
    assert f'href="/screen/{COUNTY}/"' not in content  # the county is above the officer: no link up to it
    assert 'data-testid="screen-up"' not in content
    assert officer.get(f"/screen/{COUNTY}/").status_code == 404
    assert officer.get(f"/screen/{VILLAGE_A}/").status_code == 200


def test_a_village_screen_draws_its_grids_and_links_up_when_in_scope(drawn_tree, client_as):
    response = client_as("township_officer").get(f"/screen/{VILLAGE_A}/")
    data = embedded(response, "screen-map-data")
    assert [(f["properties"]["code"], f["properties"]["kind"]) for f in data["parts"]["features"]] == [
        (f"{VILLAGE_A}01", "grid")]
    assert "openable" not in data["parts"]["features"][0]["properties"]
    content = response.content.decode()
    assert f'href="/screen/{TOWNSHIP_A}/" data-testid="screen-up"' in content
    assert 'data-testid="figure-parts">1<' in content  # a village counts its grids, not its (absent) children


def test_suppressed_cells_show_as_under_five_never_zero(drawn_tree, client_as, monkeypatch):
    from xiangcun.dashboard import selectors

    real = selectors.cached_region_overview

    def with_small_cells(region):
        overview = real(region)
        overview["population"]["households"] = None
        overview["population"]["persons"] = 7
        return overview

    monkeypatch.setattr(selectors, "cached_region_overview", with_small_cells)
    response = client_as("village_clerk_a").get(f"/screen/{VILLAGE_A}/")
    content = response.content.decode()
    assert 'data-testid="figure-households">&lt;5<' in content
    assert 'data-testid="figure-persons">7<' in content
    assert embedded(response, "screen-text")["suppressed"] == "<5"


def test_the_page_reads_a_fixed_number_of_queries(drawn_tree, client_as, django_assert_max_num_queries):
    from xiangcun.dashboard import selectors

    for _ in range(5):
        make_incident(drawn_tree[VILLAGE_A], lat=33.07, lng=104.07)
    client = client_as("county_admin")
    client.get(f"/screen/{COUNTY}/")  # the overview is now cached
    cached = selectors.cached_region_overview(drawn_tree[COUNTY])
    # session, user, scope, region, ancestors, outlines, children, incident points, and the context processors
    with django_assert_max_num_queries(18):
        response = client.get(f"/screen/{COUNTY}/")
    assert embedded(response, "screen-overview")["generated_at"] == cached["generated_at"]


def test_the_main_navigation_offers_the_big_screen_to_those_who_may_open_it(client_as):
    assert 'data-testid="nav-screen"' in client_as("village_clerk_a").get("/").content.decode()
    assert 'data-testid="nav-screen"' not in client_as("villager_a").get("/").content.decode()
