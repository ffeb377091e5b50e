"""/open311/v2/: every resource answers ``.xml`` and ``.json`` (``/open311/v2/services.xml``)."""

from __future__ import annotations

from django.urls import path, re_path

from xiangcun.incidents.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<service_code>[-\w]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[-\w]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[-\w]+)" + FMT, views.token, name="token"),
    # Not a GeoReport resource: where media_url points (the photo of a public incident).
    path("media/<uuid:token>/<int:photo_id>.jpg", views.media, name="media"),
]
