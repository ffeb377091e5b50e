"""Phone pages of 务工 at /m/households/work/ (their addresses from before the split kept)."""

from __future__ import annotations

from django.urls import path

from xiangcun.livelihoods.views import questionnaire

app_name = "livelihoods_mobile"

urlpatterns = [
    path("work/", questionnaire.WorkReportView.as_view(), name="work"),
    path("work/done/", questionnaire.WorkDoneView.as_view(), name="work-done"),
    path("work/for/", questionnaire.WorkForView.as_view(), name="work-for"),
    path("work/for/<uuid:uuid>/", questionnaire.WorkForPersonView.as_view(), name="work-for-person"),
]
