"""Phone pages of the household registry at /m/households/ (grid workers and villagers)."""

from __future__ import annotations

from django.urls import path  # noqa: F401 (the areas add their pages below)

app_name = "households_mobile"

urlpatterns: list = []
