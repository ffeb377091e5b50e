"""Work in progress (issue 5): replaced by the real views."""

from __future__ import annotations

from django.http import Http404


def village_profile(request, *args, **kwargs):
    raise Http404


def village_brief(request, *args, **kwargs):
    raise Http404
