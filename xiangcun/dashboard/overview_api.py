"""Work in progress (issue 5): replaced by the overview API."""

from __future__ import annotations

from django.http import Http404
from rest_framework.views import APIView


class OverviewView(APIView):
    def get(self, request, code: str):
        raise Http404
