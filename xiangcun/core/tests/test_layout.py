"""The base layout: demo banner, 长辈版 remembered per user, language switch and breadcrumb on every page."""

from __future__ import annotations

from xiangcun.core.models import SystemSetting


def test_the_demo_banner_shows_only_while_demo_data_is_loaded(client_as):
    client = client_as("village_clerk_a")
    assert 'data-testid="demo-banner"' not in client.get("/").content.decode()
    SystemSetting.put("demo_loaded", {"county": "623023"})
    assert 'data-testid="demo-banner"' in client.get("/").content.decode()


def test_large_text_is_remembered_on_the_account(client_as, personas):
    client = client_as("villager_a")
    client.post("/accounts/elder-mode/", {"enabled": "1", "next": "/"})
    personas["villager_a"].refresh_from_db()
    assert personas["villager_a"].elder_mode
    other_phone = client_as("villager_a")  # a new device: no cookie, same account
    assert 'class="elder-mode"' in other_phone.get("/").content.decode()


def test_large_text_can_be_chosen_before_logging_in(client, db):
    response = client.post("/accounts/elder-mode/", {"enabled": "1", "next": "/accounts/login/"})
    assert response.url == "/accounts/login/"
    assert 'class="elder-mode"' in client.get("/accounts/login/").content.decode()


def test_the_elder_switch_never_redirects_to_another_site(client, db):
    assert client.post("/accounts/elder-mode/", {"enabled": "1", "next": "https://evil.example/"}).url == "/"


def test_every_page_offers_the_language_switch_and_large_text(client_as):
    client = client_as("county_admin")
    for path in ("/", "/regions/", "/regions/623023/", "/regions/grids/", "/accounts/users/",
                 "/accounts/password/change/"):
        html = client.get(path).content.decode()
        assert 'data-testid="language-switch"' in html and 'data-testid="elder-toggle"' in html, path
