"""GET /api/v1/dashboard/overview/<code>/: who may read which region, the shape, the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.dashboard.services import snapshots_refresh
from xiangcun.dashboard.tests.overview_data import build_incidents, build_registry
from xiangcun.incidents.tests.factories import make_incident

TOWNSHIP_A = VILLAGE_A[:9]
COUNTY = VILLAGE_A[:6]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry(tree, personas):
    return {**build_registry(tree), **build_incidents(tree, personas)}


def url(code: str) -> str:
    return reverse("dashboard:overview-api", args=[code])


def test_the_overview_has_the_contract_shape(client_as, registry):
    response = client_as("village_clerk_a").get(url(VILLAGE_A))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"region", "computed_at", "generated_at", "population", "income", "monitoring",
                         "incidents", "grid", "suppressed_below"}
    assert set(body["region"]) == {"code", "name", "level", "level_label", "ancestors", "children"}
    assert body["region"]["code"] == VILLAGE_A and body["region"]["name"] == "杰迪村"
    assert set(body["population"]) == {"households", "persons", "by_tag", "by_ethnicity", "age_pyramid"}
    assert set(body["income"]) == {"year", "monitoring_line", "per_capita_trend", "distribution", "below_line",
                                   "near_line"}
    assert set(body["monitoring"]) == {"by_state", "open_cases"}
    assert set(body["incidents"]) == {"today", "month", "open", "overdue", "on_time_rate", "village_closed_share",
                                      "rates_period", "by_category", "recent"}
    assert set(body["incidents"]["rates_period"]) == {"days", "since", "closed", "label"}
    assert set(body["incidents"]["recent"][0]) == {"id", "code", "category", "village", "state", "state_label",
                                                   "created_at", "reporter"}
    assert set(body["grid"]) == {"grids", "workers", "patrols_month", "reports_per_grid"}
    assert body["suppressed_below"] == 5
    assert len(body["income"]["distribution"]) == 6


@pytest.mark.parametrize(("persona", "code", "status"), [
    ("village_clerk_a", VILLAGE_A, 200),
    ("village_clerk_a", VILLAGE_B, 404),
    ("village_clerk_a", VILLAGE_A2, 404),
    ("village_clerk_a", TOWNSHIP_A, 404),
    ("village_clerk_a", COUNTY, 404),
    ("township_officer", TOWNSHIP_A, 200),
    ("township_officer", VILLAGE_A2, 200),
    ("township_officer", VILLAGE_B, 404),
    ("township_officer", COUNTY, 404),
    ("county_admin", COUNTY, 200),
    ("dept_staff", COUNTY, 200),
    ("grid_worker_a", VILLAGE_A, 200),
    ("villager_a", VILLAGE_A, 404),
    ("county_admin", "999999", 404),
])
def test_only_regions_in_scope_answer(client_as, tree, persona, code, status):
    assert client_as(persona).get(url(code)).status_code == status


def test_anonymous_callers_are_refused(client_as, tree):
    assert client_as(None).get(url(VILLAGE_A)).status_code in (401, 403)


def test_a_token_is_enough(personas, tree):
    from xiangcun.accounts.services import token_issue

    _token, key = token_issue(user=personas["township_officer"], name="screen")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(url(TOWNSHIP_A)).status_code == 200
    assert client.get(url(VILLAGE_B)).status_code == 404


def test_the_township_officer_sees_only_the_township_sums(client_as, registry):
    body = client_as("township_officer").get(url(TOWNSHIP_A)).json()
    assert body["population"]["persons"] == 10  # 杰迪村 7 + 水地村 3, not 狼岔坝村's 6
    assert {child["code"] for child in body["region"]["children"]} == {VILLAGE_A, VILLAGE_A2}
    assert body["incidents"]["today"] == 3
    assert all(item["village"] != "狼岔坝村" for item in body["incidents"]["recent"])


def test_the_answer_is_cached_for_a_short_time(client_as, registry, tree, django_assert_max_num_queries):
    client = client_as("village_clerk_a")
    first = client.get(url(VILLAGE_A)).json()
    make_incident(tree[VILLAGE_A])
    with django_assert_max_num_queries(6):  # session, user, scope: no figures recomputed
        cached = client.get(url(VILLAGE_A)).json()
    assert cached["generated_at"] == first["generated_at"]
    assert cached["incidents"]["today"] == first["incidents"]["today"] == 3
    cache.clear()  # what the TTL does after 15 seconds
    assert client.get(url(VILLAGE_A)).json()["incidents"]["today"] == 4


def test_the_cache_expires_after_its_ttl(client_as, registry, tree, monkeypatch):
    import time as real_time

    from xiangcun.dashboard import selectors

    client = client_as("village_clerk_a")
    client.get(url(VILLAGE_A))
    make_incident(tree[VILLAGE_A])
    later = real_time.time() + selectors.OVERVIEW_CACHE_SECONDS + 1
    monkeypatch.setattr(selectors, "_clock", lambda: later)
    assert client.get(url(VILLAGE_A)).json()["incidents"]["today"] == 4


def test_a_stale_copy_answers_while_another_request_recomputes(client_as, registry, tree, monkeypatch):
    import time as real_time

    from xiangcun.dashboard import selectors
    from xiangcun.dashboard.services import overview_cache_key

    client = client_as("village_clerk_a")
    client.get(url(VILLAGE_A))
    make_incident(tree[VILLAGE_A])
    monkeypatch.setattr(selectors, "_clock", lambda: real_time.time() + selectors.OVERVIEW_CACHE_SECONDS + 1)
    lock = overview_cache_key(VILLAGE_A, "zh-hans") + ":computing"
    cache.add(lock, True)  # another process is computing it now
    assert client.get(url(VILLAGE_A)).json()["incidents"]["today"] == 3
    cache.delete(lock)
    assert client.get(url(VILLAGE_A)).json()["incidents"]["today"] == 4
    assert cache.get(lock) is None


def test_refreshing_snapshots_drops_the_cached_overviews_above(client_as, registry, tree,
                                                                django_capture_on_commit_callbacks):
    from xiangcun.dashboard.tests.overview_data import household

    client = client_as("township_officer")
    assert client.get(url(TOWNSHIP_A)).json()["population"]["households"] == 5
    household(tree[VILLAGE_A2], "A2-9", members=(("M", 40, "han"),))
    assert client.get(url(TOWNSHIP_A)).json()["population"]["households"] == 5  # cached, snapshot unchanged
    with django_capture_on_commit_callbacks(execute=True):
        snapshots_refresh(villages=[tree[VILLAGE_A2]])
    assert client.get(url(TOWNSHIP_A)).json()["population"]["households"] == 6


def test_the_schema_documents_the_endpoint(client_as, tree):
    response = client_as("county_admin").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/dashboard/overview/{code}/"]["get"]
    assert "dashboard.view_screen" in operation["description"]


def test_each_language_has_its_own_cached_copy(client_as, registry, settings):
    chinese, english = client_as("village_clerk_a"), client_as("village_clerk_a")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert chinese.get(url(VILLAGE_A)).json()["region"]["level_label"] != "village"
    assert english.get(url(VILLAGE_A)).json()["region"]["level_label"] == "village"
    assert chinese.get(url(VILLAGE_A)).json()["region"]["level_label"] != "village"
