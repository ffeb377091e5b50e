"""The one scope (DESIGN.md §1): which rows a user may see or change.

A user's roles are assigned in regions. A role grants model permissions; a permission granted by
an assignment at region R reaches every row whose region code starts with R's code. Roles marked
``self_only`` (村民) reach only rows the user owns. Everything here is computed once per request
and cached on the user object.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from django.db.models import Model


ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Scope:
    """Where one permission reaches for one user: region code prefixes and/or own rows."""

    everything: bool = False
    codes: tuple[str, ...] = ()
    own_rows: bool = False
    notes: dict = field(default_factory=dict, compare=False)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.codes or self.own_rows)

    def covers_code(self, code: str) -> bool:
        return self.everything or any(code.startswith(prefix) for prefix in self.codes)


def permission_name(model: type[Model], action: str) -> str:
    """`view` on households.Household -> `households.view_household`; a dotted name passes through."""
    if "." in action:
        return action
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def collapse_prefixes(codes: set[str]) -> tuple[str, ...]:
    """Drop codes already covered by a shorter one: {62, 623023} -> (62,)."""
    kept: list[str] = []
    for code in sorted(codes, key=lambda c: (len(c), c)):
        if not any(code.startswith(prefix) for prefix in kept):
            kept.append(code)
    return tuple(sorted(kept))


def user_scope(user, perm: str) -> Scope:
    """The scope of one permission (``app.codename``) for one user.

    The reach of every permission is computed together, in one query, by the authentication backend that
    offers ``region_scopes(user)`` (``accounts.backends.RoleBackend``) and kept on the user object; core
    names no accounts model, so there is no import cycle.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    return region_scopes(user).get(perm, EMPTY)


EMPTY = Scope()


def region_scopes(user) -> dict[str, Scope]:
    """Every permission's scope for ``user``, from the first authentication backend that computes them."""
    for backend in _scope_backends():
        return backend.region_scopes(user)
    return {}


@functools.cache
def _scope_backends() -> tuple:
    from django.contrib.auth import get_backends

    return tuple(backend for backend in get_backends() if hasattr(backend, "region_scopes"))


def prefix_q(lookup: str, code: str) -> Q:
    """Rows whose code (reached through ``lookup``) starts with ``code``.

    Written as a range on the code column rather than LIKE: codes are digits, so every code that
    starts with "623023" lies in ["623023", "623023:"), and a range uses the unique index on both
    SQLite and PostgreSQL whatever the collation (LIKE does not on SQLite).
    """
    return Q(**{f"{lookup}__gte": code, f"{lookup}__lt": code + ":"})


def scope_q(model: type[Model], scope: Scope, user) -> Q | None:
    """The filter for ``scope`` on ``model``, or None when it reaches no row."""
    condition = Q(pk__in=[])
    reaches = False
    code_lookup = getattr(model, "scope_code_lookup", None)
    if scope.codes and code_lookup:
        for code in scope.codes:
            condition |= prefix_q(code_lookup, code)
        reaches = True
    owner_lookup = getattr(model, "scope_owner_lookup", None)
    if scope.own_rows and owner_lookup:
        condition |= Q(**{owner_lookup: user})
        reaches = True
    return condition if reaches else None
