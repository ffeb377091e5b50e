"""Work in progress (issue 5): replaced by the real views."""

from __future__ import annotations

from django.http import Http404


def screen_events(request, *args, **kwargs):
    raise Http404
