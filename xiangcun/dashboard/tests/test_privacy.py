"""What a big screen shows of people: small cells suppressed, surnames only, no ID numbers or phones."""

from __future__ import annotations

import json

import pytest

from xiangcun.core.testing import VILLAGE_A
from xiangcun.dashboard.privacy import suppress, suppress_partition, surname
from xiangcun.dashboard.selectors import region_overview
from xiangcun.dashboard.tests.overview_data import build_incidents, build_registry
from xiangcun.households.models import Person


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (140_000, 140_000)])
def test_counts_from_one_to_four_are_suppressed(count, shown):
    assert suppress(count) == shown


@pytest.mark.parametrize(("counts", "shown"), [
    ([30, 3, 12], [30, None, None]),  # 3 alone could be read off the total: the next smallest (12) goes too
    ([30, 3, 2, 12], [30, None, None, 12]),  # two hidden cells: only their sum (5) can be read off
    ([30, 12, 0], [30, 12, 0]),  # nothing small, nothing hidden; 0 is shown
    ([3, 0, 0], [None, 0, 0]),  # nothing else to hide: the total itself is suppressed at display
])
def test_a_breakdown_that_adds_up_to_a_shown_total_hides_a_second_cell(counts, shown):
    assert suppress_partition(counts) == shown


@pytest.mark.parametrize(("name", "shown"), [("张三丰", "张*"), ("卓玛", "卓*"), (" 李四 ", "李*"), ("", ""),
                                             (None, "")])
def test_names_are_cut_to_the_surname(name, shown):
    assert surname(name) == shown


def test_the_feed_shows_surnames_and_nothing_of_private_incidents(tree, personas):
    build_registry(tree)
    incidents = build_incidents(tree, personas)
    incidents["late"].reporter_phone = "13812345678"
    incidents["late"].save()
    overview = region_overview(tree[VILLAGE_A])
    feed = {item["id"]: item for item in overview["incidents"]["recent"]}
    assert feed[incidents["late"].pk]["reporter"] == "张*"
    assert feed[incidents["closed_township"].pk]["reporter"] == ""  # a family dispute: not public
    text = json.dumps(overview, ensure_ascii=False)
    for secret in ("张三丰", "13812345678", "赵六", "成员", incidents["late"].description):
        assert secret not in text
    for person in Person.objects.filter(household__region=tree[VILLAGE_A]):
        assert person.id_number not in text
