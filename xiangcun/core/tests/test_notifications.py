"""The notification centre, its API, and the outside channels (email, SMS and WeChat adapters)."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.core import channels
from xiangcun.core.models import Notification
from xiangcun.core.notify import Message, notify
from xiangcun.incidents import services
from xiangcun.incidents.choices import Source
from xiangcun.incidents.tests.factories import category

pytestmark = pytest.mark.django_db

CHANNELS = ["xiangcun.core.channels.EmailChannel", "xiangcun.core.channels.LoggingSMSChannel",
            "xiangcun.core.channels.LoggingWeChatChannel"]


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.NOTIFY_CHANNELS = CHANNELS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://xiangcun.example.cn"


def send(users, title="新事件 ZQ-20261122-0001", *, url="/incidents/ZQ-20261122-0001/", phones=(), capture=None):
    with capture(execute=True):
        notify(users, Message(kind="incident_reported", title=title, body="村口垃圾堆放", url=url), phones=phones)


# --- the centre ---------------------------------------------------------------------------------------------

def test_the_list_shows_my_notifications_newest_first_and_marks_the_unread(
        client_as, personas, django_capture_on_commit_callbacks):
    clerk = personas["village_clerk_a"]
    send([clerk], "第一条", capture=django_capture_on_commit_callbacks)
    send([clerk], "第二条", capture=django_capture_on_commit_callbacks)
    send([personas["village_clerk_b"]], "别人的", capture=django_capture_on_commit_callbacks)
    Notification.objects.filter(title="第一条").update(read_at="2026-01-01T00:00:00Z")
    page = client_as("village_clerk_a").get(reverse("core:notifications"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("第二条") < html.index("第一条") and "别人的" not in html
    assert html.count('data-unread="1"') == 1
    assert 'data-testid="unread-count">1<' in html  # the bell in the navbar


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(
        client_as, personas, django_capture_on_commit_callbacks):
    send([personas["village_clerk_a"]], capture=django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    client = client_as("village_clerk_a")
    response = client.post(reverse("core:notification-open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/incidents/ZQ-20261122-0001/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="unread-count"' not in client.get(reverse("core:notifications")).content.decode()


def test_a_link_to_another_site_is_not_followed(client_as, personas, django_capture_on_commit_callbacks):
    send([personas["village_clerk_a"]], url="https://evil.example.com/", capture=django_capture_on_commit_callbacks)
    response = client_as("village_clerk_a").post(
        reverse("core:notification-open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("core:notifications")


def test_another_persons_notification_is_not_found(client_as, personas, django_capture_on_commit_callbacks):
    send([personas["village_clerk_b"]], capture=django_capture_on_commit_callbacks)
    theirs = Notification.objects.get()
    for username in ("village_clerk_a", "county_admin", "sysadmin"):
        client = client_as(username)
        assert client.post(reverse("core:notification-open", args=[theirs.pk])).status_code == 404
        assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_clears_only_my_own(client_as, personas, django_capture_on_commit_callbacks):
    send([personas["village_clerk_a"], personas["village_clerk_b"]], capture=django_capture_on_commit_callbacks)
    send([personas["village_clerk_a"]], capture=django_capture_on_commit_callbacks)
    response = client_as("village_clerk_a").post(reverse("core:notifications-read-all"))
    assert response.status_code == 302
    assert Notification.objects.for_user(personas["village_clerk_a"]).unread().count() == 0
    assert Notification.objects.for_user(personas["village_clerk_b"]).unread().count() == 1


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_the_rows(
        client_as, personas, django_capture_on_commit_callbacks):
    clerk = personas["village_clerk_a"]
    client = client_as("village_clerk_a")
    send([clerk], capture=django_capture_on_commit_callbacks)
    client.get(reverse("core:notifications"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("core:notifications"))
    Notification.objects.bulk_create([Notification(recipient=clerk, kind="k", title=f"通知 {i}") for i in range(40)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("core:notifications"))
    assert len(many) == len(one)
    assert page.context["page_obj"].paginator.num_pages == 2
    assert client.get(reverse("core:notifications"), {"page": 2}).status_code == 200


def test_the_unread_filter_shows_only_unread(client_as, personas, django_capture_on_commit_callbacks):
    send([personas["village_clerk_a"]], "未读的", capture=django_capture_on_commit_callbacks)
    send([personas["village_clerk_a"]], "已读的", capture=django_capture_on_commit_callbacks)
    Notification.objects.filter(title="已读的").update(read_at="2026-01-01T00:00:00Z")
    html = client_as("village_clerk_a").get(reverse("core:notifications"), {"unread": "1"}).content.decode()
    assert "未读的" in html and "已读的" not in html


def test_the_centre_needs_a_login(client):
    assert client.get(reverse("core:notifications")).status_code == 302
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


# --- the API ---------------------------------------------------------------------------------------------------

def test_the_api_lists_my_own_marks_one_read_and_all_read(client_as, personas, django_capture_on_commit_callbacks):
    clerk = personas["village_clerk_a"]
    send([clerk], "一", capture=django_capture_on_commit_callbacks)
    send([clerk], "二", capture=django_capture_on_commit_callbacks)
    send([personas["village_clerk_b"]], "别人的", capture=django_capture_on_commit_callbacks)
    client = client_as("village_clerk_a")
    listing = client.get("/api/v1/notifications/").json()
    assert [row["title"] for row in listing["results"]] == ["二", "一"]
    assert all(row["unread"] for row in listing["results"])
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    first = listing["results"][1]["id"]
    read = client.post(f"/api/v1/notifications/{first}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False
    assert [row["title"] for row in client.get("/api/v1/notifications/", {"unread": "1"}).json()["results"]] == ["二"]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_the_api_is_documented_in_the_schema(client_as):
    schema = client_as("county_admin").get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/notifications/", "/api/v1/notifications/{id}/read/",
            "/api/v1/notifications/read-all/"} <= set(schema["paths"])


# --- channels --------------------------------------------------------------------------------------------------

def test_email_goes_to_users_with_an_address_with_the_full_link(personas, django_capture_on_commit_callbacks):
    clerk, other = personas["village_clerk_a"], personas["village_clerk_b"]
    clerk.email = "clerk@example.cn"
    clerk.save()
    other.email = ""
    other.save()
    send([clerk, other], capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["clerk@example.cn"]
    assert "https://xiangcun.example.cn/incidents/ZQ-20261122-0001/" in mail.outbox[0].body


def test_the_sms_adapter_logs_the_number_masked_never_whole(personas, caplog, django_capture_on_commit_callbacks):
    clerk = personas["village_clerk_a"]
    clerk.phone = "13912345678"
    clerk.save()
    with caplog.at_level(logging.INFO, logger="xiangcun.notify"):
        send([clerk], phones=["13887654321"], capture=django_capture_on_commit_callbacks)
    text = caplog.text
    assert "139****5678" in text and "138****4321" in text
    assert "13912345678" not in text and "13887654321" not in text


class _BrokenChannel:
    name = "broken"

    def send(self, **kwargs) -> int:
        raise ConnectionError("gateway down")


def test_a_failing_channel_does_not_stop_the_others(settings, personas, caplog, django_capture_on_commit_callbacks):
    settings.NOTIFY_CHANNELS = [f"{__name__}._BrokenChannel", *CHANNELS]
    clerk = personas["village_clerk_a"]
    clerk.email = "clerk@example.cn"
    clerk.save()
    with caplog.at_level(logging.INFO, logger="xiangcun.notify"):
        send([clerk], phones=["13887654321"], capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and "138****4321" in caplog.text
    assert "channel broken failed" in caplog.text
    assert Notification.objects.for_user(clerk).count() == 1


def test_deliver_reports_what_each_channel_sent(personas, django_capture_on_commit_callbacks):
    send([personas["village_clerk_a"]], capture=django_capture_on_commit_callbacks)
    sent = channels.deliver([Notification.objects.get().pk], ["13887654321"], kind="k", title="t", body="", url="")
    assert sent == {"email": 0, "sms": 1, "wechat": 1}


def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(personas, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify([personas["village_clerk_a"]], Message(kind="k", title="t"))
                raise RuntimeError
        except RuntimeError:
            pass
    assert not Notification.objects.exists()


# --- the reporter hears of every public status change ---------------------------------------------------------

def test_a_villager_reporter_is_told_in_app_of_each_public_step(personas, tree, django_capture_on_commit_callbacks):
    villager, clerk = personas["villager_a"], personas["village_clerk_a"]
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_report(actor=villager, data=services.ReportInput(
            category=category("env-garbage"), description="村口垃圾", region=tree["623023103203"])).incident
        services.incident_accept(actor=clerk, incident=incident)
    mine = list(Notification.objects.for_user(villager))
    assert [n.kind for n in mine] == ["incident_status"] and incident.code in mine[0].title
    assert mine[0].url == reverse("incidents_mobile:mine-detail", args=[incident.code])
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_add_note(actor=clerk, incident=incident, text="内部备注", public=False)
        services.incident_add_note(actor=clerk, incident=incident, text="明天清运", public=True)
    kinds = list(Notification.objects.for_user(villager).values_list("kind", flat=True))
    assert kinds == ["incident_update", "incident_status"]  # the internal note told the villager nothing


def test_an_anonymous_reporter_with_a_phone_gets_an_sms(personas, tree, caplog, django_capture_on_commit_callbacks):
    clerk = personas["village_clerk_a"]
    with caplog.at_level(logging.INFO, logger="xiangcun.notify"), django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_report(actor=clerk, data=services.ReportInput(
            category=category("road-damage"), description="12345 来电：路面塌陷", source=Source.HOTLINE,
            region=tree["623023103203"], reporter_name="来电群众", reporter_phone="13887654321")).incident
        caplog.clear()
        services.incident_accept(actor=clerk, incident=incident)
    assert incident.reporter is None
    sms = [record.getMessage() for record in caplog.records if record.getMessage().startswith("sms to 138****4321")]
    assert len(sms) == 1 and incident.code in sms[0]
    assert "13887654321" not in caplog.text


def test_none_turns_the_outside_channels_off_and_keeps_the_in_app_row(settings, personas,
                                                                        django_capture_on_commit_callbacks):
    settings.NOTIFY_CHANNELS = ["none"]
    clerk = personas["village_clerk_a"]
    clerk.email = "clerk@example.cn"
    clerk.save()
    send([clerk], capture=django_capture_on_commit_callbacks)
    assert not mail.outbox and Notification.objects.for_user(clerk).count() == 1
