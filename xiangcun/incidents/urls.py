"""Desk pages of the incident loop (/incidents/): console, incident page, hotline entry, configuration, statistics."""

from __future__ import annotations

from django.urls import path

from xiangcun.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("bulk-dispatch/", views.BulkDispatchView.as_view(), name="bulk-dispatch"),
    path("new/", views.IncidentCreateView.as_view(), name="create"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("config/categories/", views.CategoryListView.as_view(), name="config-categories"),
    path("config/categories/new/", views.CategoryEditView.as_view(), name="category-create"),
    path("config/categories/<int:pk>/", views.CategoryEditView.as_view(), name="category-edit"),
    path("config/rules/", views.DispatchRuleListView.as_view(), name="config-rules"),
    path("config/rules/new/", views.DispatchRuleEditView.as_view(), name="rule-create"),
    path("config/rules/<int:pk>/", views.DispatchRuleEditView.as_view(), name="rule-edit"),
    path("config/departments/", views.DepartmentListView.as_view(), name="config-departments"),
    path("config/departments/new/", views.DepartmentEditView.as_view(), name="department-create"),
    path("config/departments/<int:pk>/", views.DepartmentEditView.as_view(), name="department-edit"),
    path("photos/<int:pk>/<str:size>/", views.PhotoView.as_view(), name="photo"),
    path("<str:code>/", views.IncidentDetailView.as_view(), name="detail"),
    path("<str:code>/reveal/", views.RevealReporterView.as_view(), name="reveal"),
    path("<str:code>/act/<slug:action>/", views.IncidentActionView.as_view(), name="act"),
]
