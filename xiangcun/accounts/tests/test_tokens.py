"""API tokens for phones and integrations: issued once, stored hashed, revocable, scoped, locked out."""

from __future__ import annotations

from django.test import Client

from xiangcun.accounts.models import ApiToken
from xiangcun.accounts.services import token_revoke

PASSWORD = "Test-pass-2026"
TOKEN_URL = "/api/v1/auth/token/"


def get_token(username: str, password: str = PASSWORD):
    return Client().post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json")


def test_a_token_is_issued_for_a_good_password_and_only_its_hash_is_stored(personas):
    response = get_token("village_clerk_a")
    assert response.status_code == 200
    key = response.json()["token"]
    stored = ApiToken.objects.get(user=personas["village_clerk_a"])
    assert stored.key_hash == ApiToken.hash_key(key) and key not in stored.key_hash


def test_a_token_sees_what_its_user_sees(personas):
    key = get_token("village_clerk_a").json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    codes = {row["code"] for row in api.get("/api/v1/regions/").json()["results"]}
    assert codes == {"623023103203"}
    assert api.get("/api/v1/regions/623023102214/").status_code == 404


def test_a_wrong_password_gets_no_token(personas):
    response = get_token("village_clerk_a", "wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.exists()


def test_missing_fields_are_a_clear_400(personas):
    response = Client().post(TOKEN_URL, {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_the_token_endpoint_locks_out_like_the_login_page(personas):
    for _ in range(5):
        get_token("village_clerk_a", "wrong")
    response = get_token("village_clerk_a")
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working(personas):
    key = get_token("village_clerk_a").json()["token"]
    token_revoke(actor=personas["village_clerk_a"], token=ApiToken.objects.get())
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/regions/").status_code == 401


def test_an_account_that_must_change_its_password_gets_no_token(personas):
    user = personas["village_clerk_a"]
    user.must_change_password = True
    user.save()
    response = get_token("village_clerk_a")
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
