from __future__ import annotations

from django.urls import path

from xiangcun.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="region-list"),
    path("boundaries/", views.BoundariesView.as_view(), name="boundaries"),
    path("switch/", views.SwitchRegionView.as_view(), name="switch"),
    path("grids/", views.GridListView.as_view(), name="grid-list"),
    path("grids/<int:pk>/", views.GridDetailView.as_view(), name="grid-detail"),
    path("<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
]
