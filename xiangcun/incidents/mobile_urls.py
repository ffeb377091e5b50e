"""Phone pages (/m/incidents/): a villager's 随手拍 and "my reports"; a grid worker's inbox, handling, patrols."""

from __future__ import annotations

from django.urls import path

from xiangcun.incidents.views import mobile as mobile_views

app_name = "incidents_mobile"
urlpatterns = [
    path("mine/<str:code>/", mobile_views.MyReportDetailView.as_view(), name="mine-detail"),
]
