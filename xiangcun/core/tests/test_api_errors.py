"""What the API fuzzer (test_api_fuzz.py) found: inputs that made the server answer 500. Each now gets a 4xx
that says what was wrong, and changes nothing."""

from __future__ import annotations

import pytest

CONFIG_ROUTES = ["household-tags", "incident-categories", "income-rules", "low-income-categories",
                 "monitoring-lines"]


@pytest.mark.parametrize("route", CONFIG_ROUTES)
@pytest.mark.parametrize("persona", ["county_admin", "village_clerk_a"])
def test_a_trace_request_on_the_configuration_is_not_allowed(route, persona, client_as):
    client = client_as(persona)
    for path in (f"/api/v1/{route}/", f"/api/v1/{route}/1/"):
        response = client.generic("TRACE", path)
        assert response.status_code == 405, path
        assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("body", ["7", "[]", '"text"', "null"])
def test_a_token_request_that_is_not_an_object_is_refused(body, personas, client_as):
    response = client_as(None).post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("route", ["persons", "households"])
@pytest.mark.parametrize("value", ["1e20", "1e308", "200", "-1", "3.5"])
def test_an_age_filter_out_of_range_is_a_clear_error(route, value, client_as):
    response = client_as("county_admin").get(f"/api/v1/{route}/", {"age_max": value, "age_min": value})
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"age_max", "age_min"}
    assert all("\u4e00" <= ch <= "\u9fff" for ch in body["age_max"][0][:2]), body  # said in Chinese


def test_a_sensible_age_filter_still_filters(client_as):
    response = client_as("county_admin").get("/api/v1/persons/", {"age_min": 0, "age_max": 150})
    assert response.status_code == 200
