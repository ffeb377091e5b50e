"""事件详情 — the incident page: header, photos, map, timeline, reporter, and the forms of the allowed steps.

Every step is a POST to ``incidents:act`` that calls one service; a refusal re-renders the page with the
message next to the field and what was typed kept. The page posts the state it showed: a second dispatcher
acting on a stale page is told that someone else was faster instead of silently reassigning.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from xiangcun.core.errors import CoreErrorCode, OutOfScope, ServiceError
from xiangcun.core.scoping import user_scope
from xiangcun.core.views import ScopedDetailView, ScopedObjectMixin, ScopedPhotoView
from xiangcun.core.workflow import allowed_actions
from xiangcun.incidents import selectors, services
from xiangcun.incidents.choices import AssigneeKind, EventKind, State
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.forms import desk as forms
from xiangcun.incidents.models import Incident, IncidentEvent, IncidentPhoto
from xiangcun.incidents.workflow import TABLE
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region

# Steps with a form on the page, in the order they are shown; ``dispatch`` also covers 改派 (reassign).
STEP_ACTIONS = ("accept", "dispatch", "reject", "start", "resolve", "send_back", "close", "rework", "rate_callback",
                "escalate", "supervise", "merge")
WORK_ACTIONS = ("note", "link_household", "relocate")
# A service's field name → the form's, where they differ.
FIELD_ALIASES = {"reject": {"comment": "reason"}, "dispatch": {"assignee": "kind"}, "relocate": {"location": "lat"}}


def sees_internal(user, incident: Incident) -> bool:
    """Staff of the incident's regions read internal notes; a reporter (own rows only) never does."""
    return user_scope(user, "incidents.view_incident").covers_code(incident.region.code)


def step_label(state: str, action: str) -> str:
    if action == "dispatch":
        key = next((k for k in ((state, "dispatch"), (state, "reassign")) if k in TABLE), (State.ACCEPTED, "dispatch"))
        return TABLE[key].label
    return TABLE[(state, action)].label


def event_label(event: IncidentEvent) -> str:
    """A timeline row in words: the step taken and the state it led to, or the kind of entry."""
    if event.action in EventKind.values:
        return str(EventKind(event.action).label)
    transition = TABLE.get((event.from_state, event.action))
    if transition is not None:
        if event.to_state and event.to_state != event.from_state:
            return f"{transition.label} → {State(event.to_state).label}"
        return str(transition.label)
    if event.action == "merged_in":
        return _("A duplicate was merged into this incident")
    return event.action


def load_incident(user, code: str) -> Incident:
    try:
        return services.fetch_for(user, code)
    except OutOfScope:
        raise Http404 from None


class IncidentPage:
    """What the incident page shows to one user, and the forms of the steps they may take."""

    def __init__(self, request, incident: Incident) -> None:
        self.request, self.user, self.incident = request, request.user, incident
        actions = allowed_actions(TABLE, incident.state, self.user, incident)
        self.actions = ["dispatch" if a == "reassign" else a for a in actions]
        if "accept" in self.actions:
            self.actions.append("dispatch")  # accepted and dispatched in one step (incident_dispatch accepts first)
        self.may_work = services.may_work_on(self.user, incident)

    # --- the forms -----------------------------------------------------------------------------------------
    def dispatch_form(self, data=None):
        incident = self.incident
        kwargs = {"departments": selectors.departments_for(self.user),
                  "users": selectors.handlers_for_village(incident.region),
                  "grids": Grid.objects.filter(village=incident.region).order_by("code")}
        if data is None:
            suggested = services.suggest_assignment(incident)
            kwargs["initial"] = {"kind": suggested.kind, "department": suggested.department,
                                 "user": suggested.user, "grid": suggested.grid or incident.grid}
        return forms.DispatchForm(data, **kwargs)

    def merge_candidates(self) -> list[Incident]:
        candidates = selectors.open_incidents_nearby(self.user, self.incident)
        duplicate = self.visible_duplicate()
        if duplicate is not None and duplicate.is_open and all(c.pk != duplicate.pk for c in candidates):
            candidates.insert(0, duplicate)
        return candidates

    def relocate_form(self, data=None):
        incident = self.incident
        villages = (Region.objects.restrict(self.user, "view").filter(level=Level.VILLAGE)
                    .select_related("parent").order_by("code"))
        region_code = (data or {}).get("region") or incident.region.code
        grids = Grid.objects.filter(village__code=region_code).order_by("code")
        initial = {"region": incident.region.code, "grid": incident.grid_id, "lat": incident.lat,
                   "lng": incident.lng, "address": incident.address}
        return forms.RelocateForm(data, villages=villages, grids=grids, initial=initial)

    def form_for(self, action: str, data=None, files=None):
        if action == "dispatch":
            return self.dispatch_form(data)
        if action == "merge":
            return forms.MergeForm(data, candidates=self.merge_candidates())
        if action == "relocate":
            return self.relocate_form(data)
        form_class = {"reject": forms.RejectForm, "resolve": forms.ResolveForm, "rate_callback": forms.RateForm,
                      "note": forms.NoteForm, "link_household": forms.LinkHouseholdForm}.get(action)
        if form_class is None:
            return forms.CommentForm(data)
        return form_class(data, files) if action in ("resolve", "note") else form_class(data)

    # --- what is shown -------------------------------------------------------------------------------------
    def visible_duplicate(self) -> Incident | None:
        duplicate_id = self.incident.possible_duplicate_of_id or self.incident.duplicate_of_id
        if duplicate_id is None:
            return None
        return Incident.objects.restrict(self.user, "view").select_related("region").filter(pk=duplicate_id).first()

    def households(self) -> list:
        term = (self.request.GET.get("household_q") or "").strip()
        if not term or not self.may_work:
            return []
        from xiangcun.households.models import Household

        return list(Household.objects.restrict(self.user, "view").filter(region=self.incident.region)
                    .filter(Q(number__icontains=term) | Q(head_name__contains=term)).order_by("number")[:20])

    def context(self, *, failed: str | None = None, failed_form=None) -> dict:
        incident = self.incident
        internal = sees_internal(self.user, incident)
        events = IncidentEvent.objects.filter(incident=incident).select_related("actor").order_by("created_at", "id")
        if not internal:
            events = events.filter(is_public=True)
        events = list(events)
        for event in events:
            event.label = event_label(event)
        step_forms = {}
        for action in (*STEP_ACTIONS, *WORK_ACTIONS):
            if (action in self.actions) or (action in WORK_ACTIONS and self.may_work):
                step_forms[action] = failed_form if action == failed else self.form_for(action)
        labels = {action: step_label(incident.state, action) for action in self.actions}
        labels.update(note=_("Add a note or a public update"), link_household=_("Link to a household"),
                      relocate=_("Correct the place"))
        steps = [{"action": action, "label": labels.get(action, action), "form": form,
                  "failed": action == failed} for action, form in step_forms.items()]
        return {
            "object": incident, "incident": incident, "events": events, "sees_internal": internal,
            "photos": list(incident.photos.all()), "steps": steps, "may_work": self.may_work,
            "duplicate": self.visible_duplicate(),
            "household": (incident.household if incident.household_id and internal else None),
            "household_results": self.households(), "household_q": self.request.GET.get("household_q", ""),
            "can_reveal": self.user.has_perm("accounts.reveal_personal_data"),
            "boundary": incident.region.boundary, "point": [incident.lng, incident.lat]
            if incident.lat is not None and incident.lng is not None else None,
        }


class IncidentDetailView(ScopedDetailView):
    model = Incident
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "incidents/detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related(
            "region", "region__parent", "category", "category__parent", "grid", "assigned_user",
            "assigned_department", "assigned_region", "reporter", "household")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **IncidentPage(self.request, self.object).context()}


def _dispatch_assignment(form, incident: Incident):
    data = form.cleaned_data
    kind = data["kind"]
    if kind == AssigneeKind.USER:
        return services.Assignment(kind, user=data["user"])
    if kind == AssigneeKind.DEPARTMENT:
        return services.Assignment(kind, department=data["department"])
    if kind == AssigneeKind.GRID:
        return services.Assignment(kind, grid=data["grid"])
    if kind == AssigneeKind.TOWNSHIP:
        return services.Assignment(kind, region=incident.region.parent)
    return services.Assignment(kind, region=incident.region)


class IncidentRecordMixin(ScopedObjectMixin):
    """The incident named by its tracking code in the URL, loaded in scope (a reporter's own reports included)."""

    model = Incident
    lookup_field = "code"
    object_related = ("region", "category", "grid", "assigned_user", "assigned_department", "assigned_region",
                      "reporter")


class IncidentActionView(IncidentRecordMixin, View):
    """POST one step: parse, call the service, redirect with a message; a refusal re-renders the page.

    Not a ServiceFormView: a refused step re-renders the whole incident page with the failed step's form open.
    """

    http_method_names = ["post"]

    def post(self, request, code: str, action: str):
        incident = self.object
        if action not in STEP_ACTIONS and action not in WORK_ACTIONS:
            raise Http404
        page = IncidentPage(request, incident)
        form = page.form_for(action, request.POST, request.FILES)
        try:
            if action in STEP_ACTIONS and request.POST.get("state") and request.POST["state"] != incident.state:
                raise ServiceError(_("Someone else changed this record in the meantime; reload the page and try "
                                     "again."), code=CoreErrorCode.STATE_CHANGED, status=409)
            if not form.is_valid():
                return self.refuse(page, action, form, None)
            message = self.perform(request, incident, action, form)
        except ServiceError as error:
            if isinstance(error, OutOfScope) and not Incident.objects.restrict(request.user).filter(
                    pk=incident.pk).exists():
                raise Http404 from None
            return self.refuse(page, action, form, error)
        messages.success(request, message)
        return redirect(incident.get_absolute_url())

    def refuse(self, page: IncidentPage, action: str, form, error: ServiceError | None):
        status = 400
        if error is not None and error.code in ("state_changed", "illegal_transition"):
            status = 409
            messages.error(self.request, error.message)
            page = IncidentPage(self.request, load_incident(self.request.user, page.incident.code))
        elif error is not None:
            field = FIELD_ALIASES.get(action, {}).get(error.extra.get("field"), error.extra.get("field"))
            if field == "kind":
                field = form.data.get("kind") if form.data.get("kind") in ("user", "department", "grid") else "kind"
            form.add_error(field if field in form.fields else None, error.message)
        context = page.context(failed=action, failed_form=form)
        return TemplateResponse(self.request, "incidents/detail.html", context, status=status)

    def perform(self, request, incident: Incident, action: str, form) -> str:
        user, data = request.user, form.cleaned_data
        comment = data.get("comment", "")
        simple = {"accept": services.incident_accept, "start": services.incident_start,
                  "close": services.incident_close}
        with_comment = {"send_back": services.incident_send_back, "rework": services.incident_rework,
                        "escalate": services.incident_escalate, "supervise": services.incident_supervise}
        if action in simple:
            simple[action](actor=user, incident=incident, comment=comment)
        elif action in with_comment:
            with_comment[action](actor=user, incident=incident, comment=comment)
        elif action == "reject":
            services.incident_reject(actor=user, incident=incident, reason=data["reason"])
        elif action == "dispatch":
            services.incident_dispatch(actor=user, incident=incident, assignment=_dispatch_assignment(form, incident),
                                       comment=comment)
        elif action == "resolve":
            services.incident_resolve(actor=user, incident=incident, result=data["result"], photos=data["photos"])
        elif action == "rate_callback":
            services.incident_rate(actor=user, incident=incident, rating=data["rating"], comment=comment,
                                   callback=True)
        elif action == "merge":
            into = Incident.objects.restrict(user, "view").filter(code=data["into"]).first()
            if into is None:
                raise ServiceError(_("Merge into another incident that is still open."), code=ErrorCode.INVALID_MERGE,
                                   field="into")
            services.incident_merge(actor=user, incident=incident, into=into, comment=comment)
        elif action == "note":
            services.incident_add_note(actor=user, incident=incident, text=data["text"], public=data["public"],
                                       photos=data["photos"])
            return _("The update is published.") if data["public"] else _("The note is saved.")
        elif action == "link_household":
            return self.link_household(request, incident, form)
        elif action == "relocate":
            services.incident_relocate(actor=user, incident=incident, region=data["region"], grid=data["grid"],
                                       lat=data["lat"], lng=data["lng"], address=data["address"])
        incident.refresh_from_db(fields=["state"])
        return _("Done: %(code)s is now %(state)s.") % {"code": incident.code, "state": incident.get_state_display()}

    def link_household(self, request, incident: Incident, form) -> str:
        from xiangcun.households.models import Household

        number = (form.cleaned_data.get("household") or "").strip()
        household = None
        if number:
            household = Household.objects.restrict(request.user, "view").filter(number=number).first()
            if household is None:
                raise ServiceError(_("Choose a household of %(village)s.") % {"village": incident.region.name},
                                   code=ErrorCode.INVALID_HOUSEHOLD, field="household")
        services.incident_link_household(actor=request.user, incident=incident, household=household)
        return _("Linked to household %(number)s.") % {"number": household.number} if household else \
            _("The link to the household is removed.")


class RevealReporterView(IncidentRecordMixin, View):
    """Show the reporter's full phone (permission + security event); answers a small fragment."""

    http_method_names = ["post"]

    def post(self, request, code: str):
        incident = self.object
        try:
            phone = services.incident_reveal_reporter_phone(actor=request.user, incident=incident, request=request)
        except ServiceError as error:
            if request.headers.get("HX-Request"):
                return TemplateResponse(request, "incidents/partials/reveal.html", {"error": error.message},
                                        status=error.status)
            return JsonResponse({"detail": error.message, "code": error.code}, status=error.status)
        return TemplateResponse(request, "incidents/partials/reveal.html", {"phone": phone})


class PhotoView(ScopedPhotoView):
    """A photo of an incident or its thumbnail, to whoever may see the incident."""

    model = IncidentPhoto
