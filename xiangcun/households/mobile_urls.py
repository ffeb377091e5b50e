"""Phone pages of the household registry at /m/households/ (grid workers and villagers)."""

from __future__ import annotations

from django.urls import path

from xiangcun.households.views import registry

app_name = "households_mobile"

urlpatterns = [
    path("new/", registry.MobileHouseholdCreateView.as_view(), name="household-create"),
]
