"""Helpers every app's services use: scope checks inside the write's transaction, checked saves.

A service reads as three steps::

    @transaction.atomic
    def grid_update(*, actor: Actor, grid: Grid, name: str) -> Grid:
        authorize(actor, grid, "change")              # the permission, and the row's region in the actor's scope
        grid.name = name
        return save_checked(grid, actor=actor, action="change")   # full_clean, save, still visible to the actor

``actor=None`` is the system (management commands, imports, demo data, tasks): the checks are skipped. Nothing a
person triggers passes ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from xiangcun.core.errors import CoreErrorCode, OutOfScope, ServiceError
from xiangcun.core.scoping import permission_name, user_scope

if TYPE_CHECKING:
    from xiangcun.accounts.models import User

    Actor = User | None
else:
    Actor = object  # the user who acts, or None for the system; a real type only for type checkers

M = TypeVar("M", bound=models.Model)


def region_of(target) -> object | None:
    """The region a row (or a region itself) lies in: ``target.region``, the region itself, or None."""
    if target is None:
        return None
    if hasattr(target, "code") and hasattr(target, "level"):
        return target
    return getattr(target, "region", None)


def authorize(actor: Actor, target: models.Model | type[models.Model], action: str, region=None) -> None:
    """Refuse unless ``actor`` holds ``action`` on ``target``'s model and the region is in their scope.

    ``target`` is a row (its region is used) or a model class with an explicit ``region``. The system
    (``actor=None``) passes. Without the permission anywhere: ``permission_denied`` (403); with it, but not in
    that region: :class:`OutOfScope` (404, "not found").
    """
    if actor is None:
        return
    model = target if isinstance(target, type) else type(target)
    require_permission(actor, model, action)
    where = region if region is not None else (None if isinstance(target, type) else region_of(target))
    if where is not None or isinstance(target, type):
        require_region_in_scope(actor, model, action, where)


def may(actor: Actor, target: models.Model | type[models.Model], action: str, region=None) -> bool:
    """Whether :func:`authorize` would let ``actor`` do it: what pages ask before offering a button."""
    try:
        authorize(actor, target, action, region)
    except ServiceError:
        return False
    return actor is not None


def save_checked(instance: M, *, actor: Actor, action: str, exclude: list[str] | None = None) -> M:
    """``full_clean()``, ``save()``, then verify the saved row is still visible to its writer (save, then
    verify), all inside the caller's transaction."""
    instance.full_clean(exclude=exclude)
    instance.save()
    if actor is not None:
        verify_saved_in_scope(actor, instance, action)
    return instance


def require_permission(actor: Actor, model: type[models.Model], action: str) -> None:
    """Refuse a write when the actor lacks the model permission anywhere."""
    if actor is None or not actor.has_perm(permission_name(model, action)):
        raise ServiceError(_("You do not have permission to do this."), code=CoreErrorCode.PERMISSION_DENIED,
                           status=403)


def require_region_in_scope(actor: Actor, model: type[models.Model], action: str, region) -> None:
    """Refuse a write aimed at a region outside the actor's scope for this model and action."""
    scope = user_scope(actor, permission_name(model, action))
    if region is None or not scope.covers_code(region.code):
        raise OutOfScope(_("The region is not found or lies outside your jurisdiction."))


def verify_saved_in_scope(actor: Actor, instance: models.Model, action: str) -> None:
    """Save, then verify: the saved row must still be visible to its writer (inside the transaction)."""
    model = type(instance)
    if not model._default_manager.restrict(actor, action).filter(pk=instance.pk).exists():
        raise OutOfScope(_("The record would lie outside your jurisdiction; nothing was saved."))


def holds_county_level(actor: Actor, model: type[models.Model], action: str) -> bool:
    """Whether the actor holds the permission for a whole county or more (config tables, county steps)."""
    if actor is None or not actor.is_authenticated:
        return False
    scope = user_scope(actor, permission_name(model, action))
    return scope.everything or any(len(code) <= 6 for code in scope.codes)


def require_county_level(actor: Actor, model: type[models.Model], action: str) -> None:
    """Refuse a change to county configuration by someone who holds the permission only for a village or township."""
    if not holds_county_level(actor, model, action):
        raise ServiceError(_("Only county-level staff may change the county's configuration."),
                           code=CoreErrorCode.COUNTY_LEVEL_REQUIRED, status=403)
