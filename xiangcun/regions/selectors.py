"""Reads on the tree: breadcrumbs, children with counts, the regions a user may switch to."""

from __future__ import annotations

from django.db.models import Count

from xiangcun.core.scoping import prefix_q
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

CURRENT_REGION_KEY = "current_region"


def user_root_regions(user) -> list[Region]:
    """The highest regions the user can see (their jurisdiction's tops)."""
    return list(Region.objects.restrict(user, "view").top_level()[:50])


def current_region(request) -> Region | None:
    """The region chosen in the breadcrumb switcher, if it is still inside the user's scope."""
    code = request.session.get(CURRENT_REGION_KEY) if hasattr(request, "session") else None
    visible = Region.objects.restrict(request.user, "view")
    if code:
        region = visible.filter(code=code).first()
        if region is not None:
            return region
    roots = user_root_regions(request.user)
    return roots[0] if len(roots) == 1 else None


def breadcrumb_for_request(request) -> dict:
    """县 › 乡镇 › 村 for the base layout; the switcher lists only children the user may see."""
    if "_breadcrumb" in request.__dict__:
        return request._breadcrumb
    region = current_region(request)
    visible = Region.objects.restrict(request.user, "view")
    trail: list[Region] = []
    choices: list[Region] = []
    if region is not None:
        trail = [*visible_ancestors(region, visible), region]
        if region.level < Level.VILLAGE:
            choices = list(visible.filter(parent=region, enabled=True).only("code", "name", "short_name")[:300])
    result = {"breadcrumb": trail, "breadcrumb_choices": choices, "breadcrumb_roots": user_root_regions(request.user)}
    request._breadcrumb = result
    return result


def visible_ancestors(region: Region, visible) -> list[Region]:
    """The ancestors of ``region`` that lie inside ``visible`` (a restricted queryset), top first."""
    ancestors = region.ancestors()
    codes = set(visible.filter(code__in=[a.code for a in ancestors]).values_list("code", flat=True))
    return [a for a in ancestors if a.code in codes]


def children_with_counts(region: Region, queryset) -> list[Region]:
    """Children of ``region`` (within ``queryset``, already restricted) with their own child and grid counts."""
    return list(
        queryset.filter(parent=region)
        .annotate(child_count=Count("children", distinct=True), grid_count=Count("grids", distinct=True))
        .order_by("code")
    )


def region_counts(region: Region) -> dict[str, int]:
    """How many townships, villages, groups and grids lie under ``region``."""
    below = Region.objects.under(region.code, include_self=False)
    counts = dict(below.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    from xiangcun.regions.models import Grid

    return {
        "townships": counts.get(Level.TOWNSHIP, 0),
        "villages": counts.get(Level.VILLAGE, 0),
        "groups": counts.get(Level.GROUP, 0),
        "grids": Grid.objects.filter(prefix_q("village__code", region.code)).count(),
    }
