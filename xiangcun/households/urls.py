"""Pages of the household registry at /households/ (the phone pages are in mobile_urls.py, at /m/households/)."""

from __future__ import annotations

from django.urls import path

from xiangcun.households.models import House, LandParcel, LivestockHolding
from xiangcun.households.views import imports as import_views
from xiangcun.households.views import registry

app_name = "households"

urlpatterns = [
    path("", registry.HouseholdListView.as_view(), name="household-list"),
    path("<uuid:uuid>/", registry.HouseholdDetailView.as_view(), name="household-detail"),
    path("new/", registry.HouseholdCreateView.as_view(), name="household-create"),
    path("<uuid:uuid>/edit/", registry.HouseholdEditView.as_view(), name="household-edit"),
    path("<uuid:uuid>/members/add/", registry.PersonAddView.as_view(), name="person-add"),
    path("<uuid:uuid>/head/", registry.HeadChangeView.as_view(), name="head-change"),
    path("<uuid:uuid>/split/", registry.SplitView.as_view(), name="split"),
    path("<uuid:uuid>/merge/", registry.MergeView.as_view(), name="merge"),
    path("<uuid:uuid>/houses/add/", registry.HouseFormView.as_view(), name="house-add"),
    path("<uuid:uuid>/houses/<int:pk>/", registry.HouseFormView.as_view(), name="house-edit"),
    path("<uuid:uuid>/parcels/add/", registry.ParcelFormView.as_view(), name="parcel-add"),
    path("<uuid:uuid>/parcels/<int:pk>/", registry.ParcelFormView.as_view(), name="parcel-edit"),
    path("<uuid:uuid>/livestock/", registry.LivestockFormView.as_view(), name="livestock"),
    path("houses/<int:pk>/delete/", registry.PartDeleteView.as_view(model=House), name="house-delete"),
    path("parcels/<int:pk>/delete/", registry.PartDeleteView.as_view(model=LandParcel), name="parcel-delete"),
    path("livestock/<int:pk>/delete/", registry.PartDeleteView.as_view(model=LivestockHolding),
         name="livestock-delete"),
    path("persons/", registry.PersonListView.as_view(), name="person-list"),
    path("persons/<uuid:uuid>/edit/", registry.PersonEditView.as_view(), name="person-edit"),
    path("persons/<uuid:uuid>/leave/", registry.PersonLeaveView.as_view(), name="person-leave"),
    path("persons/<uuid:uuid>/reveal/", registry.PersonRevealView.as_view(), name="person-reveal"),
    # Excel import and export (helper "import")
    path("import/", import_views.ImportView.as_view(), name="import"),
    path("import/templates/<str:kind>.xlsx", import_views.ImportTemplateView.as_view(), name="import-template"),
    path("import/jobs/<uuid:uuid>/", import_views.ImportJobView.as_view(), name="import-job"),
    path("export/", import_views.ExportView.as_view(), name="export"),
]
