"""Helpers every app's services use: scope checks inside the write's transaction, audited saves."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.scoping import permission_name, user_scope


def require_permission(actor, model: type[models.Model], action: str) -> None:
    """Refuse a write when the actor lacks the model permission anywhere."""
    if actor is None or not actor.has_perm(permission_name(model, action)):
        raise ServiceError(_("You do not have permission to do this."), code="permission_denied", status=403)


def require_region_in_scope(actor, model: type[models.Model], action: str, region) -> None:
    """Refuse a write aimed at a region outside the actor's scope for this model and action."""
    scope = user_scope(actor, permission_name(model, action))
    if region is None or not scope.covers_code(region.code):
        raise OutOfScope(_("The region is not found or lies outside your jurisdiction."))


def verify_saved_in_scope(actor, instance: models.Model, action: str) -> None:
    """Save, then verify: the saved row must still be visible to its writer (inside the transaction)."""
    model = type(instance)
    if not model._default_manager.restrict(actor, action).filter(pk=instance.pk).exists():
        raise OutOfScope(_("The record would lie outside your jurisdiction; nothing was saved."))


def holds_county_level(actor, model: type[models.Model], action: str) -> bool:
    """Whether the actor holds the permission for a whole county or more (config tables, county steps)."""
    if actor is None or not actor.is_authenticated:
        return False
    scope = user_scope(actor, permission_name(model, action))
    return scope.everything or any(len(code) <= 6 for code in scope.codes)


def require_county_level(actor, model: type[models.Model], action: str) -> None:
    """Refuse a change to county configuration by someone who holds the permission only for a village or township."""
    if not holds_county_level(actor, model, action):
        raise ServiceError(_("Only county-level staff may change the county's configuration."),
                           code="county_level_required", status=403)
