"""Showing a reporter's full phone number: a permission and a security event (without the value)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.core.errors import CoreErrorCode, OutOfScope, ServiceError
from xiangcun.core.services import Actor
from xiangcun.incidents.models import Incident


def incident_reveal_reporter_phone(*, actor: Actor, incident: Incident, request=None) -> str:
    """The reporter's phone in clear for a holder of ``accounts.reveal_personal_data``; the reveal is logged."""
    from xiangcun.accounts.services import security_event_record

    if not Incident.objects.restrict(actor, "view").filter(pk=incident.pk).exists():
        raise OutOfScope(_("The incident is not found or lies outside your jurisdiction."))
    if not actor.has_perm("accounts.reveal_personal_data"):
        raise ServiceError(_("You may not see full phone numbers."), code=CoreErrorCode.PERMISSION_DENIED, status=403)
    security_event_record(kind=SecurityEventKind.PERSONAL_DATA_REVEALED, actor=actor, request=request,
                          target=f"incidents.incident:{incident.code}", detail={"fields": ["reporter_phone"]})
    return incident.reporter_phone
