from __future__ import annotations

from django.urls import path

from xiangcun.core import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
