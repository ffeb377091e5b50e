"""``GET /api/v1/dashboard/overview/<code>/``: the figures behind a region's big screen (docs/dashboard.md)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from xiangcun.dashboard.selectors import overview_for
from xiangcun.regions.models import Region

SCREEN_PERMISSION = "dashboard.view_screen"

DESCRIPTION = """The overview of a county, township or village for its big screen (数字大屏): population and
households (by tag, by ethnicity, age pyramid), income (per-capita trend, distribution against the monitoring
line), 防返贫 monitoring cases by state, incidents (today, this month, open, overdue, on-time rate, share closed at
village level, by category, the latest ones) and grid work.

Needs `dashboard.view_screen` with the region in the caller's scope; any other region answers 404.

Privacy: aggregates only. Counts of persons or households from 1 to 4 are `null` (shown as "<5", see
`suppressed_below`); zero stays 0. Incident and grid counts are events and are not suppressed. Reporters appear
as surname + "*" only, and not at all for incidents that are not public.

Freshness: population, income and monitoring figures come from per-village snapshots refreshed every 10 minutes
(`computed_at` is the oldest one used); incident and grid figures are live. The whole answer is cached for 15
seconds per region (`generated_at` says when it was computed)."""


def screen_regions(user):
    """The regions whose screen ``user`` may open (the one scope, DESIGN.md §1)."""
    return Region.objects.restrict(user, SCREEN_PERMISSION)


class OverviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dashboard_overview",
        summary="Overview of a region for its big screen",
        description=DESCRIPTION,
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="division code of a county, township or village")],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="the overview (see the description)"),
                   404: OpenApiResponse(description="no such region in the caller's scope")},
        tags=["dashboard"],
    )
    def get(self, request, code: str) -> Response:
        region = get_object_or_404(screen_regions(request.user), code=code)
        return Response(overview_for(request.user, region))
