"""One region filter for every FilterSet (core.filters.RegionFilter): a region means that region and everything
under it, the same on every list and in the API; on a page it is a select of the user's regions."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from xiangcun.core.api import router
from xiangcun.core.filters import RegionFilter
from xiangcun.core.testing import SCOPE_FACTORIES, VILLAGE_A, VILLAGE_A2, VILLAGE_B

autodiscover_modules("api", "tests.factories")

TOWNSHIP_A = "623023103"  # 立节镇: 杰迪村 and 水地村; 狼岔坝村 is in 峰迭镇


def region_routes() -> list[tuple[str, type]]:
    return [(basename, viewset) for _prefix, viewset, basename in router.registry
            if getattr(viewset, "filterset_class", None) and "region" in viewset.filterset_class.base_filters]


def test_every_filterset_uses_the_one_region_filter():
    assert len(region_routes()) >= 9
    for basename, viewset in region_routes():
        assert isinstance(viewset.filterset_class.base_filters["region"], RegionFilter), basename


@pytest.mark.parametrize(("basename", "viewset"), region_routes(), ids=[b for b, _v in region_routes()])
def test_a_region_means_that_region_and_everything_under_it(basename, viewset, tree, personas, client_as):
    factory = SCOPE_FACTORIES[viewset.queryset.model]
    for village in (VILLAGE_A, VILLAGE_A2, VILLAGE_B):
        factory(tree[village])
    client = client_as("county_admin")

    def count(region: str) -> int:
        response = client.get(reverse(f"{basename}-list"), {"region": region, "page_size": 1000})
        assert response.status_code == 200, (basename, region, response.content[:200])
        return response.json()["count"]

    villages = {code: count(code) for code in (VILLAGE_A, VILLAGE_A2, VILLAGE_B)}
    assert all(villages.values()), villages
    assert count(TOWNSHIP_A) == villages[VILLAGE_A] + villages[VILLAGE_A2]
    assert count("623023") == count("") == sum(villages.values())


@pytest.mark.parametrize("value", ["abc", "6230231", "62302310320399999", "立节镇"])
def test_a_region_that_is_not_a_division_code_is_refused_in_chinese(value, personas, client_as):
    response = client_as("county_admin").get("/api/v1/households/", {"region": value})
    assert response.status_code == 400
    assert "区划代码" in response.json()["region"][0]


def region_options(html: str) -> dict[str, str]:
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no region picker on the page"
    return {code: label.strip("\u3000 ") for code, label in
            re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(1))}


def test_the_picker_offers_only_the_users_regions(tree, personas, client_as):
    # Describing the filters for the schema must not leave a user-less picker behind in the declared filter.
    assert client_as(None).get("/api/schema/").status_code == 200
    township = region_options(client_as("township_officer").get(reverse("households:household-list")).content
                              .decode())
    assert set(township) == {"", TOWNSHIP_A, VILLAGE_A, VILLAGE_A2}
    assert township[VILLAGE_A] == "杰迪村"
    clerk = region_options(client_as("village_clerk_a").get(reverse("households:household-list")).content.decode())
    assert set(clerk) == {"", VILLAGE_A}
    county = region_options(client_as("county_admin").get(reverse("incidents:stats")).content.decode())
    assert {TOWNSHIP_A, VILLAGE_A, VILLAGE_A2, "623023102", VILLAGE_B} <= set(county)


def test_choosing_a_township_lists_its_villages_rows(tree, personas, client_as):
    from xiangcun.households.models import Household

    factory = SCOPE_FACTORIES[Household]
    rows = {village: factory(tree[village]) for village in (VILLAGE_A, VILLAGE_A2, VILLAGE_B)}
    page = client_as("county_admin").get(reverse("households:household-list"), {"region": TOWNSHIP_A})
    html = page.content.decode()
    picker = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.search(rf'<option value="{TOWNSHIP_A}"[^>]*selected', picker)
    for village, row in rows.items():
        assert (f'href="{row.get_absolute_url()}"' in html) == (village != VILLAGE_B), village
