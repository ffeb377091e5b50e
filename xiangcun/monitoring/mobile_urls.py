"""The villager's phone page of 防返贫 at /m/households/declare/ (its address from before the split kept)."""

from __future__ import annotations

from django.urls import path

from xiangcun.monitoring import views

app_name = "monitoring_mobile"

urlpatterns = [
    path("declare/", views.DeclareView.as_view(), name="declare"),
]
