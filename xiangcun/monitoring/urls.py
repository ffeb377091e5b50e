"""Pages of the 低收入人口 register and 防返贫 monitoring under /households/ (their addresses from before the split
kept; the phone page is in mobile_urls.py, at /m/households/)."""

from __future__ import annotations

from django.urls import path

from xiangcun.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/risks/", views.RiskListView.as_view(), name="risk-list"),
    path("monitoring/clues/", views.ClueListView.as_view(), name="clue-list"),
    path("<uuid:uuid>/clues/new/", views.ClueReportView.as_view(), name="clue-report"),
    path("monitoring/clues/<uuid:uuid>/dismiss/", views.ClueDismissView.as_view(), name="clue-dismiss"),
    path("<uuid:uuid>/cases/new/", views.CaseOpenView.as_view(), name="case-open"),
    path("monitoring/cases/", views.CaseListView.as_view(), name="case-list"),
    path("monitoring/cases/<uuid:uuid>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("monitoring/cases/<uuid:uuid>/<slug:what>/", views.CaseActionView.as_view(), name="case-action"),
    path("monitoring/register/", views.RegisterView.as_view(), name="register"),
    path("monitoring/config/", views.ConfigView.as_view(), name="config"),
]
