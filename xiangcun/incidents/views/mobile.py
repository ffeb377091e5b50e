"""Phone pages (/m/incidents/): a villager's 随手拍 and "my reports"; a grid worker's inbox, handling, patrols.

Every page reads through ``restrict()`` (``Incident.objects.restrict`` or ``services.fetch_for``) and writes
through ``services``. The report endpoint answers JSON to the page's script (which keeps unsent reports in
an outbox on the phone) and HTML to a plain form, so the page works without JavaScript too.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.core.geo import bounding_box, distance_m, valid_lat_lng
from xiangcun.core.scoping import prefix_q, user_scope
from xiangcun.core.views import ScopedObjectMixin
from xiangcun.core.workflow import allowed_actions
from xiangcun.incidents import choices, services
from xiangcun.incidents.filtersets import IncidentFilterSet
from xiangcun.incidents.forms.mobile import (
    CommentForm,
    NoteForm,
    PatrolEndForm,
    PatrolStartForm,
    RateForm,
    ReportForm,
    ResolveForm,
    field_for,
)
from xiangcun.incidents.models import Category, Incident, Patrol
from xiangcun.incidents.services import patrols as patrol_services
from xiangcun.incidents.workflow import DISPATCH, HANDLE, TABLE, reporter_window_open
from xiangcun.regions import boundaries
from xiangcun.regions.choices import Level
from xiangcun.regions.locating import locate
from xiangcun.regions.models import Grid, Region

VIEW = "incidents.view_incident"
NEARBY_RADIUS_M = 2000
NEARBY_LIMIT = 50
INBOX_LIMIT = 100
HANDLING_ACTIONS = ("start", "send_back", "resolve")
FINISHED_FOR_PHOTOS = (choices.State.RESOLVED, choices.State.CLOSED, choices.State.RATED)


ACTION_LABELS = {action: transition.label for (_state, action), transition in TABLE.items()}


def labelled(events) -> list:
    """Timeline rows with a label a person reads: the step's new state, or what kind of entry it is."""
    rows = list(events)
    for event in rows:
        if event.action in choices.EventKind.values:
            event.label = choices.EventKind(event.action).label
        elif event.to_state in choices.State.values:
            event.label = choices.State(event.to_state).label
        else:
            event.label = ACTION_LABELS.get(event.action, event.action)
    return rows


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def error_json(error: ServiceError) -> JsonResponse:
    return JsonResponse({"error": error.message, "code": error.code, "field": field_for(error)}, status=error.status)


def form_errors_json(form) -> JsonResponse:
    errors = {name: [str(message) for message in messages_] for name, messages_ in form.errors.items()}
    name, first = next(iter(errors.items()))
    return JsonResponse({"error": first[0], "code": "invalid", "field": None if name == "__all__" else name,
                         "errors": errors}, status=400)


def add_service_error(form, error: ServiceError) -> None:
    name = field_for(error)
    form.add_error(name if name in form.fields else None, error.message)


# --- 随手拍 ----------------------------------------------------------------------------------------------------

def report_villages(user):
    """The villages a report may name (``RegionQuerySet.where_may_report``: a villager's county, staff's
    jurisdiction; the service refuses the rest anyway)."""
    return Region.objects.where_may_report(user).filter(level=Level.VILLAGE).select_related("parent").order_by("code")


def category_groups() -> list[dict]:
    """Top-level categories with their sub-categories (a top level without children is chosen itself)."""
    rows = list(Category.objects.filter(active=True).order_by("order", "code"))
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    return [{"top": row, "choices": children.get(row.pk, [])} for row in rows if row.parent_id is None]


def village_groups(villages) -> list[tuple[str, list[Region]]]:
    groups: dict[str, list[Region]] = {}
    for village in villages:
        groups.setdefault(village.parent.display_name if village.parent_id else "", []).append(village)
    return list(groups.items())


def _top_code(code: str | None) -> str:
    category = Category.objects.filter(code=code).select_related("parent").first() if code else None
    if category is None:
        return ""
    return category.parent.code if category.parent_id else category.code


class OwnPatrolMixin(ScopedObjectMixin):
    """A patrol of the person signed in (a grid worker's own), in scope; anyone else's is 404."""

    model = Patrol
    owner_only = True
    object_related = ("grid", "region")

    def object_queryset(self):
        return super().object_queryset().filter(worker=self.request.user)


class ReportView(OwnPatrolMixin, View):
    """随手拍 in three steps on one page: photos, place, category and words (on a patrol: a finding of it)."""

    template_name = "incidents/mobile/report.html"

    def object_queryset(self):
        return super().object_queryset().filter(ended_at__isnull=True)

    def patrol(self, request, pk):
        return self.object

    def render_form(self, request, form, patrol, status=200):
        category = form["category"].value()
        return render(request, self.template_name, {
            "form": form, "patrol": patrol, "groups": category_groups(),
            "villages": village_groups(form.fields["region"].queryset),
            "chosen_category": category or "", "chosen_group": _top_code(category),
            "chosen_region": form["region"].value() or "",
            "outbox_scope": str(request.user.pk), "nav": "inbox" if patrol else "report",
            "picker_within": boundaries.home_code(request.user),
        }, status=status)

    def get(self, request, pk=None):
        patrol = self.patrol(request, pk)
        form = ReportForm(villages=report_villages(request.user), initial={"client_key": str(uuid.uuid4())})
        return self.render_form(request, form, patrol)

    def post(self, request, pk=None):
        patrol = self.patrol(request, pk)
        form = ReportForm(request.POST, request.FILES, villages=report_villages(request.user))
        if not form.is_valid():
            return form_errors_json(form) if wants_json(request) else self.render_form(request, form, patrol, 400)
        data = form.report_input()
        try:
            if patrol is not None:
                result = patrol_services.patrol_report_finding(actor=request.user, patrol=patrol, data=data)
            else:
                result = services.incident_report(actor=request.user, data=data)
        except ServiceError as error:
            if wants_json(request):
                return error_json(error)
            add_service_error(form, error)
            return self.render_form(request, form, patrol, error.status if error.status != 404 else 400)
        incident = result.incident
        url = reverse("incidents_mobile:mine-detail", args=[incident.code])
        if wants_json(request):
            duplicate = result.possible_duplicate
            return JsonResponse({"code": incident.code, "url": url, "created": result.created,
                                 "possible_duplicate": duplicate.code if duplicate else None},
                                status=201 if result.created else 200)
        messages.success(request, _("Sent. Your tracking code is %(code)s.") % {"code": incident.code})
        if result.possible_duplicate is not None:
            messages.info(request, _("Someone nearby has already reported a similar problem; "
                                     "the village will look at both together."))
        if patrol is not None:
            return redirect("incidents_mobile:patrol", pk=patrol.pk)
        return redirect(url)


class LocateView(LoginRequiredMixin, View):
    """Which village and grid a phone's position (WGS84) lies in, for the report page to preselect."""

    def get(self, request):
        try:
            lat, lng = float(request.GET.get("lat", "")), float(request.GET.get("lng", ""))
        except ValueError:
            return JsonResponse({"village": None, "grid": None}, status=400)
        if not valid_lat_lng(lat, lng):
            return JsonResponse({"village": None, "grid": None}, status=400)
        village, grid = locate(lat, lng)
        return JsonResponse({
            "village": {"code": village.code, "name": village.name} if village else None,
            "grid": {"code": grid.code, "name": grid.name} if grid else None,
        })


# --- my reports --------------------------------------------------------------------------------------------

def my_reports(user):
    return Incident.objects.restrict(user, "view").filter(reporter=user)


class MyReportListView(LoginRequiredMixin, View):
    template_name = "incidents/mobile/mine.html"
    paginate_by = 20

    def get(self, request):
        rows = my_reports(request.user).select_related("category", "region")
        page = Paginator(rows, self.paginate_by).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page_obj": page, "incidents": page.object_list, "nav": "mine"})


class MyReportDetailView(ScopedObjectMixin, View):
    """The reporter's view: public timeline only, photos, result, the rating and "not solved"."""

    model = Incident
    lookup_field = "code"
    owner_only = True
    object_related = ("category", "region", "grid", "duplicate_of")
    template_name = "incidents/mobile/mine_detail.html"

    def object_queryset(self):
        return super().object_queryset().filter(reporter=self.request.user)

    def incident(self, request, code) -> Incident:
        return self.object

    def render_page(self, request, incident, *, rate_form=None, reopen_form=None, status=200):
        actions = allowed_actions(TABLE, incident.state, request.user, incident)
        photos = [photo for photo in incident.photos.all()
                  if photo.stage == choices.PhotoStage.REPORT or incident.state in FINISHED_FOR_PHOTOS]
        return render(request, self.template_name, {
            "incident": incident, "photos": photos,
            "events": labelled(incident.events.filter(is_public=True)), "nav": "mine",
            "can_rate": "rate" in actions, "can_reopen": "reopen" in actions,
            "rate_form": rate_form or RateForm(), "reopen_form": reopen_form or CommentForm(),
            "reopen_until": (incident.closed_at + timedelta(days=incident.category.reopen_days)
                             if incident.closed_at and reporter_window_open(incident) else None),
        }, status=status)

    def get(self, request, code):
        return self.render_page(request, self.incident(request, code))

    def post(self, request, code):
        incident = self.incident(request, code)
        action = request.POST.get("action")
        if action == "rate":
            form = RateForm(request.POST)
            if not form.is_valid():
                return self.render_page(request, incident, rate_form=form, status=400)
            try:
                services.incident_rate(actor=request.user, incident=incident, rating=form.cleaned_data["rating"],
                                       comment=form.cleaned_data["comment"])
            except ServiceError as error:
                add_service_error(form, error)
                return self.render_page(request, incident, rate_form=form, status=400)
            messages.success(request, _("Thank you for your rating."))
        elif action == "reopen":
            form = CommentForm(request.POST)
            form.is_valid()
            try:
                services.incident_reopen(actor=request.user, incident=incident,
                                         comment=form.cleaned_data.get("comment", ""))
            except ServiceError as error:
                add_service_error(form, error)
                return self.render_page(request, incident, reopen_form=form, status=400)
            messages.success(request, _("Reopened: the handlers have been told it is not solved."))
        else:
            raise Http404
        return redirect("incidents_mobile:mine-detail", code=incident.code)


# --- the grid worker's inbox ---------------------------------------------------------------------------------

def dispatched_to(user):
    """Open incidents waiting for this user's hands: theirs, their grids', their village's, their department's."""
    condition = Q(assignee_kind=choices.AssigneeKind.USER, assigned_user=user)
    condition |= Q(assignee_kind=choices.AssigneeKind.GRID, grid_id__in=Grid.objects.filter(workers=user).values("pk"))
    condition |= Q(assignee_kind=choices.AssigneeKind.DEPARTMENT,
                   assigned_department_id__in=user.departments.values("pk"))
    if user.has_perm(HANDLE):
        offices = Q(pk__in=[])
        for code in user_scope(user, HANDLE).codes:
            offices |= prefix_q("assigned_region__code", code)
        condition |= Q(offices, assignee_kind__in=(choices.AssigneeKind.VILLAGE, choices.AssigneeKind.TOWNSHIP))
    return (Incident.objects.restrict(user, "view")
            .filter(condition, state__in=(choices.State.DISPATCHED, choices.State.IN_PROGRESS)))


def _point(request) -> tuple[float, float] | None:
    try:
        lat, lng = float(request.GET.get("lat", "")), float(request.GET.get("lng", ""))
    except ValueError:
        return None
    return (lat, lng) if valid_lat_lng(lat, lng) else None


def nearby(user, point: tuple[float, float]) -> list[Incident]:
    """Open incidents within 2 km, nearest first (bounding box in the database, distance here)."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(point[0], point[1], NEARBY_RADIUS_M)
    rows = (Incident.objects.restrict(user, "view").select_related("category", "region")
            .filter(state__in=choices.OPEN_STATES, lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng))
            [:500])
    found = []
    for row in rows:
        row.distance = distance_m(point[0], point[1], row.lat, row.lng)
        if row.distance <= NEARBY_RADIUS_M:
            found.append(row)
    found.sort(key=lambda row: row.distance)
    return found[:NEARBY_LIMIT]


def overdue_for(user):
    visible = Incident.objects.restrict(user, "view")
    return IncidentFilterSet({"overdue": True}, queryset=visible).qs.order_by("stage_deadline", "id")


class InboxView(LoginRequiredMixin, View):
    """事件待办: tabs 我的 / 附近 / 超期, and the patrol in progress (or a way to start one)."""

    template_name = "incidents/mobile/inbox.html"
    tabs = ("mine", "nearby", "overdue")

    def get(self, request):
        user = request.user
        if not (user.has_perm(HANDLE) or user.has_perm(DISPATCH)):
            raise Http404
        tab = request.GET.get("tab") if request.GET.get("tab") in self.tabs else "mine"
        point = _point(request)
        related = ("category", "region", "grid")
        if tab == "mine":
            rows = list(dispatched_to(user).select_related(*related).order_by("stage_deadline", "id")[:INBOX_LIMIT])
        elif tab == "nearby":
            rows = nearby(user, point) if point else []
        else:
            rows = list(overdue_for(user).select_related(*related)[:INBOX_LIMIT])
        grids = Grid.objects.restrict(user, "view").filter(workers=user).order_by("code")
        open_patrol = patrol_services.open_patrol_of(user)
        return render(request, self.template_name, {
            "tab": tab, "rows": rows, "nav": "inbox", "point": point, "radius_km": NEARBY_RADIUS_M // 1000,
            "counts": {"mine": dispatched_to(user).count(), "overdue": overdue_for(user).count()},
            "open_patrol": open_patrol,
            "patrol_form": PatrolStartForm(grids=grids) if open_patrol is None and grids.exists() else None,
        })


# --- handling --------------------------------------------------------------------------------------------------

class HandleView(ScopedObjectMixin, View):
    """处置: what was reported, where, and the buttons this person may press (start, send back, resolve, note).

    For someone who works on the incident in their regions; a reporter (own rows only) gets 404 here: this page
    shows internal notes.
    """

    model = Incident
    lookup_field = "code"
    object_related = ("region", "category", "grid", "assigned_user", "assigned_department", "assigned_region",
                      "reporter")
    template_name = "incidents/mobile/handle.html"

    def get_object(self, queryset=None):
        incident = super().get_object(queryset)
        if not user_scope(self.request.user, VIEW).covers_code(incident.region.code):
            raise Http404
        return incident

    def render_page(self, request, incident, status=200, **forms):
        actions = [a for a in allowed_actions(TABLE, incident.state, request.user, incident) if a in HANDLING_ACTIONS]
        return render(request, self.template_name, {
            "incident": incident, "actions": actions, "labels": {a: TABLE[(incident.state, a)].label for a in actions},
            "photos": incident.photos.all(), "events": labelled(incident.events.select_related("actor")),
            "nav": "inbox",
            "may_note": services.may_work_on(request.user, incident),
            "start_form": forms.get("start_form") or CommentForm(prefix="start"),
            "send_back_form": forms.get("send_back_form") or CommentForm(prefix="back"),
            "resolve_form": forms.get("resolve_form") or ResolveForm(),
            "note_form": forms.get("note_form") or NoteForm(),
            "open_form": forms.get("open_form", ""),
            "may_dispatch": request.user.has_perm(DISPATCH),
        }, status=status)

    def get(self, request, code):
        return self.render_page(request, self.object)

    def post(self, request, code):
        incident = self.object
        action = request.POST.get("action")
        handlers = {"start": self.start, "send_back": self.send_back, "resolve": self.resolve, "note": self.note}
        if action not in handlers:
            raise Http404
        return handlers[action](request, incident)

    def _refused(self, request, incident, form, name, error):
        add_service_error(form, error)
        status = 409 if error.status == 409 else 400
        return self.render_page(request, incident, status=status, open_form=name, **{name: form})

    def start(self, request, incident):
        form = CommentForm(request.POST, prefix="start")
        form.is_valid()
        try:
            services.incident_start(actor=request.user, incident=incident, comment=form.cleaned_data.get("comment", ""))
        except ServiceError as error:
            return self._refused(request, incident, form, "start_form", error)
        messages.success(request, _("Handling started."))
        return redirect("incidents_mobile:handle", code=incident.code)

    def send_back(self, request, incident):
        form = CommentForm(request.POST, prefix="back")
        form.is_valid()
        try:
            services.incident_send_back(actor=request.user, incident=incident,
                                        comment=form.cleaned_data.get("comment", ""))
        except ServiceError as error:
            return self._refused(request, incident, form, "send_back_form", error)
        messages.success(request, _("Sent back to the dispatcher."))
        return redirect("incidents_mobile:inbox")

    def resolve(self, request, incident):
        form = ResolveForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, incident, status=400, open_form="resolve_form", resolve_form=form)
        try:
            services.incident_resolve(actor=request.user, incident=incident, result=form.cleaned_data["result"],
                                      photos=form.cleaned_data["photos"])
        except ServiceError as error:
            return self._refused(request, incident, form, "resolve_form", error)
        messages.success(request, _("Reported as handled; the village will check and close it."))
        return redirect("incidents_mobile:handle", code=incident.code)

    def note(self, request, incident):
        form = NoteForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, incident, status=400, open_form="note_form", note_form=form)
        try:
            services.incident_add_note(actor=request.user, incident=incident, text=form.cleaned_data["text"])
        except ServiceError as error:
            return self._refused(request, incident, form, "note_form", error)
        messages.success(request, _("Note added."))
        return redirect("incidents_mobile:handle", code=incident.code)


# --- patrols ------------------------------------------------------------------------------------------------

class PatrolStartView(LoginRequiredMixin, View):
    def post(self, request):
        grids = Grid.objects.restrict(request.user, "view").filter(workers=request.user)
        form = PatrolStartForm(request.POST, grids=grids)
        if not form.is_valid():
            messages.error(request, _("Choose the grid you patrol."))
            return redirect("incidents_mobile:inbox")
        try:
            patrol = patrol_services.patrol_start(actor=request.user, grid=form.cleaned_data["grid"])
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("incidents_mobile:inbox")
        return redirect("incidents_mobile:patrol", pk=patrol.pk)


class PatrolDetailView(OwnPatrolMixin, View):
    """The patrol in progress (the phone records its track; findings; end) or one from the history."""

    template_name = "incidents/mobile/patrol.html"

    def get(self, request, pk):
        patrol = self.object
        return render(request, self.template_name, {
            "patrol": patrol, "findings": patrol.incidents.select_related("category").order_by("created_at"),
            "points": len(patrol.track), "end_form": PatrolEndForm(), "nav": "inbox"})


class PatrolPointsView(OwnPatrolMixin, View):
    """POST {"points": [[lng, lat, accuracy], ...]} from the phone's script; answers the new distance."""

    def post(self, request, pk):
        patrol = self.object
        try:
            points = json.loads(request.body or b"{}").get("points", [])
        except (ValueError, AttributeError):
            return JsonResponse({"error": _("The track is not valid JSON."), "code": "invalid"}, status=400)
        try:
            patrol = patrol_services.patrol_add_points(actor=request.user, patrol=patrol, points=points)
        except ServiceError as error:
            return error_json(error)
        return JsonResponse({"points": len(patrol.track), "distance_m": patrol.distance_m})


class PatrolEndView(OwnPatrolMixin, View):
    def post(self, request, pk):
        patrol = self.object
        form = PatrolEndForm(request.POST)
        form.is_valid()
        try:
            points = json.loads(request.POST.get("points") or "[]")
            if not isinstance(points, list):
                raise ValueError
        except ValueError:
            return self.refused(request, patrol, ServiceError(_("The track is not valid JSON."),
                                                              code=CoreErrorCode.INVALID))
        try:
            patrol_services.patrol_end(actor=request.user, patrol=patrol, note=form.cleaned_data.get("note", ""),
                                       points=points)
        except ServiceError as error:
            return self.refused(request, patrol, error)
        messages.success(request, _("Patrol ended: %(distance)s.") % {
            "distance": patrol_services.distance_text(patrol.distance_m)})
        if wants_json(request):  # the page's script: it clears the points it sent, then opens the list
            return JsonResponse({"distance_m": patrol.distance_m, "url": reverse("incidents_mobile:patrols")})
        return redirect("incidents_mobile:patrols")

    @staticmethod
    def refused(request, patrol, error: ServiceError):
        if wants_json(request):
            return error_json(error)
        messages.error(request, error.message)
        return redirect("incidents_mobile:patrol", pk=patrol.pk)


class PatrolListView(LoginRequiredMixin, View):
    template_name = "incidents/mobile/patrols.html"

    def get(self, request):
        rows = (Patrol.objects.restrict(request.user, "view").filter(worker=request.user).select_related("grid")
                .annotate(findings=Count("incidents")).defer("track").order_by("-started_at", "-id"))
        page = Paginator(rows, 20).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page_obj": page, "patrols": page.object_list, "nav": "inbox"})
