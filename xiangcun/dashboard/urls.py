"""Addresses of 乡村一张图 (/map/) and 数字大屏 (/screen/<region code>/) (DESIGN.md, "Commands and addresses")."""

from __future__ import annotations

from django.urls import path

from xiangcun.dashboard.overview_api import OverviewView
from xiangcun.dashboard.views import live, map, profile, screen

app_name = "dashboard"

urlpatterns = [
    path("map/", map.map_page, name="map"),
    path("map/search/", map.search, name="search"),
    path("map/layers/<slug:key>.geojson", map.layer_geojson, name="layer"),
    path("map/layers/<slug:key>/<str:ident>/", map.feature_summary, name="feature"),
    path("screen/", screen.screen_home, name="screen-home"),
    path("screen/<str:code>/", screen.screen_page, name="screen"),
    path("screen/<str:code>/events/", live.screen_events, name="screen-events"),
    path("screen/<str:code>/profile/", profile.village_profile, name="profile"),
    path("screen/<str:code>/brief.pdf", profile.village_brief, name="brief"),
    path("api/v1/dashboard/overview/<str:code>/", OverviewView.as_view(), name="overview-api"),
]
