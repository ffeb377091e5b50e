"""巡查: one open patrol per worker, the track and its distance, findings linked to the patrol; the pages."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from xiangcun.core.errors import ServiceError
from xiangcun.incidents import services
from xiangcun.incidents.choices import Source
from xiangcun.incidents.models import Incident, Patrol
from xiangcun.incidents.services import patrols
from xiangcun.incidents.tests.factories import category, photo_upload
from xiangcun.regions.models import Grid

pytestmark = pytest.mark.django_db

# Three points about 111 m apart going north, then one very imprecise fix.
TRACK = [[104.37, 33.790], [104.37, 33.791], [104.37, 33.792, 8], [104.40, 33.80, 500]]


@pytest.fixture
def grid_b(tree):
    return Grid.objects.create(code="623023102214-01", name="狼岔坝村一网格", village=tree["623023102214"])


def test_a_patrol_measures_its_track_and_drops_imprecise_fixes(personas, grid_a):
    worker = personas["grid_worker_a"]
    patrol = patrols.patrol_start(actor=worker, grid=grid_a)
    patrols.patrol_add_points(actor=worker, patrol=patrol, points=TRACK[:2])
    patrols.patrol_add_points(actor=worker, patrol=patrol, points=TRACK[2:])
    patrols.patrol_end(actor=worker, patrol=patrol, note="一切正常")
    patrol.refresh_from_db()
    assert len(patrol.track) == 3 and 215 <= patrol.distance_m <= 230
    assert patrol.ended_at is not None and patrol.note == "一切正常" and patrol.region == grid_a.village


def test_one_open_patrol_at_a_time(personas, grid_a):
    worker = personas["grid_worker_a"]
    first = patrols.patrol_start(actor=worker, grid=grid_a)
    with pytest.raises(ServiceError) as refused:
        patrols.patrol_start(actor=worker, grid=grid_a)
    assert refused.value.code == "patrol_open"
    patrols.patrol_end(actor=worker, patrol=first)
    assert patrols.patrol_start(actor=worker, grid=grid_a).pk != first.pk


def test_only_the_worker_adds_to_or_ends_their_patrol(personas, grid_a):
    patrol = patrols.patrol_start(actor=personas["grid_worker_a"], grid=grid_a)
    for call in (lambda: patrols.patrol_add_points(actor=personas["village_clerk_a"], patrol=patrol, points=TRACK),
                 lambda: patrols.patrol_end(actor=personas["village_clerk_a"], patrol=patrol)):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code == "not_found"
    patrol.refresh_from_db()
    assert patrol.track == [] and patrol.ended_at is None


def test_an_ended_patrol_takes_no_more_points(personas, grid_a):
    worker = personas["grid_worker_a"]
    patrol = patrols.patrol_start(actor=worker, grid=grid_a)
    patrols.patrol_end(actor=worker, patrol=patrol)
    with pytest.raises(ServiceError) as refused:
        patrols.patrol_add_points(actor=worker, patrol=patrol, points=TRACK)
    assert refused.value.code == "patrol_ended"


def test_a_point_that_is_not_a_position_is_refused(personas, grid_a):
    worker = personas["grid_worker_a"]
    patrol = patrols.patrol_start(actor=worker, grid=grid_a)
    for bad in ([["a", "b"]], [[200.0, 33.0]], [[104.0]]):
        with pytest.raises(ServiceError) as refused:
            patrols.patrol_add_points(actor=worker, patrol=patrol, points=bad)
        assert refused.value.code == "invalid_point"


def test_no_patrol_of_a_grid_in_another_village(personas, grid_b):
    with pytest.raises(ServiceError) as refused:
        patrols.patrol_start(actor=personas["grid_worker_a"], grid=grid_b)
    assert refused.value.code == "not_found" and not Patrol.objects.exists()


def test_a_finding_is_a_patrol_report_linked_to_the_patrol_once(personas, grid_a):
    worker = personas["grid_worker_a"]
    patrol = patrols.patrol_start(actor=worker, grid=grid_a)

    def finding():
        data = services.ReportInput(category=category("safety-house"), description="危房墙体开裂",
                                    client_key="patrol-finding-1", photos=[photo_upload()])
        return patrols.patrol_report_finding(actor=worker, patrol=patrol, data=data)

    first, again = finding(), finding()
    assert first.incident.pk == again.incident.pk and again.created is False
    incident = first.incident
    assert incident.source == Source.PATROL and incident.reporter == worker
    assert incident.grid == grid_a and incident.region == grid_a.village  # placed where the patrol is
    assert list(patrol.incidents.all()) == [incident]


# --- pages ----------------------------------------------------------------------------------------------

def test_the_worker_patrols_from_the_inbox_and_reports_a_finding(client_as, personas, grid_a):
    client = client_as("grid_worker_a")
    assert 'data-testid="patrol-start-form"' in client.get("/m/incidents/inbox/").content.decode()
    started = client.post("/m/incidents/patrols/start/", {"grid": grid_a.pk})
    patrol = Patrol.objects.get()
    assert started.url == f"/m/incidents/patrols/{patrol.pk}/"
    assert 'data-testid="patrol-open"' in client.get("/m/incidents/inbox/").content.decode()

    answer = client.post(f"/m/incidents/patrols/{patrol.pk}/points/", json.dumps({"points": TRACK[:2]}),
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["points"] == 2 and answer.json()["distance_m"] > 100

    reported = client.post(f"/m/incidents/patrols/{patrol.pk}/report/",
                           {"category": "safety-house", "description": "危房墙体开裂", "region": "",
                            "photos": [photo_upload()]})
    assert reported.url == f"/m/incidents/patrols/{patrol.pk}/"
    incident = Incident.objects.get()
    assert incident.source == Source.PATROL and incident.code in client.get(reported.url).content.decode()

    ended = client.post(f"/m/incidents/patrols/{patrol.pk}/end/", {"note": "发现一处危房"})
    assert ended.url == "/m/incidents/patrols/"
    history = client.get("/m/incidents/patrols/").content.decode()
    assert history.count('data-testid="patrol-row"') == 1 and 'data-findings="1"' in history
    patrol.refresh_from_db()
    assert patrol.ended_at is not None


def test_another_workers_patrol_is_not_found(client_as, personas, grid_a):
    patrol = patrols.patrol_start(actor=personas["grid_worker_a"], grid=grid_a)
    clerk = client_as("village_clerk_a")
    assert clerk.get(f"/m/incidents/patrols/{patrol.pk}/").status_code == 404
    assert clerk.post(f"/m/incidents/patrols/{patrol.pk}/end/").status_code == 404
    assert clerk.post(f"/m/incidents/patrols/{patrol.pk}/points/", "{}", content_type="application/json"
                      ).status_code == 404
    patrol.refresh_from_db()
    assert patrol.ended_at is None


def test_the_points_sent_with_the_end_count_in_the_distance(personas, grid_a):
    """The last positions come with the end: a patrol ended on a weak network is as long as its track."""
    worker = personas["grid_worker_a"]
    patrol = patrols.patrol_start(actor=worker, grid=grid_a)
    patrols.patrol_add_points(actor=worker, patrol=patrol, points=TRACK[:1])
    patrols.patrol_end(actor=worker, patrol=patrol, points=TRACK[1:3])
    patrol.refresh_from_db()
    assert len(patrol.track) == 3 and patrol.distance_m == patrols.track_distance(TRACK[:3])
    assert 220 <= patrol.distance_m <= 225  # two legs of 0.001° of latitude, 111.2 m each


def test_ending_on_the_page_with_the_last_points_reports_the_tracks_length(client_as, personas, grid_a):
    client = client_as("grid_worker_a")
    patrol = patrols.patrol_start(actor=personas["grid_worker_a"], grid=grid_a)
    ended = client.post(f"/m/incidents/patrols/{patrol.pk}/end/", {"note": "", "points": json.dumps(TRACK[:3])},
                        follow=True)
    assert "巡查结束：222 米。" in ended.content.decode()
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.distance_m == 222


def test_the_pages_script_gets_the_end_as_json_and_the_message_waits_for_the_next_page(client_as, personas, grid_a):
    client = client_as("grid_worker_a")
    patrol = patrols.patrol_start(actor=personas["grid_worker_a"], grid=grid_a)
    answer = client.post(f"/m/incidents/patrols/{patrol.pk}/end/", {"points": json.dumps(TRACK[:3])},
                         HTTP_ACCEPT="application/json")
    assert answer.json() == {"distance_m": 222, "url": "/m/incidents/patrols/"}
    assert "222 米" in client.get("/m/incidents/patrols/").content.decode()
    again = client.post(f"/m/incidents/patrols/{patrol.pk}/end/", {"points": "[]"}, HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and again.json()["code"] == "patrol_ended"


def test_a_short_patrol_is_told_in_metres_and_a_long_one_in_kilometres():
    with translation.override("zh-hans"):
        assert patrols.distance_text(48) == "48 米" and patrols.distance_text(1250) == "1.2 公里"
