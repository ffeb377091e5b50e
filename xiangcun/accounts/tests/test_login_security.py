"""Login security as a township office would meet it: lockout, forced change, sessions, logout."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from xiangcun.accounts.models import SecurityEvent
from xiangcun.accounts.services import user_set_active

PASSWORD = "Test-pass-2026"
LOGIN = "/accounts/login/"


def log_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.1.2.3"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_good_login_lands_on_home_and_is_recorded_with_the_address(personas):
    client = Client()
    response = log_in(client, "village_clerk_a", ip="10.9.8.7")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    event = SecurityEvent.objects.get(kind="login")
    assert (event.username, event.result, event.ip_address) == ("village_clerk_a", "success", "10.9.8.7")


def test_a_wrong_password_is_refused_and_recorded_as_a_failure(personas):
    client = Client()
    response = log_in(client, "village_clerk_a", "wrong-password")
    assert response.status_code == 200
    assert client.get("/").status_code == 302  # still anonymous
    assert SecurityEvent.objects.filter(kind="login_failed", username="village_clerk_a", result="failure").exists()


def test_five_failures_lock_the_user_name_even_with_the_right_password(personas):
    client = Client()
    for _ in range(5):
        log_in(client, "village_clerk_a", "wrong-password")
    response = log_in(client, "village_clerk_a")
    assert response.status_code == 403
    assert 'data-testid="locked"' in response.content.decode()
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind="locked_out", username="village_clerk_a").exists()


def test_a_lockout_does_not_lock_colleagues_behind_the_same_office_address(personas):
    for _ in range(6):
        log_in(Client(), "village_clerk_a", "wrong-password", ip="10.0.0.1")
    colleague = Client()
    assert log_in(colleague, "grid_worker_a", ip="10.0.0.1").status_code == 302
    assert colleague.get("/").status_code == 200


def test_the_lockout_ends_after_15_minutes(personas):
    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        log_in(Client(), "village_clerk_a", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert log_in(Client(), "village_clerk_a").status_code == 302


def test_the_security_administrator_can_unlock_an_account(personas, client_as):
    for _ in range(5):
        log_in(Client(), "village_clerk_a", "wrong-password")
    target = personas["village_clerk_a"]
    client_as("county_admin").post(reverse("accounts:user-action", args=[target.pk, "unlock"]))
    assert log_in(Client(), "village_clerk_a").status_code == 302
    assert SecurityEvent.objects.filter(kind="user_unlocked", target="village_clerk_a").exists()


def test_a_new_account_must_change_its_password_before_anything_else(personas):
    user = personas["village_clerk_a"]
    user.must_change_password = True
    user.save()
    client = Client()
    log_in(client, "village_clerk_a")
    assert client.get("/").url == reverse("accounts:password-change")
    assert client.get("/regions/").url == reverse("accounts:password-change")
    assert client.get("/api/v1/regions/").status_code == 403
    response = client.post(reverse("accounts:password-change"), {
        "old_password": PASSWORD, "new_password1": "Jiedi-village-88", "new_password2": "Jiedi-village-88"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Jiedi-village-88")


@pytest.mark.parametrize(("new_password", "code"), [
    ("short1!", "password_too_short"),
    ("password123", "password_too_common"),
    ("7364829174", "password_entirely_numeric"),
])
def test_weak_new_passwords_are_refused_with_the_reason(personas, client_as, new_password, code):
    client = client_as("village_clerk_a")
    response = client.post(reverse("accounts:password-change"), {
        "old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 200
    assert code in {e.code for e in response.context["form"].errors.as_data()["new_password1"]}
    personas["village_clerk_a"].refresh_from_db()
    assert personas["village_clerk_a"].check_password(PASSWORD)


def test_complexity_rules_apply_only_when_switched_on(personas, client_as, settings):
    simple = "mountainvillage"
    data = {"old_password": PASSWORD, "new_password1": simple, "new_password2": simple}
    settings.XIANGCUN_PASSWORD_COMPLEXITY = True
    refused = client_as("village_clerk_a").post(reverse("accounts:password-change"), data)
    assert "password_too_simple" in {e.code for e in refused.context["form"].errors.as_data()["new_password1"]}
    settings.XIANGCUN_PASSWORD_COMPLEXITY = False
    assert client_as("village_clerk_a").post(reverse("accounts:password-change"), data).status_code == 302


def test_an_expired_password_must_be_changed_when_periodic_change_is_on(personas, client_as, settings):
    from django.utils import timezone

    user = personas["village_clerk_a"]
    user.password_changed_at = timezone.now() - timezone.timedelta(days=91)
    user.save()
    client = client_as("village_clerk_a")
    assert client.get("/").status_code == 200  # off by default
    settings.XIANGCUN_PASSWORD_MAX_AGE_DAYS = 90
    assert client.get("/").url == reverse("accounts:password-change")


def _age_session(client: Client, *, idle: float = 0, total: float = 0) -> None:
    session = client.session
    now = time.time()
    session["seen_at"] = now - idle
    session["login_at"] = now - total
    session.save()


def test_a_session_ends_after_30_idle_minutes(personas):
    client = Client()
    log_in(client, "village_clerk_a")
    _age_session(client, idle=29 * 60, total=29 * 60)
    assert client.get("/").status_code == 200
    _age_session(client, idle=31 * 60, total=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind="session_expired", username="village_clerk_a").exists()


def test_a_busy_session_still_ends_after_12_hours(personas):
    client = Client()
    log_in(client, "village_clerk_a")
    _age_session(client, idle=10, total=12 * 3600 + 60)
    assert client.get("/").status_code == 302


def test_logout_deletes_the_session_on_the_server(personas):
    client = Client()
    log_in(client, "village_clerk_a")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind="logout", username="village_clerk_a").exists()


def test_disabling_a_user_ends_their_sessions_and_tokens_at_once(personas):
    phone = Client()
    log_in(phone, "village_clerk_a")
    token = Client().post("/api/v1/auth/token/", {"username": "village_clerk_a", "password": PASSWORD}).json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/regions/").status_code == 200
    user_set_active(actor=personas["township_officer"], user=personas["village_clerk_a"], active=False)
    assert phone.get("/").status_code == 302
    assert api.get("/api/v1/regions/").status_code == 401
    assert SecurityEvent.objects.filter(kind="user_disabled", target="village_clerk_a").exists()


def test_passwords_are_hashed_with_argon2(personas):
    from django.contrib.auth.hashers import identify_hasher

    assert identify_hasher(personas["village_clerk_a"].password).algorithm == "argon2"
