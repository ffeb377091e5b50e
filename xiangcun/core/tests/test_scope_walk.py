"""The generated scope test (DESIGN.md §1): every API route, every scoped HTML list and detail page and
every HTML route that takes a record, walked with personas of two villages and two townships, must keep
them apart.

Nothing here names a module: a viewset registered on ``core.api.router``, a view built on
``ScopedListView`` / ``ScopedDetailView``, or any view built on ``ScopedObjectMixin`` (forms, buttons, photos
about one record) is picked up as soon as it exists, and fails until its app registers a scope factory
(``<app>/tests/factories.py``). A URL that takes an argument but whose view is built on none of these fails
:func:`test_every_route_that_takes_a_record_loads_it_in_scope` unless it is listed below with the reason it
is not about one region's record.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import autodiscover_modules

from xiangcun.core.api import ConfigViewSet, ScopedViewSetMixin, router
from xiangcun.core.scoping import permission_name
from xiangcun.core.testing import SCOPE_FACTORIES, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.core.views import CountyConfigMixin, RecordRoute, ScopedDetailView, ScopedListView, record_route_of

autodiscover_modules("api", "tests.factories")

@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Photo factories write real files: never into the development media folder."""
    settings.MEDIA_ROOT = tmp_path


# Who may see which of the three villages' rows (when they hold the view permission at all).
SEES = {
    "village_clerk_a": {VILLAGE_A},
    "village_clerk_b": {VILLAGE_B},
    "township_officer": {VILLAGE_A, VILLAGE_A2},
    "county_admin": {VILLAGE_A, VILLAGE_A2, VILLAGE_B},
}


def api_routes() -> list[tuple[str, type]]:
    return [(basename, viewset) for _prefix, viewset, basename in router.registry
            if issubclass(viewset, ScopedViewSetMixin)]


def test_every_api_route_is_scoped_or_declared_configuration():
    for _prefix, viewset, basename in router.registry:
        assert issubclass(viewset, ScopedViewSetMixin | ConfigViewSet), f"{basename} is neither scoped nor config"


def html_views() -> list[tuple[str, type, URLPattern]]:
    found = []

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, ":".join(filter(None, [namespace, entry.namespace])) or None)
            elif isinstance(entry, URLPattern):
                view_class = getattr(entry.callback, "view_class", None)
                if view_class and issubclass(view_class, ScopedListView | ScopedDetailView) and entry.name:
                    found.append((f"{namespace}:{entry.name}" if namespace else entry.name, view_class, entry))

    walk(get_resolver().url_patterns, None)
    return found


def rows_in_villages(model, tree) -> dict[str, object]:
    factory = SCOPE_FACTORIES.get(model)
    assert factory is not None, (
        f"{model._meta.label} has no scope factory: add one to its app's tests/factories.py "
        "with @scope_factory (see docs/adding-a-module.md)"
    )
    return {code: factory(tree[code]) for code in (VILLAGE_A, VILLAGE_A2, VILLAGE_B)}


def test_the_walk_finds_the_platforms_routes_and_pages():
    assert {"region", "grid", "user"} <= {basename for basename, _v in api_routes()}
    assert {"regions:region-list", "regions:region-detail", "accounts:user-list"} <= {n for n, *_ in html_views()}


@pytest.mark.parametrize(("basename", "viewset"), api_routes(), ids=[b for b, _v in api_routes()])
@pytest.mark.parametrize("persona", sorted(SEES))
def test_api_route_shows_only_the_personas_villages(basename, viewset, persona, tree, personas, client_as):
    model = viewset.queryset.model
    rows = rows_in_villages(model, tree)
    user = personas[persona]
    can_view = user.has_perm(permission_name(model, "view"))
    lookup = "id" if viewset.lookup_field == "pk" else viewset.lookup_field
    client = client_as(persona)

    listed = client.get(reverse(f"{basename}-list"), {"page_size": 1000})
    if can_view:
        assert listed.status_code == 200
        values = {str(item[lookup]) for item in listed.json()["results"]}
    else:
        assert listed.status_code in (403, 404)
        values = set()
    for village, row in rows.items():
        value = str(getattr(row, viewset.lookup_field))
        visible = can_view and village in SEES[persona]
        assert (value in values) == visible, f"{persona} list of {basename}: row of {village}"
        detail = client.get(reverse(f"{basename}-detail", args=[value]))
        assert detail.status_code == (200 if visible else 404 if can_view else 403), (
            f"{persona} GET {basename} of {village}: {detail.status_code}"
        )
        if not visible:
            for method in (client.patch, client.put, client.delete):
                response = method(reverse(f"{basename}-detail", args=[value]), data={},
                                  content_type="application/json")
                assert response.status_code in (403, 404, 405), f"{persona} {method.__name__} {basename}"
            assert model._default_manager.filter(pk=row.pk).exists()


@pytest.mark.parametrize(("name", "view_class", "pattern"), html_views(), ids=[n for n, *_ in html_views()])
@pytest.mark.parametrize("persona", sorted(SEES))
def test_html_page_shows_only_the_personas_villages(name, view_class, pattern, persona, tree, personas, client_as):
    model = view_class.model
    rows = rows_in_villages(model, tree)
    can_view = personas[persona].has_perm(permission_name(model, "view"))
    client = client_as(persona)
    if issubclass(view_class, ScopedListView):
        page = client.get(reverse(name))
        assert page.status_code == 200
        # Lists of regions start at the user's top regions; search the whole scope instead.
        html = page.content.decode()
        if model._meta.label == "regions.Region":
            html = client.get(reverse(name), {"level": 5}).content.decode()
        for village, row in rows.items():
            visible = can_view and village in SEES[persona]
            assert (f'href="{row.get_absolute_url()}"' in html) == visible, f"{persona} {name}: row of {village}"
    else:
        kwarg = next(iter(pattern.pattern.converters))
        for village, row in rows.items():
            value = getattr(row, view_class.slug_field) if kwarg == view_class.slug_url_kwarg else row.pk
            visible = can_view and village in SEES[persona]
            response = client.get(reverse(name, kwargs={kwarg: value}))
            assert response.status_code == (200 if visible else 404), f"{persona} {name} of {village}"


@pytest.mark.parametrize(("basename", "viewset"), api_routes(), ids=[b for b, _v in api_routes()])
def test_anonymous_callers_get_nothing(basename, viewset, tree, personas, client_as):
    rows_in_villages(viewset.queryset.model, tree)
    assert client_as(None).get(reverse(f"{basename}-list")).status_code in (401, 403)


# URLs that take an argument that is not a region's record, and why.
NOT_A_RECORD = {
    "households:import-template": "the argument names a blank Excel template, not a record",
    "core:notification-open": "a person's own notification, found by recipient = the person (test_notifications)",
    "dashboard:feature": "a map feature of a layer; each layer's summary restricts its own rows (test_layers)",
    "dashboard:layer": "a map layer's key; each layer restricts its own rows (dashboard/tests/test_layers.py)",
    "dashboard:screen-events": "the screen's live feed (async SSE, its own database connections): outside the scope "
                               "404, tested in dashboard/tests/test_live.py",
    "households:import-job": "a person's own Excel import job (ImportJob.visible_to: the uploader only; test_import)",
    "open311:media": "public Open311 media, named by its request's opaque token (incidents/tests/test_open311.py)",
}


def all_patterns() -> list[tuple[str, URLPattern]]:
    found = []

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, ":".join(filter(None, [namespace, entry.namespace])) or None)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((f"{namespace}:{entry.name}" if namespace else entry.name, entry))

    walk(get_resolver().url_patterns, None)
    return found


def is_api(entry: URLPattern) -> bool:
    """REST framework views (walked by the API tests above through the router)."""
    return hasattr(entry.callback, "cls")


def object_views() -> list[tuple[str, RecordRoute, URLPattern]]:
    """Every named HTML route about one record, whose URL names that record."""
    found = []
    for name, entry in all_patterns():
        route = record_route_of(entry.callback)
        if route is not None and route.lookup_url_kwarg in entry.pattern.converters:
            found.append((name, route, entry))
    return found


def test_every_route_that_takes_a_record_loads_it_in_scope():
    unchecked = []
    for name, entry in all_patterns():
        if name.startswith("admin:") or is_api(entry) or not entry.pattern.converters:
            continue
        view_class = getattr(entry.callback, "view_class", None)
        if view_class is not None and issubclass(view_class, ScopedDetailView | CountyConfigMixin):
            continue
        if record_route_of(entry.callback) is None and name not in NOT_A_RECORD:
            unchecked.append(f"{name} ({entry.pattern})")
    assert not unchecked, ("these routes take a record but do not load it through core.views.ScopedObjectMixin "
                           "(or declare record_view), so the scope walk cannot check them: " + ", ".join(unchecked))


def test_county_configuration_pages_refuse_village_staff(tree, client_as):
    """Every county configuration page (CountyConfigMixin) refuses a change by a village's staff."""
    pages = [(name, entry) for name, entry in all_patterns()
             if issubclass(getattr(entry.callback, "view_class", object), CountyConfigMixin)
             and not entry.pattern.converters]
    assert pages
    client = client_as("village_clerk_a")
    for name, _entry in pages:
        assert client.post(reverse(name)).status_code == 403, name


DUMMY = {"int": 1, "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-4000-8000-000000000000"}


def object_url(name: str, route: RecordRoute, entry: URLPattern, row) -> tuple[str, bool]:
    """The URL of ``row`` on this route, other arguments filled with placeholders; and whether there were any."""
    kwargs = {}
    for key, converter in entry.pattern.converters.items():
        kind = type(converter).__name__.removesuffix("Converter").lower()
        kwargs[key] = getattr(row, route.lookup_field) if key == route.lookup_url_kwarg else DUMMY.get(kind, "x")
    return reverse(name, kwargs=kwargs), len(kwargs) > 1


@pytest.mark.parametrize(("name", "route", "pattern"), object_views(), ids=[n for n, *_ in object_views()])
@pytest.mark.parametrize("persona", sorted(SEES))
def test_a_record_outside_the_personas_villages_is_not_found(name, route, pattern, persona, tree, personas,
                                                             client_as):
    model = route.model
    rows = rows_in_villages(model, tree)
    user = personas[persona]
    client = client_as(persona)
    may_act = user.has_perm(permission_name(model, route.action))
    view_class = getattr(pattern.callback, "view_class", None)
    reads = view_class is None or hasattr(view_class, "get")
    for village, row in rows.items():
        url, has_placeholders = object_url(name, route, pattern, row)
        reachable = may_act and village in SEES[persona]
        before = model._default_manager.filter(pk=row.pk).values().first()
        for method in (client.get, client.post):
            status = method(url).status_code
            if not reachable:
                # A page that only reads may answer a POST with 405, the same for every record.
                assert status == 404 or (method is client.post and status == 405), (
                    f"{persona} {method.__name__.upper()} {name} of {village}: {status}")
            elif method is client.get and reads and not has_placeholders and not route.owner_only:
                assert status != 404, f"{persona} {method.__name__.upper()} {name} of {village}: 404 in scope"
        if not reachable:
            assert model._default_manager.filter(pk=row.pk).values().first() == before, (
                f"{persona} changed {name} of {village} outside their villages")
