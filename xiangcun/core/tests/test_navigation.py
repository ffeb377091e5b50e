"""The menu and the home page come from what each app declares (core.navigation): each person sees what their
role does — a villager a villager's home, never cadre pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xiangcun.core import navigation
from xiangcun.core.navigation import Audience, HomeTile, MenuEntry, audiences_of, menu_for, tiles_for
from xiangcun.core.testing import VILLAGE_A
from xiangcun.households.tests.factories import make_household, make_person
from xiangcun.regions.models import Region

CADRE_PAGES = ("monitoring:risk-list", "monitoring:case-list", "livelihoods:income-check", "monitoring:config",
               "livelihoods:income-rules", "monitoring:register", "incidents:console", "incidents:config-categories",
               "accounts:user-list", "api-docs")


def keys(items) -> set[str]:
    found = set()
    for item in items:
        found.add(item.key)
        found.update(child.key for child in item.children)
    return found


def menu_links(html: str) -> set[str]:
    menu = html.split('data-testid="main-menu"', 1)[1].split("</ul>", 1)[0]
    return set(re.findall(r'href="([^"]+)"', menu))


@pytest.fixture
def villager_household(tree, personas):
    household = make_household(Region.objects.get(code=VILLAGE_A))
    make_person(household, name="卓玛", sex="F", account=personas["villager_a"])
    return household


def test_a_villagers_menu_holds_no_cadre_page(villager_household, client_as, personas):
    html = client_as("villager_a").get("/").content.decode()
    links = menu_links(html)
    for name in CADRE_PAGES:
        assert reverse(name) not in links, f"a villager's menu offers {name}"
    assert links == {reverse("core:home")}
    assert audiences_of(personas["villager_a"]) == {Audience.VILLAGER}


def test_a_villagers_home_is_a_villagers_home(villager_household, client_as):
    response = client_as("villager_a").get("/")
    html = response.content.decode()
    assert "No region is assigned to you yet" not in html and "您尚未分配行政区划" not in html
    assert 'data-testid="villager-home"' in html
    assert "杰迪村" in html
    tiles = [tile.key for tile in response.context["tiles"]]
    assert tiles[:2] == ["report", "my-reports"]
    assert {"notices", "my-household", "my-work", "declare"} <= set(tiles)
    assert "incident-inbox" not in tiles and "register-household" not in tiles
    assert f'href="{villager_household.get_absolute_url()}"' in html


def test_a_villager_without_a_registered_household_is_not_offered_its_pages(tree, client_as):
    tiles = {tile.key for tile in client_as("villager_a").get("/").context["tiles"]}
    assert tiles == {"report", "my-reports", "notices"}


def test_a_villagers_household_page_offers_no_cadre_step(villager_household, client_as):
    html = client_as("villager_a").get(villager_household.get_absolute_url()).content.decode()
    assert reverse("monitoring:case-open", args=[villager_household.uuid]) not in html
    assert reverse("livelihoods:income-record", args=[villager_household.uuid]) not in html


def test_the_village_clerk_is_offered_the_case_and_income_steps(villager_household, client_as):
    html = client_as("village_clerk_a").get(villager_household.get_absolute_url()).content.decode()
    assert reverse("monitoring:case-open", args=[villager_household.uuid]) in html
    assert reverse("livelihoods:income-record", args=[villager_household.uuid]) in html


def test_a_county_administrator_sees_every_apps_menu(tree, client_as, personas):
    found = keys(menu_for(personas["county_admin"]))
    assert {"home", "map", "screen", "regions", "grids", "households", "cases", "import", "incidents",
            "incident-console", "users", "api"} <= found
    html = client_as("county_admin").get("/").content.decode()
    assert reverse("monitoring:case-list") in menu_links(html)
    assert "我的管辖范围" in html


def test_the_api_documentation_is_not_in_a_phones_menu(tree, client_as):
    html = client_as("county_admin").get("/").content.decode()
    api = re.search(r'<li class="([^"]*)"><a class="nav-link" href="/api/docs/"', html)
    assert api is not None and "d-none d-md-block" in api.group(1)


def test_a_grid_worker_gets_the_field_tiles(tree, personas):
    tiles = {tile.key for tile in tiles_for(personas["grid_worker_a"])}
    assert {"report", "incident-inbox", "register-household", "record-work"} <= tiles
    assert "my-household" not in tiles


def test_an_app_adds_an_entry_without_touching_a_shared_file(tree, client_as, personas):
    entry = MenuEntry("test-entry", "测试模块", url="core:notifications", permissions=("incidents.dispatch_incident",),
                      order=70)
    tile = HomeTile("test-tile", "测试任务", url="core:notifications", audiences=(Audience.VILLAGER,))
    navigation.register(entry, tile)
    try:
        assert "test-entry" in keys(menu_for(personas["village_clerk_a"]))
        assert "test-entry" not in keys(menu_for(personas["grid_worker_a"]))  # no dispatch permission
        assert "test-entry" not in keys(menu_for(personas["villager_a"]))  # a desk entry
        assert "测试模块" in client_as("village_clerk_a").get("/").content.decode()
        assert "test-tile" in {t.key for t in tiles_for(personas["villager_a"])}
        assert "test-tile" not in {t.key for t in tiles_for(personas["village_clerk_a"])}
    finally:
        navigation.navigation.unregister("test-entry")
        navigation.navigation.unregister("test-tile")


def test_the_same_key_twice_is_refused():
    navigation.register(MenuEntry("test-twice", "一", url="core:home"))
    try:
        with pytest.raises(ValueError, match="registered twice"):
            navigation.register(MenuEntry("test-twice", "二", url="core:home"))
    finally:
        navigation.navigation.unregister("test-twice")


def test_the_menu_costs_no_query_per_entry(tree, personas, django_assert_max_num_queries):
    user = type(personas["county_admin"]).objects.get(pk=personas["county_admin"].pk)
    with django_assert_max_num_queries(2):  # the reach of every permission; the assignments (audience)
        menu_for(user)
        tiles_for(user)
