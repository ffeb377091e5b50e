"""The OpenAPI schema states what the API checks, so a client (or a fuzzer) can send data it will accept."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/schema/", {"format": "json"}).json()


def parameters(schema, path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in schema["paths"][path][method].get("parameters", [])}


def test_number_filters_state_their_type_and_bounds(schema):
    persons = parameters(schema, "/api/v1/persons/")
    assert persons["age_max"] == {"type": "integer", "minimum": 0, "maximum": 150}
    assert parameters(schema, "/api/v1/income-records/")["year"] == {"type": "integer", "minimum": 2000,
                                                                     "maximum": 2100}


def test_every_region_filter_and_region_path_states_the_division_code_pattern(schema):
    found = 0
    for path, item in schema["paths"].items():
        for name, spec in parameters(schema, path).items() if "get" in item else ():
            if name == "region":
                found += 1
                assert re.fullmatch(spec["pattern"], "623023103") and not re.fullmatch(spec["pattern"], "6230231")
    assert found >= 9
    code = parameters(schema, "/api/v1/regions/{code}/")["code"]
    assert re.fullmatch(code["pattern"], "623023103203") and not re.fullmatch(code["pattern"], "abc")


def test_pages_start_at_one(schema):
    persons = parameters(schema, "/api/v1/persons/")
    assert persons["page"]["minimum"] == 1 and persons["page_size"] == {"type": "integer", "minimum": 1,
                                                                         "maximum": 1000}


def test_one_incidents_timeline_and_photos_take_no_list_filters(schema):
    for path in ("/api/v1/incidents/{code}/events/", "/api/v1/incidents/{code}/photos/"):
        assert set(parameters(schema, path)) == {"code"}, path
