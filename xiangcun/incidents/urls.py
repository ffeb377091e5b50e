"""Desk pages of the incident loop (/incidents/): console, incident page, hotline entry, configuration, statistics."""

from __future__ import annotations

from django.urls import path

from xiangcun.incidents import views

app_name = "incidents"
urlpatterns = [
    path("<str:code>/", views.IncidentDetailView.as_view(), name="detail"),
]
