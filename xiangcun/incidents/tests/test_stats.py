"""Statistics of the incident loop on a small known set: exact figures, a fixed number of queries, the page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xiangcun.incidents.choices import HoldingLevel, Source, State
from xiangcun.incidents.models import Incident
from xiangcun.incidents.selectors import incident_statistics
from xiangcun.incidents.tests.factories import make_incident

pytestmark = pytest.mark.django_db

VILLAGE_A, VILLAGE_B = "623023103203", "623023102214"


@pytest.fixture
def known_set(tree):
    t0 = timezone.now() - timedelta(days=2)
    hours = lambda n: t0 + timedelta(hours=n)  # noqa: E731
    a, b = tree[VILLAGE_A], tree[VILLAGE_B]
    rows = [
        make_incident(a, state=State.CLOSED, closed_level=HoldingLevel.VILLAGE, accepted_at=hours(1),
                      dispatched_at=hours(3), resolved_at=hours(13), closed_at=hours(15)),
        make_incident(a, state=State.RATED, rating=5, closed_level=HoldingLevel.TOWNSHIP, overdue_count=1,
                      accepted_at=hours(3), dispatched_at=hours(5), resolved_at=hours(25), closed_at=hours(27)),
        make_incident(b, category_code="dispute-land", source=Source.HOTLINE, overdue=True),
        make_incident(b, category_code="dispute-family", state=State.RATED, rating=2,
                      closed_level=HoldingLevel.VILLAGE, closed_at=hours(40)),
        make_incident(a, category_code="road-light", state=State.REJECTED, closed_at=hours(2)),
    ]
    Incident.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=t0)
    return rows


def test_the_figures_of_a_known_set(known_set):
    stats = incident_statistics(Incident.objects.all())
    assert (stats["received"], stats["open"], stats["overdue"], stats["closed"]) == (5, 1, 1, 3)
    assert stats["on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert stats["village_closed_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert stats["mean_hours"] == {"report_accept": 2.0, "accept_dispatch": 2.0, "dispatch_resolve": 15.0,
                                   "resolve_close": 2.0}
    assert stats["satisfaction"] == {"rated": 2, "mean_rating": 3.5, "good_share": 0.5}
    assert stats["disputes"] == {"received": 2, "settled": 1, "mediation_rate": 0.5}
    by_state = {row["key"]: row["count"] for row in stats["by_state"]}
    assert by_state == {"reported": 1, "accepted": 0, "rejected": 1, "dispatched": 0, "in_progress": 0,
                        "resolved": 0, "closed": 1, "rated": 2, "merged": 0}
    assert [(row["label"], row["count"]) for row in stats["by_category"]] == [
        ("人居环境", 2), ("矛盾纠纷", 2), ("道路与基础设施", 1)]
    assert [(row["key"], row["count"]) for row in stats["by_village"]] == [(VILLAGE_A, 3), (VILLAGE_B, 2)]
    assert [(row["key"], row["count"]) for row in stats["by_source"]] == [("villager", 4), ("hotline", 1)]
    assert sum(day["count"] for day in stats["by_day"]) == 5 and len(stats["by_day"]) == 30
    json.dumps(stats)  # plain JSON for the API


def test_nothing_yet_gives_none_rates_not_errors(tree):
    stats = incident_statistics(Incident.objects.none())
    assert stats["received"] == 0 and stats["on_time_rate"] is None and stats["satisfaction"]["mean_rating"] is None


def test_the_statistics_cost_the_same_queries_for_more_rows(tree, known_set):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            incident_statistics(Incident.objects.all())
        return len(queries)

    few = count()
    for _n in range(10):
        make_incident(tree[VILLAGE_B], category_code="fire")
    assert count() == few


def test_the_page_shows_only_the_users_regions_and_filters_by_region(known_set, personas, client_as):
    page = client_as("village_clerk_a").get(reverse("incidents:stats"))
    assert page.status_code == 200 and page.context["stats"]["received"] == 3
    page = client_as("county_admin").get(reverse("incidents:stats"), {"region": VILLAGE_B})
    assert page.context["stats"]["received"] == 2
    html = page.content.decode()
    assert 'data-testid="mediation-rate">50%' in html
    assert client_as("villager_a").get(reverse("incidents:stats")).status_code == 403
