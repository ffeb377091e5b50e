"""A house or parcel entered by mistake is removed from the household page by whoever may delete it there."""

from __future__ import annotations

from django.urls import reverse

from xiangcun.core.testing import VILLAGE_A
from xiangcun.households.models import House, LandParcel
from xiangcun.households.tests.factories import make_house, make_parcel


def test_a_township_officer_removes_a_house_entered_by_mistake(tree, client_as):
    house = make_house(tree[VILLAGE_A])
    client = client_as("township_officer")
    page = client.get(house.household.get_absolute_url()).content.decode()
    url = reverse("households:house-delete", args=[house.pk])
    assert f'action="{url}"' in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == house.household.get_absolute_url()
    assert not House.objects.filter(pk=house.pk).exists()


def test_a_village_clerk_is_not_offered_removal_and_cannot_remove(tree, client_as):
    parcel = make_parcel(tree[VILLAGE_A])
    client = client_as("village_clerk_a")
    url = reverse("households:parcel-delete", args=[parcel.pk])
    assert f'action="{url}"' not in client.get(parcel.household.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 404  # village cadres hold no delete permission: not found
    assert LandParcel.objects.filter(pk=parcel.pk).exists()
