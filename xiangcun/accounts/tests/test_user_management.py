"""Managers create users and grant roles only below themselves and inside their regions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.accounts.models import Role, RoleAssignment, SecurityEvent, User
from xiangcun.core.errors import ServiceError
from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B

NEW_USER = {"username": "new_clerk", "full_name": "新文书", "phone": "13812345678", "department": "",
            "password": "Temp-pass-2026", "role": None, "region": VILLAGE_A}


def form_data(role_code: str, region: str, **extra) -> dict:
    return {**NEW_USER, "role": Role.objects.get(code=role_code).pk, "region": region, **extra}


def test_a_township_officer_creates_a_village_cadre_in_its_township(client_as):
    response = client_as("township_officer").post(reverse("accounts:user-create"), form_data("village_cadre",
                                                                                            VILLAGE_A2))
    assert response.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert user.must_change_password  # created by an admin: changes the password at first login
    assert [(a.role.code, a.region.code) for a in user.role_assignments.all()] == [("village_cadre", VILLAGE_A2)]
    assert SecurityEvent.objects.filter(kind="role_granted", target="new_clerk", actor__username="township_officer")


def test_a_township_officer_cannot_create_users_in_another_township(client_as):
    response = client_as("township_officer").post(reverse("accounts:user-create"), form_data("village_cadre",
                                                                                            VILLAGE_B))
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert not User.objects.filter(username="new_clerk").exists()


@pytest.mark.parametrize("role", ["county_admin", "system_admin", "auditor"])
def test_a_township_officer_cannot_grant_a_role_above_its_own(client_as, role):
    response = client_as("township_officer").post(reverse("accounts:user-create"), form_data(role, VILLAGE_A))
    assert response.status_code == 200
    assert "role_above_own" in {e.code for e in response.context["form"].non_field_errors().as_data()}
    assert not User.objects.filter(username="new_clerk").exists()


def test_a_forged_region_code_is_refused_and_nothing_is_saved(client_as):
    before = User.objects.count()
    response = client_as("township_officer").post(reverse("accounts:user-create"),
                                                  form_data("village_cadre", "999999999999"))
    assert response.status_code == 200 and response.context["form"].errors["region"]
    assert User.objects.count() == before


def test_a_bad_phone_number_is_refused_with_the_reason(client_as):
    response = client_as("township_officer").post(reverse("accounts:user-create"),
                                                  form_data("village_cadre", VILLAGE_A, phone="12345"))
    assert [e.code for e in response.context["form"].errors.as_data()["phone"]] == ["phone_format"]


def test_a_village_cadre_cannot_create_users(client_as):
    response = client_as("village_clerk_a").post(reverse("accounts:user-create"), form_data("villager", VILLAGE_A))
    assert response.status_code == 403
    assert not User.objects.filter(username="new_clerk").exists()


def test_a_township_officer_cannot_disable_the_county_administrator(client_as, personas):
    county_admin = personas["county_admin"]
    response = client_as("township_officer").post(reverse("accounts:user-action", args=[county_admin.pk, "disable"]))
    assert response.status_code == 404
    county_admin.refresh_from_db()
    assert county_admin.is_active


def test_a_manager_cannot_touch_a_user_who_also_holds_a_higher_role(personas):
    from xiangcun.accounts.services import user_set_active

    clerk = personas["village_clerk_a"]
    RoleAssignment.objects.create(user=clerk, role=Role.objects.get(code="county_admin"),
                                  region=personas["county_admin"].role_assignments.get().region)
    with pytest.raises(ServiceError) as refused:
        user_set_active(actor=personas["township_officer"], user=clerk, active=False)
    assert refused.value.code == "role_above_own"
    clerk.refresh_from_db()
    assert clerk.is_active


def test_granting_and_revoking_a_role_is_recorded(client_as, personas):
    grid_worker = personas["grid_worker_a"]
    client = client_as("township_officer")
    client.post(reverse("accounts:user-action", args=[grid_worker.pk, "grant"]),
                {"role": Role.objects.get(code="grid_worker").pk, "region": VILLAGE_A2})
    assignment = grid_worker.role_assignments.get(region__code=VILLAGE_A2)
    client.post(reverse("accounts:user-action", args=[grid_worker.pk, "revoke"]), {"id": assignment.pk})
    assert not grid_worker.role_assignments.filter(region__code=VILLAGE_A2).exists()
    kinds = list(SecurityEvent.objects.filter(target="grid_worker_a").values_list("kind", flat=True))
    assert {"role_granted", "role_revoked"} <= set(kinds)


def test_phones_are_masked_on_the_user_page_and_in_the_api(client_as, personas):
    clerk = personas["village_clerk_a"]
    clerk.phone = "13812345678"
    clerk.save()
    page = client_as("township_officer").get(clerk.get_absolute_url()).content.decode()
    assert "138****5678" in page and "13812345678" not in page.replace('value="13812345678"', "")
    api = client_as("township_officer").get(f"/api/v1/users/{clerk.pk}/").json()
    assert api["phone"] == "138****5678"


def test_the_user_list_does_not_query_once_per_user(client_as, tree):
    from xiangcun.accounts.tests.factories import make_user

    client = client_as("county_admin")
    client.get(reverse("accounts:user-list"))  # warm caches (roles, scope)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:user-list"))
    for _ in range(20):
        make_user(tree[VILLAGE_A])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("accounts:user-list"))
    assert response.status_code == 200
    assert len(many) == len(few)
