"""Edit forms keep what they show: stored dates appear in the date inputs, and posting an unchanged form back
changes nothing (the defect: dates rendered in the locale's format, which ``<input type="date">`` drops)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, form_values
from xiangcun.households import choices
from xiangcun.households.models import House, LandParcel, PersonEvent
from xiangcun.households.tests.factories import make_household, make_person
from xiangcun.monitoring.choices import CaseState
from xiangcun.monitoring.tests.factories import make_case

pytestmark = pytest.mark.django_db


def date_input(html: str, name: str) -> str:
    """The value a browser shows in the date input ``name`` ('' when it has none)."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    assert 'type="date"' in tag.group(0)
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def unchanged_post(client, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    saved = client.post(url, form_values(page.content.decode(), "action-form"))
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved


def test_a_parcels_edit_form_shows_its_contract_dates_and_an_unchanged_save_changes_nothing(tree, client_as):
    household = make_household(tree[VILLAGE_A])
    parcel = LandParcel.objects.create(household=household, land_type=choices.LandType.CULTIVATED,
                                       area_mu=Decimal("2.50"), crop="青稞", contract_number="HT-001",
                                       contract_start=date(2019, 1, 1), contract_end=date(2048, 12, 31))
    client = client_as("village_clerk_a")
    url = f"/households/{household.uuid}/parcels/{parcel.pk}/"
    html = client.get(url).content.decode()
    assert date_input(html, "contract_start") == "2019-01-01"
    assert date_input(html, "contract_end") == "2048-12-31"
    entries = LogEntry.objects.count()
    unchanged_post(client, url)
    parcel.refresh_from_db()
    assert (parcel.contract_start, parcel.contract_end) == (date(2019, 1, 1), date(2048, 12, 31))
    assert (parcel.area_mu, parcel.crop, parcel.contract_number) == (Decimal("2.50"), "青稞", "HT-001")
    assert LogEntry.objects.count() == entries


def test_a_houses_edit_form_shows_its_rating_date_and_an_unchanged_save_changes_nothing(tree, client_as):
    household = make_household(tree[VILLAGE_A])
    house = House.objects.create(household=household, structure=choices.HouseStructure.BRICK_CONCRETE, floors=2,
                                 floor_area=Decimal("120.5"), year_built=2008, safety_rating=choices.SafetyRating.C,
                                 rated_on=date(2024, 6, 3), latitude=33.7812345, longitude=104.3654321, height=6.5)
    client = client_as("village_clerk_a")
    url = f"/households/{household.uuid}/houses/{house.pk}/"
    assert date_input(client.get(url).content.decode(), "rated_on") == "2024-06-03"
    entries = LogEntry.objects.count()
    unchanged_post(client, url)
    house.refresh_from_db()
    assert house.rated_on == date(2024, 6, 3) and house.safety_rating == choices.SafetyRating.C
    assert (house.floor_area, house.year_built, house.latitude, house.height) == (
        Decimal("120.5"), 2008, 33.7812345, 6.5)
    assert LogEntry.objects.count() == entries


def test_unchanged_household_and_member_edits_change_nothing(tree, client_as):
    household = make_household(tree[VILLAGE_A], members=2)
    child = household.members.exclude(pk=household.head_id).get()
    client = client_as("village_clerk_a")
    entries, events = LogEntry.objects.count(), PersonEvent.objects.count()
    unchanged_post(client, f"/households/{household.uuid}/edit/")
    unchanged_post(client, f"/households/persons/{child.uuid}/edit/")
    assert LogEntry.objects.count() == entries and PersonEvent.objects.count() == events


@pytest.mark.parametrize("path", ["{household}/members/add/", "{household}/head/", "persons/{person}/leave/"])
def test_date_fields_of_membership_events_start_with_today(tree, client_as, path):
    household = make_household(tree[VILLAGE_A])
    person = make_person(household)
    url = "/households/" + path.format(household=household.uuid, person=person.uuid)
    html = client_as("village_clerk_a").get(url).content.decode()
    assert date_input(html, "date") == timezone.localdate().isoformat()



def test_the_consent_date_of_a_case_starts_with_today(tree, client_as):
    case = make_case(tree[VILLAGE_A], state=CaseState.VERIFYING)
    html = client_as("village_clerk_a").get(case.get_absolute_url()).content.decode()
    assert date_input(html, "record_consent_and_verify-consent_signed_on") == timezone.localdate().isoformat()
