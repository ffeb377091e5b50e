"""村情 page: key figures (suppressed as <5), cadres with masked phones, grid workers, facilities, scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiangcun.accounts.models import Role, RoleAssignment
from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.dashboard.tests.profile_fixtures import furnished_village, use_fixed_overview
from xiangcun.regions.models import Grid
from xiangcun.regions.tests.factories import make_facility


@pytest.fixture(autouse=True)
def _overview(monkeypatch):
    use_fixed_overview(monkeypatch)


@pytest.fixture
def village(tree, personas):
    village = furnished_village(tree, personas)
    make_facility(village, kind="well", name="杰迪村1号机井")
    make_facility(village, kind="well", name="废弃机井", active=False)
    make_facility(tree[VILLAGE_B], kind="school", name="狼岔坝小学")
    return village


def test_the_profile_shows_figures_cadres_grid_workers_and_facilities(village, client_as):
    page = client_as("village_clerk_a").get(reverse("dashboard:profile", args=[VILLAGE_A]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="figure-households"' in html and ">137<" in html
    assert "&lt;5" in html  # suppressed counts (below the line, a small tag) are shown as <5, not as a number
    assert "李建国" in html and "138****5678" in html and "13812345678" not in html
    assert "杰迪村第1网格" in html
    assert "杰迪村卫生室" in html and "杰迪村1号机井" in html
    assert "废弃机井" not in html and "狼岔坝小学" not in html
    assert 'data-testid="facility-kind-well"' in html
    assert f'href="{reverse("dashboard:brief", args=[VILLAGE_A])}"' in html
    assert f'href="{reverse("dashboard:screen", args=[VILLAGE_A])}"' in html
    assert 'id="profile-map-data"' in html and "dashboard/village-map.js" in html


def test_a_grid_worker_is_listed_under_their_grid(village, client_as, personas):
    html = client_as("county_admin").get(reverse("dashboard:profile", args=[VILLAGE_A])).content.decode()
    worker = personas["grid_worker_a"]
    assert str(worker) in html


def test_only_village_cadres_of_this_village_are_listed(village, client_as, personas, tree):
    other = personas["village_clerk_b"]
    role = Role.objects.get(code="village_cadre")
    assert RoleAssignment.objects.filter(user=other, role=role, region=tree[VILLAGE_B]).exists()
    html = client_as("county_admin").get(reverse("dashboard:profile", args=[VILLAGE_A])).content.decode()
    assert str(other) not in html


@pytest.mark.parametrize(("persona", "status"), [("village_clerk_a", 200), ("township_officer", 200),
                                                 ("county_admin", 200), ("dept_staff", 200),
                                                 ("village_clerk_b", 404), ("villager_a", 404)])
def test_the_profile_is_scoped(village, client_as, persona, status):
    assert client_as(persona).get(reverse("dashboard:profile", args=[VILLAGE_A])).status_code == status


def test_a_township_code_answers_not_found_and_anonymous_must_log_in(village, client_as):
    assert client_as("county_admin").get(reverse("dashboard:profile", args=["623023103"])).status_code == 404
    assert client_as(None).get(reverse("dashboard:profile", args=[VILLAGE_A])).status_code == 302


def test_the_profile_works_in_elder_mode(village, client_as, personas):
    clerk = personas["village_clerk_a"]
    clerk.elder_mode = True
    clerk.save()
    html = client_as("village_clerk_a").get(reverse("dashboard:profile", args=[VILLAGE_A])).content.decode()
    assert 'class="elder-mode"' in html and "body.elder-mode .profile-figure" in html


def test_the_profile_costs_the_same_queries_with_many_facilities(village, client_as, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("county_admin")
    url = reverse("dashboard:profile", args=[VILLAGE_A])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(10):
        make_facility(tree[VILLAGE_A], kind="streetlight", name=f"路灯{number}")
        Grid.objects.create(code=f"{VILLAGE_A}G{number + 10}", name=f"网格{number}", village=tree[VILLAGE_A])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_income_figure_is_named_with_the_year_it_comes_from():
    from xiangcun.dashboard.selectors import income_headline

    income = {"per_capita_trend": [{"year": 2024, "mean": 15321.4, "households": 8},
                                   {"year": 2025, "mean": None, "households": None}]}  # 2025: fewer than 5 households
    label, value = income_headline(income)
    assert "2024" in label and "2025" not in label and value == "15,321"
    assert income_headline({"per_capita_trend": []})[1] == "—"
