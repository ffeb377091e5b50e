"""Labels that share an English word with another meaning get their own translation context."""

from __future__ import annotations

import pytest
from django.utils import translation

from xiangcun.core.testing import VILLAGE_A
from xiangcun.households import choices
from xiangcun.households.tests.factories import make_household, make_person


def test_a_disabled_person_is_残疾_and_a_disabled_account_stays_停用():
    with translation.override("zh-hans"):
        assert str(choices.Health.DISABLED.label) == "残疾"
        assert dict(choices.Health.choices)["disabled"] == "残疾"
        assert translation.gettext("disabled") == "停用"  # the account's status (accounts/user_list.html)
    with translation.override("en"):
        assert str(choices.Health.DISABLED.label) == "disabled"


@pytest.mark.django_db
def test_the_dossier_and_the_account_list_say_what_they_mean(tree, personas, client_as):
    household = make_household(tree[VILLAGE_A])
    make_person(household, name="残疾成员", health=choices.Health.DISABLED, disability_grade="2")
    client = client_as("county_admin")
    dossier = client.get(household.get_absolute_url()).content.decode()
    assert "残疾" in dossier and "停用" not in dossier
    personas["grid_worker_a"].is_active = False
    personas["grid_worker_a"].save(update_fields=["is_active"])
    assert "停用" in client.get("/accounts/users/").content.decode()
