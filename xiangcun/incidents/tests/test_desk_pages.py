"""The desk pages: the dispatch console, the incident page and its step forms, the hotline entry, the dossier."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.accounts.models import SecurityEvent
from xiangcun.incidents import services
from xiangcun.incidents.choices import AssigneeKind, HoldingLevel, Source, State
from xiangcun.incidents.models import Incident, IncidentEvent
from xiangcun.incidents.tests.factories import category, make_incident, photo_upload

pytestmark = pytest.mark.django_db

VILLAGE_A, VILLAGE_B = "623023103203", "623023102214"


def reported(personas, village, **fields) -> Incident:
    data = services.ReportInput(category=category(fields.pop("category_code", "env-garbage")),
                                description=fields.pop("description", "村口垃圾堆放"), region=village,
                                photos=[photo_upload()], **fields)
    return services.incident_report(actor=personas["villager_a"], data=data).incident


def act(client, incident, action, **data):
    data.setdefault("state", Incident.objects.get(pk=incident.pk).state)
    return client.post(reverse("incidents:act", args=[incident.code, action]), data)


# --- the console -----------------------------------------------------------------------------------------

def test_the_console_lists_the_clerks_village_only(tree, personas, client_as):
    mine = make_incident(tree[VILLAGE_A])
    other = make_incident(tree[VILLAGE_B])
    page = client_as("village_clerk_a").get(reverse("incidents:console"))
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.get_absolute_url() in html and other.get_absolute_url() not in html


def test_a_villager_has_no_console(tree, personas, client_as):
    make_incident(tree[VILLAGE_A], reporter=personas["villager_a"])
    assert client_as("villager_a").get(reverse("incidents:console")).status_code == 403


def test_the_console_tabs_count_each_state_and_overdue_rows_stand_out(tree, personas, client_as):
    from datetime import timedelta

    from django.utils import timezone

    village = tree[VILLAGE_A]
    make_incident(village)
    make_incident(village, state=State.ACCEPTED)
    late = make_incident(village, state=State.DISPATCHED, stage_deadline=timezone.now() - timedelta(hours=1),
                         supervised=True)
    page = client_as("village_clerk_a").get(reverse("incidents:console"), {"state": State.REPORTED})
    assert page.context["tabs"][0]["count"] == 3
    counts = {tab["key"]: tab["count"] for tab in page.context["tabs"]}
    assert counts[State.REPORTED] == 1 and counts[State.DISPATCHED] == 1 and counts[State.CLOSED] == 0
    assert [i.code for i in page.context["object_list"]] != [late.code]
    page = client_as("village_clerk_a").get(reverse("incidents:console"), {"overdue": "true"})
    html = page.content.decode()
    assert [i.code for i in page.context["object_list"]] == [late.code]
    assert 'data-testid="overdue"' in html and "table-danger" in html and 'data-testid="supervised"' in html


def test_the_console_costs_the_same_queries_for_5_and_30_incidents(tree, personas, client_as):
    client = client_as("county_admin")
    village = tree[VILLAGE_A]
    department = personas["dept_staff"].departments.get()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("incidents:console")).status_code == 200
        return len(queries)

    for _n in range(5):
        make_incident(village, state=State.DISPATCHED, assignee_kind=AssigneeKind.DEPARTMENT,
                      assigned_department=department)
    few = count()
    for n in range(25):
        duplicate_of = Incident.objects.first() if n % 2 else None
        make_incident(tree[VILLAGE_B] if n % 3 else village, possible_duplicate_of=duplicate_of,
                      assigned_user=personas["grid_worker_a"], assignee_kind=AssigneeKind.USER)
    assert count() == few


def test_bulk_dispatch_sends_each_chosen_incident_and_reports_each_result(tree, personas, client_as, grid_a):
    first, second = reported(personas, tree[VILLAGE_A]), reported(personas, tree[VILLAGE_A])
    done = make_incident(tree[VILLAGE_A], state=State.CLOSED)
    client = client_as("village_clerk_a")
    department = personas["dept_staff"].departments.get()
    response = client.post(reverse("incidents:bulk-dispatch"), {
        "codes": [first.code, second.code, done.code], "target": AssigneeKind.DEPARTMENT,
        "department": department.pk}, follow=True)
    assert response.status_code == 200
    for incident in (first, second):
        incident.refresh_from_db()
        assert incident.state == State.DISPATCHED and incident.assigned_department == department
    done.refresh_from_db()
    assert done.state == State.CLOSED
    texts = [str(m) for m in response.context["messages"]]
    assert any(first.code in t and second.code in t for t in texts)
    assert any(t.startswith(done.code) for t in texts)


def test_bulk_dispatch_ignores_incidents_of_another_village(tree, personas, client_as):
    other = make_incident(tree[VILLAGE_B])
    client_as("village_clerk_a").post(reverse("incidents:bulk-dispatch"), {"codes": [other.code], "target": "rules"})
    other.refresh_from_db()
    assert other.state == State.REPORTED


# --- the incident page -----------------------------------------------------------------------------------

def test_another_villages_incident_is_not_found(tree, personas, client_as):
    incident = make_incident(tree[VILLAGE_A])
    client = client_as("village_clerk_b")
    assert client.get(incident.get_absolute_url()).status_code == 404
    assert act(client, incident, "accept").status_code == 404
    assert client.post(reverse("incidents:reveal", args=[incident.code])).status_code == 404


def test_the_reporter_sees_public_steps_but_no_internal_note(tree, personas, client_as, village_a):
    incident = reported(personas, village_a)
    services.incident_add_note(actor=personas["village_clerk_a"], incident=incident, text="内部：户主有纠纷史")
    services.incident_add_note(actor=personas["village_clerk_a"], incident=incident, text="已安排清运", public=True)
    mine = client_as("villager_a").get(incident.get_absolute_url())
    assert mine.status_code == 200
    html = mine.content.decode()
    assert "已安排清运" in html and "户主有纠纷史" not in html and not mine.context["steps"]
    staff = client_as("village_clerk_a").get(incident.get_absolute_url()).content.decode()
    assert "户主有纠纷史" in staff and 'data-testid="internal"' in staff


def test_the_dispatch_form_is_prefilled_with_the_rules_suggestion(tree, personas, client_as, village_a, grid_a):
    incident = reported(personas, village_a, grid=grid_a)
    page = client_as("village_clerk_a").get(incident.get_absolute_url())
    steps = {step["action"]: step for step in page.context["steps"]}
    assert {"accept", "reject", "dispatch", "escalate", "merge", "note"} <= set(steps)
    assert steps["dispatch"]["form"].initial["kind"] == AssigneeKind.GRID
    assert "resolve" not in steps


def test_the_loop_through_the_step_forms(tree, personas, client_as, village_a, grid_a):
    incident = reported(personas, village_a, grid=grid_a)
    clerk, worker = client_as("village_clerk_a"), client_as("grid_worker_a")
    assert act(clerk, incident, "accept").status_code == 302
    assert act(clerk, incident, "dispatch", kind=AssigneeKind.GRID, grid=grid_a.pk).status_code == 302
    assert act(worker, incident, "start").status_code == 302
    response = worker.post(reverse("incidents:act", args=[incident.code, "resolve"]),
                           {"state": State.IN_PROGRESS, "result": "已清理", "photos": [photo_upload("after.jpg")]})
    assert response.status_code == 302
    assert act(clerk, incident, "close").status_code == 302
    assert act(clerk, incident, "rate_callback", rating=4, comment="满意").status_code == 302
    incident.refresh_from_db()
    assert incident.state == State.RATED and incident.rating == 4 and incident.rated_by_callback
    assert incident.closed_level == HoldingLevel.VILLAGE


def test_a_refused_step_keeps_the_input_and_shows_the_message_on_the_field(tree, personas, client_as, village_a,
                                                                          grid_a):
    incident = reported(personas, village_a, grid=grid_a)
    services.incident_dispatch(actor=personas["village_clerk_a"], incident=incident)
    response = act(client_as("grid_worker_a"), incident, "resolve", result="已清理完毕")
    assert response.status_code == 400
    form = {s["action"]: s for s in response.context["steps"]}["resolve"]["form"]
    assert "photos" in form.errors and form["result"].value() == "已清理完毕"
    assert Incident.objects.get(pk=incident.pk).state == State.DISPATCHED


def test_a_reject_without_reason_is_refused(tree, personas, client_as, village_a):
    incident = reported(personas, village_a)
    response = act(client_as("village_clerk_a"), incident, "reject", reason="")
    assert response.status_code == 400
    assert "reason" in {s["action"]: s for s in response.context["steps"]}["reject"]["form"].errors
    assert Incident.objects.get(pk=incident.pk).state == State.REPORTED


def test_a_grid_worker_cannot_close(tree, personas, client_as, village_a, grid_a):
    incident = reported(personas, village_a, grid=grid_a)
    response = act(client_as("grid_worker_a"), incident, "accept")
    assert response.status_code == 400
    assert Incident.objects.get(pk=incident.pk).state == State.REPORTED


def test_the_second_dispatcher_on_a_stale_page_is_told_someone_was_faster(tree, personas, client_as, village_a,
                                                                         grid_a):
    incident = reported(personas, village_a, grid=grid_a)
    department = personas["dept_staff"].departments.get()
    clerk, officer = client_as("village_clerk_a"), client_as("township_officer")
    act(clerk, incident, "dispatch", state=State.REPORTED, kind=AssigneeKind.GRID, grid=grid_a.pk)
    response = act(officer, incident, "dispatch", state=State.REPORTED, kind=AssigneeKind.DEPARTMENT,
                   department=department.pk)
    assert response.status_code == 409
    incident.refresh_from_db()
    assert incident.assignee_kind == AssigneeKind.GRID and incident.assigned_department is None


def test_escalate_supervise_and_merge_through_the_page(tree, personas, client_as, village_a):
    incident = reported(personas, village_a)
    other = reported(personas, village_a)
    clerk = client_as("village_clerk_a")
    assert act(clerk, incident, "merge", into=other.code).status_code == 302
    assert Incident.objects.get(pk=incident.pk).duplicate_of == other
    assert act(clerk, other, "escalate", comment="").status_code == 400
    assert act(clerk, other, "escalate", comment="涉及多村").status_code == 302
    assert Incident.objects.get(pk=other.pk).level == HoldingLevel.TOWNSHIP
    assert act(client_as("county_admin"), other, "supervise", comment="限期办理").status_code == 302
    assert Incident.objects.get(pk=other.pk).supervised


def test_link_a_household_and_the_dossier_shows_the_incident(tree, personas, client_as, village_a):
    from xiangcun.households.models import Household

    household = Household.objects.create(region=village_a, number="6230231032030001", head_name="张三")
    incident = reported(personas, village_a)
    clerk = client_as("village_clerk_a")
    found = clerk.get(incident.get_absolute_url(), {"household_q": "张三"})
    assert [h.pk for h in found.context["household_results"]] == [household.pk]
    assert act(clerk, incident, "link_household", household="6230231032030001").status_code == 302
    assert Incident.objects.get(pk=incident.pk).household == household
    dossier = clerk.get(household.get_absolute_url())
    section = next(s for s in dossier.context["sections"] if s["key"] == "incidents")
    assert [i.code for i in section["context"]["incidents"]] == [incident.code]
    assert incident.get_absolute_url() in dossier.content.decode()
    other = Household.objects.create(region=tree[VILLAGE_B], number="6230231022140001", head_name="李四")
    response = act(clerk, incident, "link_household", household=other.number)
    assert response.status_code == 400 and Incident.objects.get(pk=incident.pk).household == household


def test_relocating_and_a_public_update(tree, personas, client_as, village_a):
    incident = reported(personas, village_a)
    clerk = client_as("village_clerk_a")
    assert act(clerk, incident, "note", text="明天上午清运", public="on").status_code == 302
    assert IncidentEvent.objects.filter(incident=incident, action="update", is_public=True).exists()
    assert act(clerk, incident, "note", text="").status_code == 400
    assert act(clerk, incident, "relocate", region=VILLAGE_B).status_code in (400, 404)
    assert Incident.objects.get(pk=incident.pk).region == village_a


def test_revealing_the_reporters_phone_is_logged(tree, personas, client_as, village_a):
    incident = reported(personas, village_a, reporter_phone="13800138000")
    page = client_as("county_admin").get(incident.get_absolute_url()).content.decode()
    assert "13800138000" not in page and "138****8000" in page
    response = client_as("county_admin").post(reverse("incidents:reveal", args=[incident.code]))
    assert "13800138000" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PERSONAL_DATA_REVEALED,
                                        target__contains=incident.code).exists()
    refused = client_as("village_clerk_a").post(reverse("incidents:reveal", args=[incident.code]))
    assert refused.status_code == 403 and "13800138000" not in refused.content.decode()


def test_photos_are_served_only_to_those_who_see_the_incident(tree, personas, client_as, village_a):
    photo = reported(personas, village_a).photos.get()
    url = reverse("incidents:photo", args=[photo.pk, "thumb"])
    assert client_as("village_clerk_a").get(url).status_code == 200
    assert client_as("village_clerk_b").get(url).status_code == 404


# --- the hotline entry -----------------------------------------------------------------------------------

def test_a_hotline_call_is_registered_with_a_masked_phone(tree, personas, client_as):
    response = client_as("village_clerk_a").post(reverse("incidents:create"), {
        "source": Source.HOTLINE, "reporter_name": "王女士", "reporter_phone": "13912345678", "region": VILLAGE_A,
        "category": "road-light", "description": "村道路灯不亮", "photos": [photo_upload()]})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert incident.source == Source.HOTLINE and incident.reporter is None and incident.reporter_name == "王女士"
    assert incident.reporter_phone == "13912345678" and incident.photos.count() == 1


def test_a_bad_photo_on_the_hotline_entry_keeps_everything_typed(tree, personas, client_as):
    fake = SimpleUploadedFile("call.jpg", b"not an image at all", content_type="image/jpeg")
    response = client_as("village_clerk_a").post(reverse("incidents:create"), {
        "source": Source.DEPUTY, "reporter_name": "代表李", "region": VILLAGE_A, "category": "road-light",
        "description": "路灯坏了三盏", "priority": "high", "photos": [fake]})
    assert response.status_code == 200 and not Incident.objects.exists()
    form = response.context["form"]
    assert "photos" in form.errors
    assert form["description"].value() == "路灯坏了三盏" and form["reporter_name"].value() == "代表李"
    assert form["category"].value() == "road-light" and form["priority"].value() == "high"


def test_the_hotline_entry_offers_only_villages_in_scope(tree, personas, client_as):
    response = client_as("village_clerk_a").post(reverse("incidents:create"), {
        "source": Source.HOTLINE, "region": VILLAGE_B, "category": "road-light", "description": "x"})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not Incident.objects.exists()
