"""Template filters shared by every app (``{% load xiangcun %}``)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# django-auditlog ships no Chinese catalog: its actions are named here, in the platform's own catalog.
AUDIT_ACTIONS = {0: _("registered"), 1: _("changed"), 2: _("deleted"), 3: _("viewed")}


@register.filter
def audit_action(entry) -> str:
    """The action of an auditlog entry in the reader's language (registered, changed, deleted, viewed)."""
    return str(AUDIT_ACTIONS.get(entry.action, entry.get_action_display()))
