"""Phone pages of the household registry at /m/households/ (grid workers and villagers)."""

from __future__ import annotations

from django.urls import path

from xiangcun.households.views import monitoring as monitoring_views
from xiangcun.households.views import questionnaire, registry

app_name = "households_mobile"

urlpatterns = [
    path("new/", registry.MobileHouseholdCreateView.as_view(), name="household-create"),
    path("work/", questionnaire.WorkReportView.as_view(), name="work"),
    path("work/done/", questionnaire.WorkDoneView.as_view(), name="work-done"),
    path("work/for/", questionnaire.WorkForView.as_view(), name="work-for"),
    path("work/for/<uuid:uuid>/", questionnaire.WorkForPersonView.as_view(), name="work-for-person"),
    path("declare/", monitoring_views.DeclareView.as_view(), name="declare"),
]
