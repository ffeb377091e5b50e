"""调度台 — the dispatch console: queues by state with counts, filters, overdue rows marked, bulk dispatch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from xiangcun.accounts.models import User
from xiangcun.core.views import ScopedListView
from xiangcun.incidents import selectors, services
from xiangcun.incidents.choices import AssigneeKind, State
from xiangcun.incidents.filtersets import IncidentFilterSet
from xiangcun.incidents.models import Incident
from xiangcun.incidents.workflow import DISPATCH, HANDLE, SUPERVISE

DESK_PERMISSIONS = (DISPATCH, HANDLE, SUPERVISE)
BULK_TARGETS = ("rules", AssigneeKind.DEPARTMENT, AssigneeKind.USER, AssigneeKind.VILLAGE, AssigneeKind.TOWNSHIP)


def works_at_desk(user) -> bool:
    """Cadres, grid workers and department staff; a villager (own reports only) uses the phone pages."""
    return user.is_authenticated and any(user.has_perm(permission) for permission in DESK_PERMISSIONS)


class DeskRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not works_at_desk(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ConsoleView(DeskRequiredMixin, ScopedListView):
    """Every incident in the user's regions, newest first; the tabs count each state over the same filters."""

    model = Incident
    filterset_class = IncidentFilterSet
    template_name = "incidents/console.html"
    paginate_by = 50

    def get_queryset(self):
        in_scope = super().get_queryset()
        # The page is the newest ids among those in scope: with the scope's region join as an id list
        # (``pk__in``), SQLite walks the primary key backwards and stops after one page instead of sorting every
        # incident of the county (bench/bench_incidents.py: county p95 309 → 116 ms over 100,000 incidents).
        return (Incident.objects.filter(pk__in=in_scope.order_by().values("pk"))
                .select_related("region", "category", "grid", "assigned_user", "assigned_department",
                                "assigned_region", "possible_duplicate_of")
                .order_by("-id"))

    def get_paginator(self, queryset, per_page, **kwargs):
        """The total comes from the tabs' GROUP BY: no second COUNT over every row in scope."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        self.tabs, counts = self.tab_counts()
        if self.filterset is not None and self.filterset.is_valid():
            chosen = self.filterset.form.cleaned_data.get("state") or list(counts)
            paginator.count = sum(counts.get(state, 0) for state in set(chosen))
        return paginator

    def tab_counts(self) -> tuple[list[dict], dict[str, int]]:
        """One GROUP BY over the restricted rows with every filter but the state."""
        params = self.request.GET.copy()
        params.pop("state", None)
        params.pop("page", None)
        base = Incident.objects.restrict(self.request.user, "view")
        unstated = IncidentFilterSet(params, queryset=base, request=self.request)
        counts = selectors.state_counts(unstated.qs if unstated.is_valid() else base.none())
        chosen = set(self.request.GET.getlist("state"))
        query = params.urlencode()
        tabs = [{"key": "", "label": _("All"), "count": sum(counts.values()), "active": not chosen,
                 "query": query}]
        for state in State:
            tabs.append({"key": state.value, "label": state.label, "count": counts.get(state.value, 0),
                         "active": chosen == {state.value},
                         "query": f"{query}&state={state.value}" if query else f"state={state.value}"})
        return tabs, counts

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_dispatch = user.has_perm(DISPATCH)
        context = super().get_context_data(can_dispatch=can_dispatch,
                                           querystring=self.request.GET.urlencode(), **kwargs)
        context["tabs"] = self.tabs
        if can_dispatch:
            context.update(departments=selectors.departments_for(user), handlers=selectors.handlers_in_scope(user),
                           bulk_targets=[("rules", _("by the dispatch rules")),
                                         (AssigneeKind.DEPARTMENT, _("a county department")),
                                         (AssigneeKind.USER, _("a person")),
                                         (AssigneeKind.VILLAGE, _("the incident's village")),
                                         (AssigneeKind.TOWNSHIP, _("the incident's township"))])
        return context


class BulkDispatchView(DeskRequiredMixin, View):
    """批量分拨: the chosen incidents to one target (or each by the rules); one message per incident."""

    def post(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        back = back or "incidents:console"
        codes = [code for code in request.POST.getlist("codes") if code][:200]
        if not codes:
            messages.error(request, _("Choose the incidents to dispatch."))
            return redirect(back)
        target = request.POST.get("target", "rules")
        assignment = None
        if target not in BULK_TARGETS:
            messages.error(request, _("Choose whom to dispatch to."))
            return redirect(back)
        if target == AssigneeKind.DEPARTMENT:
            department = selectors.departments_for(request.user).filter(pk=request.POST.get("department") or 0).first()
            if department is None:
                messages.error(request, _("Choose an active department of the county."))
                return redirect(back)
            assignment = services.Assignment(AssigneeKind.DEPARTMENT, department=department)
        elif target == AssigneeKind.USER:
            person = User.objects.filter(pk=request.POST.get("user") or 0, is_active=True).first()
            if person is None:
                messages.error(request, _("Choose the person to dispatch to."))
                return redirect(back)
            assignment = services.Assignment(AssigneeKind.USER, user=person)
        elif target in (AssigneeKind.VILLAGE, AssigneeKind.TOWNSHIP):
            assignment = services.Assignment(target)
        incidents = list(Incident.objects.restrict(request.user, "view").filter(code__in=codes).select_related(
            "region", "region__parent", "category", "category__parent", "grid", "assigned_region"))
        outcome = services.incidents_bulk_dispatch(actor=request.user, incidents=incidents, assignment=assignment,
                                                   comment=request.POST.get("comment", ""))
        done = [code for code, error in outcome.items() if not error]
        if done:
            messages.success(request, _("Dispatched: %(codes)s") % {"codes": ", ".join(done)})
        for code, error in outcome.items():
            if error:
                messages.error(request, f"{code}: {error}")
        for code in sorted(set(codes) - set(outcome)):
            messages.error(request, _("%(code)s: not found.") % {"code": code})
        return redirect(back)
