"""Pages of the household registry at /households/ (the phone pages are in mobile_urls.py, at /m/households/)."""

from __future__ import annotations

from django.urls import path

from xiangcun.households.views import registry

app_name = "households"

urlpatterns = [
    path("", registry.HouseholdListView.as_view(), name="household-list"),
    path("<uuid:uuid>/", registry.HouseholdDetailView.as_view(), name="household-detail"),
]
