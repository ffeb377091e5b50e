"""Base HTML views: the mixin that applies the one scope, and the pages every app shares."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.db.models import Model
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from xiangcun import __version__


class ScopedViewMixin(LoginRequiredMixin):
    """``get_queryset`` goes through ``restrict()``: out-of-scope rows do not exist for this view."""

    scope_action = "view"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.scope_action)


class ScopedListView(ScopedViewMixin, ListView):
    """A list page with the app's FilterSet (the same one the API uses) and pagination."""

    paginate_by = 50
    filterset_class = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class ScopedDetailView(ScopedViewMixin, DetailView):
    """A record's page; another village's record answers 404, never 403."""


class ScopedPhotoView(LoginRequiredMixin, View):
    """A stored photo (``image``) or its ``thumbnail``, to whoever may see the row it belongs to.

    Media files are not public: the photo row is found through ``restrict()`` like any other, so another
    village's photo answers 404. Subclasses name the photo ``model``.
    """

    model: type[Model]

    def get(self, request, pk: int, size: str):
        photo = get_object_or_404(self.model._default_manager.restrict(request.user, "view"), pk=pk)
        field = photo.thumbnail if size == "thumb" else photo.image
        if not field:
            raise Http404
        response = FileResponse(field.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response


class HomeView(LoginRequiredMixin, TemplateView):
    """The home page: the tiles the apps declare for this person; a cadre's regions and roles, a villager's
    village (a villager has no jurisdiction, so none is asked of them)."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from xiangcun.core.navigation import Audience, audiences_of, tiles_for
        from xiangcun.regions.models import Region

        user = self.request.user
        villager = audiences_of(user) == {Audience.VILLAGER}
        context = {"tiles": tiles_for(user), "villager": villager}
        if villager:
            assignment = next(iter(user.cached_assignments), None)
            context["own_village"] = assignment.region if assignment else None
        else:
            context["regions"] = Region.objects.restrict(user, "view").top_level()
        return super().get_context_data(**context, **kwargs)


def healthz(request):
    """Liveness and readiness for load balancers and `make run`: 503 when the database is unreachable."""
    body = {"status": "ok", "database": "ok", "version": __version__, "engine": connection.vendor}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        body.update(status="error", database="unreachable", error=type(exc).__name__)
        return JsonResponse(body, status=503)
    return JsonResponse(body)
