"""村情 — a village's profile page (``/screen/<code>/profile/``) and its printable brief (``/screen/<code>/brief.pdf``).

Both are for a village only: a township or a county code answers 404 (their big screen covers them). Who may
open them is ``Region.objects.restrict(user, "dashboard.view_screen")``; outside that, 404.
Figures come from the overview contract (``dashboard.selectors.region_overview``), already suppressed; the
people shown are officials (村干部 with their role, 网格员 per grid), phones masked on the page and absent
from the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from xiangcun.core.views import record_view
from xiangcun.dashboard.views.map import SCREEN_PERMISSION
from xiangcun.regions.choices import FacilityKind, Level
from xiangcun.regions.models import Facility, Grid, Region

SUPPRESSED = "<5"


def load_overview(region: Region) -> dict:
    """The overview contract of the region (helper module ``dashboard.selectors``)."""
    from xiangcun.dashboard import selectors

    return selectors.region_overview(region)


def shown(value) -> str:
    """A suppressed count (None) as "<5"; anything else as it is."""
    return SUPPRESSED if value is None else str(value)


@dataclass
class Person:
    name: str
    role: str
    masked_phone: str = ""


@dataclass
class GridRow:
    name: str
    url: str
    workers: list[Person]
    boundary: dict | None = None


@dataclass
class KindGroup:
    kind: str
    label: str
    facilities: list[Facility] = field(default_factory=list)


@dataclass
class VillageFacts:
    """What the profile and the brief show of a village besides the overview's figures."""

    village: Region
    ancestors: list[Region]
    cadres: list[Person]
    grids: list[GridRow]
    facilities: list[KindGroup]

    @property
    def facility_count(self) -> int:
        return sum(len(group.facilities) for group in self.facilities)


def visible_village(user, code: str) -> Region:
    """The village ``code`` if the user may open its screen, else 404 (also for a township or county code)."""
    region = get_object_or_404(Region.objects.restrict(user, "dashboard.view_screen"), code=code)
    if region.level != Level.VILLAGE:
        raise Http404
    return region


def village_facts(user, village: Region) -> VillageFacts:
    """Cadres (村干部 assigned to this village), grid workers per grid, facilities in service by kind."""
    from xiangcun.accounts.models import RoleAssignment
    from xiangcun.accounts.roles import ROLE_NAMES_EN

    assignments = (RoleAssignment.objects.filter(region=village, role__code="village_cadre", user__is_active=True)
                   .select_related("user", "role").order_by("user__full_name", "user__username"))
    cadres = [Person(a.user.full_name or a.user.username, str(ROLE_NAMES_EN.get(a.role.code, a.role.name)),
                     a.user.masked_phone) for a in assignments]
    worker_role = str(ROLE_NAMES_EN["grid_worker"])
    grids = [GridRow(grid.name, grid.get_absolute_url(),
                     [Person(w.full_name or w.username, worker_role, w.masked_phone) for w in grid.workers.all()],
                     grid.boundary)
             for grid in Grid.objects.filter(village=village).prefetch_related("workers").order_by("code")]
    groups: dict[str, KindGroup] = {}
    labels = dict(FacilityKind.choices)
    facilities = (Facility.objects.restrict(user, "view").filter(region=village, active=True)
                  .order_by("kind", "name"))
    for facility in facilities:
        group = groups.setdefault(facility.kind, KindGroup(facility.kind, str(labels.get(facility.kind, ""))))
        group.facilities.append(facility)
    order = list(FacilityKind.values)
    return VillageFacts(village, village.ancestors(), cadres, grids,
                        sorted(groups.values(), key=lambda g: order.index(g.kind) if g.kind in order else 99))



def key_figures(overview: dict) -> list[tuple[str, str, str]]:
    """(testid, label, value) of the headline figures, suppressed counts as "<5"."""
    population, income = overview["population"], overview["income"]
    incidents, grid, monitoring = overview["incidents"], overview["grid"], overview["monitoring"]
    from xiangcun.dashboard.selectors import income_headline

    income_label, income_value = income_headline(income)
    return [
        ("households", _("Households"), shown(population["households"])),
        ("persons", _("Persons"), shown(population["persons"])),
        ("income", income_label, income_value),
        ("below-line", _("Households below the monitoring line"), shown(income["below_line"])),
        ("open-cases", _("Open monitoring cases"), shown(monitoring["open_cases"])),
        ("incidents-month", _("Incidents this month"), str(incidents["month"])),
        ("incidents-open", _("Open incidents"), str(incidents["open"])),
        ("grids", _("Grids / grid workers"), f"{grid['grids']} / {grid['workers']}"),
    ]


def _map_data(facts: VillageFacts) -> dict:
    grids = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": g.name}, "geometry": g.boundary} for g in facts.grids if g.boundary]}
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f.name, "kind": f.kind, "url": f.get_absolute_url()},
         "geometry": {"type": "Point", "coordinates": [f.longitude, f.latitude]}}
        for group in facts.facilities for f in group.facilities]}
    return {"boundary": facts.village.boundary, "grids": grids, "facilities": points}


@record_view(Region, lookup_field="code", action=SCREEN_PERMISSION)
@login_required
def village_profile(request, code: str):
    village = visible_village(request.user, code)
    overview = load_overview(village)
    facts = village_facts(request.user, village)
    return TemplateResponse(request, "dashboard/profile.html", {
        "village": village, "facts": facts, "overview": overview, "figures": key_figures(overview),
        "by_tag": [(row["label"], shown(row["count"])) for row in overview["population"]["by_tag"]],
        "by_state": [(row["label"], shown(row["count"])) for row in overview["monitoring"]["by_state"]],
        "map_data": _map_data(facts),
        "computed_at": (overview.get("computed_at") or "")[:16].replace("T", " ") or "—",
        "brief_url": reverse("dashboard:brief", args=[village.code]),
        "screen_url": reverse("dashboard:screen", args=[village.code]),
    })


@record_view(Region, lookup_field="code", action=SCREEN_PERMISSION)
@login_required
def village_brief(request, code: str):
    from xiangcun.accounts.choices import SecurityEventKind
    from xiangcun.accounts.services import security_event_record
    from xiangcun.dashboard import brief

    village = visible_village(request.user, code)
    font = brief.find_cjk_font()
    if font is None:
        return TemplateResponse(request, "dashboard/brief_unavailable.html", {
            "village": village, "package": brief.FONT_PACKAGE, "setting": brief.FONT_SETTING,
            "searched": brief.font_candidates()}, status=503)
    today = timezone.localdate()
    content = brief.render_brief(brief.BriefData(village=village, overview=load_overview(village),
                                                 facts=village_facts(request.user, village), date=today), font)
    security_event_record(kind=SecurityEventKind.DATA_EXPORTED, actor=request.user, request=request,
                          target=f"dashboard.brief.{village.code}",
                          detail={"export": "village_brief", "region": village.code, "bytes": len(content)})
    response = HttpResponse(content, content_type="application/pdf")
    filename = _("%(village)s village brief %(date)s.pdf") % {"village": village.display_name,
                                                              "date": today.isoformat()}
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response
