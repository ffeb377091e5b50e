"""Fixtures for every app: the test region tree, the personas, logged-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from xiangcun.core.testing import build_test_tree


@pytest.fixture
def tree(db):
    return build_test_tree()


@pytest.fixture
def personas(tree):
    from xiangcun.accounts.demo import ensure_personas

    return ensure_personas(password="Test-pass-2026")


@pytest.fixture
def client_as(personas):
    """``client_as("village_clerk_a")`` is a Client logged in as that persona (``None``: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(personas[username])
        return client

    return make


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Pages render without `collectstatic` (the manifest storage needs it; `make run` runs it)."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _huey_immediate():
    """Background tasks run at once, in memory: the channels are really called, and no test writes to the
    development queue in ``var/huey.sqlite3``."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was
