"""Addresses of the platform (DESIGN.md, "Commands and addresses")."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.module_loading import autodiscover_modules
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from xiangcun.accounts.views import TokenView
from xiangcun.core.api import router
from xiangcun.core.views import healthz

# Every app's api.py registers its viewsets on the one router.
autodiscover_modules("api")

# The Django admin bypasses restrict(): superusers only. Everyone else uses the scoped pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", include("xiangcun.core.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("xiangcun.accounts.urls")),
    path("regions/", include("xiangcun.regions.urls")),
    path("households/", include("xiangcun.households.urls")),
    path("households/", include("xiangcun.livelihoods.urls")),
    path("households/", include("xiangcun.monitoring.urls")),
    path("m/households/", include("xiangcun.households.mobile_urls")),
    path("m/households/", include("xiangcun.livelihoods.mobile_urls")),
    path("m/households/", include("xiangcun.monitoring.mobile_urls")),
    path("incidents/", include("xiangcun.incidents.urls")),
    path("m/incidents/", include("xiangcun.incidents.mobile_urls")),
    path("open311/v2/", include("xiangcun.incidents.open311.urls")),
    path("", include("xiangcun.dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
