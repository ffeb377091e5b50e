"""The menu and the home page, declared by each app in its own ``navigation.py``.

An app registers :class:`MenuGroup`, :class:`MenuEntry` and :class:`HomeTile` objects with :func:`register`;
``base.html`` and the home page draw what :func:`menu_for` and :func:`tiles_for` return for the person signed in.
Nothing about an app is written in a shared template.

Who sees an entry is decided by two things the entry declares:

- its **audience**: ``desk`` (cadres and department staff at an office PC), ``field`` (grid workers and
  cadres on a phone, collecting and handling) and ``villager`` (村民). A person's audience comes from their
  roles (:func:`audiences_of`): a villager is someone whose only roles reach their own records; everybody else
  is desk and field. A villager never sees a cadre page in the menu, even where a permission of the villager
  role would let it through;
- its **permissions**: the entry is shown when the person holds any of them somewhere (an empty tuple: every
  person of the audience). ``visible(user)`` can add a condition (e.g. the account is linked to a registered
  person).

``wide_only`` entries (the API documentation …) are left out of the menu on a phone-width screen.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.core.registry import Registry


class Audience(enum.StrEnum):
    DESK = "desk"
    FIELD = "field"
    VILLAGER = "villager"


STAFF = (Audience.DESK, Audience.FIELD)
EVERYONE = (Audience.DESK, Audience.FIELD, Audience.VILLAGER)

UrlSource = str | Callable[[Any], str | None]


def audiences_of(user) -> frozenset[Audience]:
    """A villager (only self-only roles) is the villager audience; every other signed-in person desk and field."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(STAFF)
    if getattr(user, "is_villager_only", False):
        return frozenset({Audience.VILLAGER})
    return frozenset(STAFF)


def _resolve(url: UrlSource, user) -> str | None:
    if callable(url):
        return url(user)
    try:
        return reverse(url)
    except NoReverseMatch:  # an app's page that is not installed in this deployment
        return None


@dataclass(frozen=True)
class _Visible:
    key: str
    label: str | Promise
    permissions: tuple[str, ...] = ()
    audiences: tuple[Audience, ...] = STAFF
    order: int = 100
    visible: Callable[[Any], bool] | None = None

    def shown_to(self, user, audiences: frozenset[Audience]) -> bool:
        if not audiences.intersection(self.audiences):
            return False
        if self.permissions and not any(user.has_perm(perm) for perm in self.permissions):
            return False
        return self.visible is None or bool(self.visible(user))


@dataclass(frozen=True)
class MenuGroup(_Visible):
    """A drop-down of the menu; shown when at least one of its entries is."""


@dataclass(frozen=True)
class MenuEntry(_Visible):
    """One link of the menu. ``group`` is the key of a :class:`MenuGroup` ("" for the top line)."""

    url: UrlSource = ""
    group: str = ""
    divider_before: bool = False
    wide_only: bool = False


@dataclass(frozen=True)
class HomeTile(_Visible):
    """A large button on the home page (a task the person does often: report, my reports, register …)."""

    url: UrlSource = ""
    style: str = "outline-primary"  # a Tabler button colour: primary, outline-primary, outline-danger …
    icon: str = ""


@dataclass
class MenuItem:
    """What the template draws: a resolved entry, or a group with its resolved children."""

    key: str
    label: str | Promise
    url: str = ""
    wide_only: bool = False
    divider_before: bool = False
    children: list[MenuItem] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return bool(self.children)


# Menu groups, entries and home tiles share one registry (one discovery of the apps' navigation.py); keys are
# unique across the three.
navigation: Registry[MenuGroup | MenuEntry | HomeTile] = Registry("navigation")


def menu_for(user) -> list[MenuItem]:
    """The menu of this person: the groups and entries their audience and permissions allow, in order."""
    audiences = audiences_of(user)
    if not audiences:
        return []
    declared = navigation.all()
    groups = {item.key: item for item in declared if isinstance(item, MenuGroup)}
    children: dict[str, list[MenuItem]] = {key: [] for key in groups}
    top: list[tuple[int, MenuItem | str]] = []
    for item in declared:
        if not isinstance(item, MenuEntry) or not item.shown_to(user, audiences):
            continue
        url = _resolve(item.url, user)
        if not url:
            continue
        resolved = MenuItem(item.key, item.label, url, item.wide_only, item.divider_before)
        if item.group:
            if item.group not in groups:
                raise LookupError(f"menu entry {item.key!r} names the unknown group {item.group!r}")
            children[item.group].append(resolved)
        else:
            top.append((item.order, resolved))
    for key, group in groups.items():
        if children[key] and group.shown_to(user, audiences):
            entries = children[key]
            entries[0].divider_before = False
            top.append((group.order, MenuItem(group.key, group.label, children=entries)))
    return [item for _order, item in sorted(top, key=lambda pair: pair[0])]


def tiles_for(user) -> list[MenuItem]:
    """The home page's large buttons for this person."""
    audiences = audiences_of(user)
    shown = []
    for tile in navigation.all():
        if isinstance(tile, HomeTile) and tile.shown_to(user, audiences):
            url = _resolve(tile.url, user)
            if url:
                shown.append((tile, url))
    return [TileItem(tile.key, tile.label, url, style=tile.style, icon=tile.icon) for tile, url in shown]


@dataclass
class TileItem(MenuItem):
    style: str = "outline-primary"
    icon: str = ""


def register(*items: MenuGroup | MenuEntry | HomeTile) -> None:
    """Register an app's menu groups, entries and home tiles (in its ``navigation.py``)."""
    for item in items:
        navigation.register(item)


# The platform's own entries: home for everyone, notices as a villager's tile, the API documentation on a desk.
register(
    MenuEntry("home", _("Home"), url="core:home", audiences=EVERYONE, order=0),
    MenuEntry("api", _("API"), url="api-docs", audiences=(Audience.DESK,), wide_only=True, order=99),
    HomeTile("notices", _("Notices"), url="core:notifications", audiences=(Audience.VILLAGER,), order=60,
             icon="bell"),
)
