"""Phone pages (/m/incidents/): a villager's 随手拍 and "my reports"; a grid worker's inbox, handling, patrols."""

from __future__ import annotations

from django.urls import path

from xiangcun.incidents.views import mobile as mobile_views

app_name = "incidents_mobile"
urlpatterns = [
    path("report/", mobile_views.ReportView.as_view(), name="report"),
    path("locate/", mobile_views.LocateView.as_view(), name="locate"),
    path("mine/", mobile_views.MyReportListView.as_view(), name="mine"),
    path("mine/<str:code>/", mobile_views.MyReportDetailView.as_view(), name="mine-detail"),
    path("inbox/", mobile_views.InboxView.as_view(), name="inbox"),
    path("handle/<str:code>/", mobile_views.HandleView.as_view(), name="handle"),
    path("patrols/", mobile_views.PatrolListView.as_view(), name="patrols"),
    path("patrols/start/", mobile_views.PatrolStartView.as_view(), name="patrol-start"),
    path("patrols/<int:pk>/", mobile_views.PatrolDetailView.as_view(), name="patrol"),
    path("patrols/<int:pk>/points/", mobile_views.PatrolPointsView.as_view(), name="patrol-points"),
    path("patrols/<int:pk>/end/", mobile_views.PatrolEndView.as_view(), name="patrol-end"),
    path("patrols/<int:pk>/report/", mobile_views.ReportView.as_view(), name="patrol-report"),
]
