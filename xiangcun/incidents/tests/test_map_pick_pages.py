"""Where each place picker opens, and that the phone page does not download the map until asked."""

from __future__ import annotations

import re

import pytest

from xiangcun.incidents.tests.factories import make_incident

pytestmark = pytest.mark.django_db

VILLAGE_A = "623023103203"


def attribute(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_the_phone_report_opens_the_picker_on_the_villagers_village_and_loads_no_map_before(client_as):
    html = client_as("villager_a").get("/m/incidents/report/").content.decode()
    assert attribute(html, "data-picker-within") == VILLAGE_A
    assert attribute(html, "data-boundaries-url") == "/regions/boundaries/"
    assert 'data-testid="pick-on-map"' in html
    assert "js/point-picker.js" in attribute(html, "data-picker-url")  # it brings maps.js and MapLibre when tapped
    assert not re.search(r'<(script|link)[^>]+(src|href)="[^"]*(maplibre|maps\.js|point-picker)', html)


def test_the_desk_entry_opens_on_the_users_area(client_as):
    clerk = client_as("village_clerk_a").get("/incidents/new/").content.decode()
    assert 'data-testid="place-picker"' in clerk and attribute(clerk, "data-within") == VILLAGE_A
    officer = client_as("township_officer").get("/incidents/new/").content.decode()
    assert attribute(officer, "data-within") == "623023103"


def test_the_incident_page_offers_the_picker_to_correct_the_place_only_to_those_who_work_on_it(
        client_as, personas, tree):
    incident = make_incident(tree[VILLAGE_A], reporter=personas["villager_a"])
    clerk = client_as("village_clerk_a").get(incident.get_absolute_url()).content.decode()
    assert 'data-testid="relocate-pick"' in clerk and attribute(clerk, "data-within") == VILLAGE_A
    assert "js/point-picker.js" in clerk
    reporter = client_as("villager_a").get(incident.get_absolute_url())
    assert reporter.status_code in (200, 302, 404)
    assert 'data-testid="relocate-pick"' not in reporter.content.decode()
    assert "js/point-picker.js" not in reporter.content.decode()
