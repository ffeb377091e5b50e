from __future__ import annotations

from django.urls import path

from xiangcun.regions.views import facilities as facility_views
from xiangcun.regions.views import regions as views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="region-list"),
    path("boundaries/", views.BoundariesView.as_view(), name="boundaries"),
    path("switch/", views.SwitchRegionView.as_view(), name="switch"),
    path("grids/", views.GridListView.as_view(), name="grid-list"),
    path("grids/<int:pk>/", views.GridDetailView.as_view(), name="grid-detail"),
    path("facilities/", facility_views.FacilityListView.as_view(), name="facility-list"),
    path("facilities/new/", facility_views.FacilityCreateView.as_view(), name="facility-create"),
    path("facilities/<int:pk>/", facility_views.FacilityDetailView.as_view(), name="facility-detail"),
    path("facilities/<int:pk>/edit/", facility_views.FacilityEditView.as_view(), name="facility-edit"),
    path("facilities/<int:pk>/photos/", facility_views.FacilityPhotoAddView.as_view(), name="facility-photo-add"),
    path("facilities/<int:pk>/photos/<int:photo>/remove/", facility_views.FacilityPhotoRemoveView.as_view(),
         name="facility-photo-remove"),
    path("facilities/<int:pk>/deactivate/", facility_views.FacilityDeactivateView.as_view(),
         name="facility-deactivate"),
    path("facility-photos/<int:pk>/<str:size>/", facility_views.FacilityPhotoView.as_view(),
         name="facility-photo"),
    path("<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
]
