"""The generated scope test (DESIGN.md §1): every API route and every scoped HTML list and detail
page, walked with personas of two villages and two townships, must keep them apart.

Nothing here names a module: a viewset registered on ``core.api.router`` or a view built on
``ScopedListView`` / ``ScopedDetailView`` is picked up as soon as it exists, and fails until its
app registers a scope factory (``<app>/tests/factories.py``).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import autodiscover_modules

from xiangcun.core.api import ConfigViewSet, ScopedViewSetMixin, router
from xiangcun.core.scoping import permission_name
from xiangcun.core.testing import SCOPE_FACTORIES, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.core.views import ScopedDetailView, ScopedListView

autodiscover_modules("api", "tests.factories")

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
