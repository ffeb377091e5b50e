"""Pages of income and 务工 under /households/ (their addresses from before the split kept; the phone pages are in
mobile_urls.py, at /m/households/)."""

from __future__ import annotations

from django.urls import path

from xiangcun.livelihoods.views import employment as employment_views
from xiangcun.livelihoods.views import income as income_views

app_name = "livelihoods"

urlpatterns = [
    path("income/check/", income_views.IncomeCheckView.as_view(), name="income-check"),
    path("income/rules/", income_views.IncomeRulesView.as_view(), name="income-rules"),
    path("<uuid:uuid>/income/", income_views.IncomeRecordEditView.as_view(), name="income-record"),
    path("employment/", employment_views.EmploymentListView.as_view(), name="employment-list"),
    path("employment/summary/", employment_views.EmploymentSummaryView.as_view(), name="employment-summary"),
    path("employment/labour-subsidy/", employment_views.LabourSubsidyView.as_view(), name="labour-subsidy"),
]
