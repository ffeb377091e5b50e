"""Open311 API keys: an outside system (a city's 311 app, a hotline's software) posts into one region.

Only the key's SHA-256 is stored, as for ``accounts.ApiToken``; the plain key is shown once, when it is
created. A revoked key is refused from the next request on. Keys are made by the system
(``manage.py open311_key``), hence ``actor=None`` is the only caller so far.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.models import Open311Key
from xiangcun.regions.choices import Level

KEY_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)


def open311_key_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def open311_key_create(*, name: str, region) -> tuple[Open311Key, str]:
    """A new key for ``region`` (the county, a township or a village); returns the row and the plain key."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the key a name."), code=ErrorCode.REQUIRED, field="name")
    if region is None or region.level not in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        raise ServiceError(_("Choose the county, a township or a village for the key."), code=CoreErrorCode.INVALID,
                           field="region")
    if Open311Key.objects.filter(name=name).exists():
        raise ServiceError(_("A key named %(name)s exists already.") % {"name": name}, code=ErrorCode.NAME_TAKEN,
                           field="name")
    plaintext = secrets.token_urlsafe(32)
    key = Open311Key(name=name, prefix=plaintext[:KEY_PREFIX_LENGTH], key_hash=open311_key_hash(plaintext),
                     region=region)
    key.full_clean()
    key.save()
    return key, plaintext


@transaction.atomic
def open311_key_revoke(*, key: Open311Key) -> Open311Key:
    """Refuse the key from now on (the incidents it posted stay)."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        Open311Key.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=key.revoked_at)
    return key


def open311_key_check(plaintext: str | None) -> Open311Key | None:
    """The active key with this plain text, or None; notes its use at most once a minute (one UPDATE)."""
    if not plaintext:
        return None
    key = (Open311Key.objects.select_related("region")
           .filter(key_hash=open311_key_hash(plaintext), revoked_at__isnull=True).first())
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def village_named_in(text: str, region) -> object | None:
    """The village of ``region`` whose name appears in an address (``杰迪村2组`` → 杰迪村), if exactly one does."""
    from xiangcun.regions.models import Region

    text = (text or "").strip()
    if not text or region is None:
        return None
    if region.level == Level.VILLAGE:
        return region if region.display_name in text or region.name in text else None
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=region.code).only(
        "id", "code", "name", "short_name", "level", "parent_id")
    found = [village for village in villages if village.display_name and village.display_name in text]
    return found[0] if len(found) == 1 else None


def open311_request_submit(*, key: Open311Key, data, details: dict | None = None):
    """POST requests: report through ``incident_report`` as the key; what has no column of its own (media
    URL, device and account ids, attributes) goes into an internal note of the new incident. The media URL is
    kept as text and never fetched."""
    from xiangcun.incidents import choices
    from xiangcun.incidents.models import IncidentEvent
    from xiangcun.incidents.services.reporting import incident_report

    if key is None or key.revoked_at is not None:
        raise ServiceError(_("The api_key is missing, unknown or revoked."), code=ErrorCode.INVALID_API_KEY, status=403)
    data.source = choices.Source.OPEN311
    with transaction.atomic():
        result = incident_report(actor=None, data=data, open311_key=key)
        details = {name: value for name, value in (details or {}).items() if value not in ("", None, {}, [])}
        if result.created and details:
            lines = [f"{name}: {value}" for name, value in details.items()]
            IncidentEvent.objects.create(incident=result.incident, action=choices.EventKind.NOTE, is_public=False,
                                         comment=_("Sent through Open311 (%(key)s):") % {"key": key.name} + "\n"
                                         + "\n".join(lines), data={"open311": details})
    return result
