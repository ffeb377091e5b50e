"""Work in progress (issue 5): replaced by the real views."""

from __future__ import annotations

from django.http import Http404


def map_page(request, *args, **kwargs):
    raise Http404


def search(request, *args, **kwargs):
    raise Http404


def layer_geojson(request, *args, **kwargs):
    raise Http404


def feature_summary(request, *args, **kwargs):
    raise Http404
