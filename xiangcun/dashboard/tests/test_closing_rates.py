"""The screen's 按期办结率 / 村内办结率 gauges: they count the incidents reported in the last 30 days (not this month
only, which on the 3rd of a month has hardly anything closed and read 0 %), say so on the screen, equal the statistics
page's figures for the same period, and say "no closed reports" rather than 0 % when nothing was closed."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.incidents import choices
from xiangcun.incidents.models import Incident
from xiangcun.incidents.tests.factories import make_incident

COUNTY, TOWNSHIP_B = VILLAGE_A[:6], VILLAGE_B[:9]
NOW = datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the 3rd: nothing of November is closed yet
SINCE = "2026-10-05"  # the first of the last 30 days, today included
S, L = choices.State, choices.HoldingLevel


class OnTheThird:
    """``django.utils.timezone`` as the overview sees it, on NOW (the session and the login keep the real clock)."""

    def __getattr__(self, name: str):
        return getattr(timezone, name)

    @staticmethod
    def now() -> datetime:
        return NOW


@pytest.fixture(autouse=True)
def _on_the_third_of_november(monkeypatch):
    from xiangcun.dashboard import selectors

    monkeypatch.setattr(selectors, "timezone", OnTheThird())
    cache.clear()
    yield
    cache.clear()


def reported(village, day: datetime, **fields) -> Incident:
    incident = make_incident(village, **fields)
    Incident.objects.filter(pk=incident.pk).update(created_at=day)
    return incident


@pytest.fixture
def closing(tree):
    """In 杰迪村: reported in October and closed — on time at the village, on time at the township, late at the
    village; one from September (outside the 30 days) closed late; one of today still open."""
    village = tree[VILLAGE_A]
    reported(village, NOW.replace(month=10, day=20), state=S.CLOSED, closed_level=L.VILLAGE)
    reported(village, NOW.replace(month=10, day=25), state=S.RATED, closed_level=L.TOWNSHIP)
    reported(village, NOW.replace(month=10, day=28), state=S.CLOSED, closed_level=L.VILLAGE, overdue_count=1)
    reported(village, NOW.replace(month=9, day=20), state=S.CLOSED, closed_level=L.TOWNSHIP, overdue_count=2)
    reported(village, NOW.replace(hour=9), state=S.REPORTED)


def embedded(response, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    assert match, f"#{element_id} is not in the page"
    return json.loads(match.group(1))


def test_the_gauges_equal_the_statistics_page_for_the_last_30_days(client_as, closing):
    client = client_as("county_admin")
    screen = embedded(client.get(f"/screen/{COUNTY}/"), "screen-overview")["incidents"]
    stats = client.get("/incidents/stats/", {"created_after": SINCE}).context["stats"]
    assert stats["closed"] == 3
    assert screen["on_time_rate"] == stats["on_time_rate"] == round(2 / 3, 4)
    assert screen["village_closed_share"] == stats["village_closed_share"] == round(2 / 3, 4)
    assert screen["rates_period"] == {"days": 30, "since": SINCE, "closed": 3,
                                      "label": "近30天上报（10-05 起）：已办结 3 件"}


def test_the_period_is_stated_on_the_screen(client_as, closing):
    content = client_as("county_admin").get(f"/screen/{COUNTY}/").content.decode()
    note = re.search(r'data-testid="note-incidents">([^<]*)<', content)
    assert note and note.group(1) == "近30天上报（10-05 起）：已办结 3 件"
    # The gauges' titles sit next to the note, inside the incidents panel.
    panel = content[content.index('data-testid="panel-incidents"'):content.index('data-testid="note-incidents"')]
    assert 'data-testid="chart-on-time"' in panel and 'data-testid="chart-village-closed"' in panel


def test_nothing_closed_in_the_period_says_so_instead_of_zero(client_as, closing):
    response = client_as("county_admin").get(f"/screen/{TOWNSHIP_B}/")  # 狼岔坝村's township: no incidents
    incidents = embedded(response, "screen-overview")["incidents"]
    assert incidents["on_time_rate"] is None and incidents["village_closed_share"] is None
    assert incidents["rates_period"]["label"] == "近30天上报（10-05 起）：尚无办结"
    gauges = {spec["key"]: spec for spec in embedded(response, "screen-charts") if spec["kind"] == "gauge"}
    assert gauges["on_time"]["options"]["empty"] == gauges["village_closed"]["options"]["empty"] == "无已办结事件"
