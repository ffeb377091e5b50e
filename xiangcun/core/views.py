"""Base HTML views: the one scope applied to every page, and the page shapes every app shares.

- :class:`ScopedListView`, :class:`ScopedDetailView`: a list with its FilterSet, a record's page.
- :class:`ScopedObjectMixin`: any page about one record loads it through ``restrict()`` from the URL, before
  anything else runs: another village's record is 404 for GET and POST alike. The generated scope walk
  (``core/tests/test_scope_walk.py``) finds every URL whose view uses it and checks exactly that.
- :class:`ServiceFormView`: form → service → a message and the next page; or the service's refusal shown on
  the form in the person's language, with what they typed kept and nothing saved.
- :class:`ServiceActionView`: a button (a POST without a page of its own) on one record: service, message, back.
- :class:`CountyConfigMixin`: county configuration pages, readable by the county's staff, changeable only by
  those who hold the permission for the whole county.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from xiangcun import __version__
from xiangcun.core.errors import ServiceError


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


class ScopedObjectMixin(LoginRequiredMixin):
    """A page about one record, loaded through ``restrict(user, object_action)`` before the handler runs.

    Set ``model`` and, when the URL does not name the row by ``pk``, ``lookup_field`` (the model field) and
    ``lookup_url_kwarg`` (the URL's name for it, default the same). ``object_action`` is what the page does
    with the row (``view`` for reading and for steps whose own permission the service checks, ``change`` for
    an edit form). ``object_related`` are ``select_related`` paths. A row outside the person's scope, or one
    that does not exist, answers 404 — the same answer, so nothing is learnt from it.
    """

    model: ClassVar[type[Model]]
    object_action: ClassVar[str] = "view"
    # The page is about the person's own row only (their patrol, their report): ``object_queryset`` narrows the
    # scope further, and the scope walk checks only that other villages' rows are not found.
    owner_only: ClassVar[bool] = False
    lookup_field: ClassVar[str] = "pk"
    lookup_url_kwarg: ClassVar[str | None] = None
    object_related: ClassVar[tuple[str, ...]] = ()

    def object_queryset(self) -> QuerySet:
        queryset = self.model._default_manager.restrict(self.request.user, self.object_action)
        return queryset.select_related(*self.object_related) if self.object_related else queryset

    def get_object(self, queryset: QuerySet | None = None) -> Model:
        kwarg = self.lookup_url_kwarg or self.lookup_field
        return get_object_or_404(queryset if queryset is not None else self.object_queryset(),
                                 **{self.lookup_field: self.kwargs[kwarg]})

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.kwargs = kwargs
            # A route without the record's argument is the "new" page of the same form: no record yet.
            self.object = self.get_object() if (self.lookup_url_kwarg or self.lookup_field) in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


@dataclass(frozen=True)
class RecordRoute:
    """What a view about one record declares for the scope walk: the model, how the URL names the row, and the
    permission it is read with (``restrict(user, action)``)."""

    model: type[Model]
    lookup_field: str = "pk"
    lookup_url_kwarg: str = "pk"
    action: str = "view"
    owner_only: bool = False


def record_view(model: type[Model], *, lookup_field: str = "pk", lookup_url_kwarg: str | None = None,
                action: str = "view") -> Callable:
    """Declare that a function view (one that is not a class: the screens, a PDF) is about one record
    of ``model``, which it loads through ``restrict(user, action)``; the scope walk then checks it like the
    class views (another region's record: 404)."""

    def decorate(view: Callable) -> Callable:
        view.record_route = RecordRoute(model, lookup_field, lookup_url_kwarg or lookup_field, action)
        return view

    return decorate


def record_route_of(callback: Callable) -> RecordRoute | None:
    """The record a URL's view is about: from a :class:`ScopedObjectMixin` class or a :func:`record_view`."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, ScopedObjectMixin):
        return RecordRoute(view_class.model, view_class.lookup_field,
                           view_class.lookup_url_kwarg or view_class.lookup_field, view_class.object_action,
                           view_class.owner_only)
    return getattr(callback, "record_route", None)


def show_service_error(form: Form, error: ServiceError | ValidationError,
                       aliases: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: next to the field it names (``error.extra["field"]``, or the
    fields of a model's ``full_clean()``, renamed by ``aliases`` where the form calls them otherwise), or at the
    top of the form."""
    aliases = aliases or {}
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                field = aliases.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return
    field = error.extra.get("field")
    field = aliases.get(field, field)
    form.add_error(field if field in form.fields else None, error.message)


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data goes to one service.

    Subclasses implement ``perform(form)`` (call the service with ``actor=self.request.user`` and return what
    it made, or None) and say where to go next (``get_success_url(result)``, default the result's page or the
    record's). ``permission_required`` (any of) is checked before the form is shown: 403 without it anywhere.
    A :class:`ServiceError` is shown on the form (``field_aliases`` maps the service's field names to the
    form's) and the record is reloaded so the page shows what is stored: the service's transaction rolled
    back, so nothing was saved.
    """

    permission_required: ClassVar[tuple[str, ...] | str] = ()
    success_message: ClassVar[str] = ""
    field_aliases: ClassVar[dict[str, str]] = {}

    def dispatch(self, request, *args, **kwargs):
        wanted = self.permission_required
        wanted = (wanted,) if isinstance(wanted, str) else wanted
        if request.user.is_authenticated and wanted and not any(request.user.has_perm(p) for p in wanted):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form: Form) -> Any:
        raise NotImplementedError

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            result = self.perform(form)
        except (ServiceError, ValidationError) as error:
            record = getattr(self, "object", None)
            if isinstance(record, Model) and record.pk is not None:
                record.refresh_from_db()
            self.show_error(form, error)
            return self.form_invalid(form)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url(result))

    def show_error(self, form: Form, error: ServiceError | ValidationError) -> None:
        show_service_error(form, error, self.field_aliases)

    def get_success_message(self, result: Any) -> str:
        return str(self.success_message)

    def get_success_url(self, result: Any = None) -> str:
        for candidate in (result, getattr(self, "object", None)):
            if hasattr(candidate, "get_absolute_url"):
                return candidate.get_absolute_url()
        return super().get_success_url()


class ScopedServiceFormView(ScopedObjectMixin, ServiceFormView):
    """:class:`ServiceFormView` about one record (an edit, a step with a form), loaded in scope first."""


class ServiceActionView(ScopedObjectMixin, View):
    """A button on one record's page: a POST that runs one service and goes back to the page.

    ``perform(request, obj)`` calls the service and returns the success message (or None); a
    :class:`ServiceError` becomes an error message with nothing saved. ``get_success_url`` defaults to the
    record's page.
    """

    http_method_names = ["post"]

    def perform(self, request, obj: Model) -> str | None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs) -> HttpResponse:
        try:
            message = self.perform(request, self.object)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if message:
                messages.success(request, message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class CountyConfigMixin(LoginRequiredMixin):
    """County configuration (categories, rules, income lines …): read by whoever holds ``config_model``'s view
    permission; changed (``POST``, and every page that only edits) only by those who hold its change permission
    for a whole county or more (``core.services.holds_county_level``). ``can_change`` is in the context."""

    config_model: ClassVar[type[Model]]
    edit_only: ClassVar[bool] = False  # a page that exists only to change (an edit form): GET needs it too

    @property
    def can_change(self) -> bool:
        from xiangcun.core.services import holds_county_level

        return holds_county_level(self.request.user, self.config_model, "change")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            changing = self.edit_only or request.method not in ("GET", "HEAD", "OPTIONS")
            needed = "change" if changing else "view"
            if needed == "change" and not self.can_change:
                raise PermissionDenied
            meta = self.config_model._meta
            if needed == "view" and not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_change=self.can_change, **kwargs)


class ScopedPhotoView(ScopedObjectMixin, View):
    """A stored photo (``image``) or its ``thumbnail``, to whoever may see the row it belongs to.

    Media files are not public: the photo row is found through ``restrict()`` like any other, so another
    village's photo answers 404. Subclasses name the photo ``model``.
    """

    def get(self, request, pk: int, size: str):
        photo = self.object
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
