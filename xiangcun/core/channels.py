"""Outside notification channels: adapters named in settings (``XIANGCUN_NOTIFY_CHANNELS``).

An adapter is a class with ``name`` and ``send(*, users, phones, title, body, url)``. The defaults:
``EmailChannel`` sends through Django's mail settings to users who have an address; ``LoggingSMSChannel``
and ``LoggingWeChatChannel`` write one log line per message with the number masked, standing in for a
county's SMS gateway or WeChat service account until one is configured (see docs/deployment.md).
A failing channel is logged and does not stop the others; in-app notifications are already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.module_loading import import_string

from xiangcun.core.masking import mask_phone

logger = logging.getLogger("xiangcun.notify")


class EmailChannel:
    name = "email"

    def send(self, *, users: Sequence, phones: Sequence[str], title: str, body: str, url: str) -> int:
        link = f"{settings.SITE_URL.rstrip('/')}{url}" if url and getattr(settings, "SITE_URL", "") else url
        text = "\n\n".join(part for part in (body, link) if part)
        messages = [(title, text, None, [user.email]) for user in users if user.email]
        return send_mass_mail(messages, fail_silently=False) if messages else 0


class LoggingSMSChannel:
    """SMS stand-in: one log line per recipient, numbers masked. Replace with the county's gateway adapter."""

    name = "sms"

    def send(self, *, users: Sequence, phones: Sequence[str], title: str, body: str, url: str) -> int:
        numbers = [*(user.phone for user in users if getattr(user, "phone", "")), *phones]
        for number in numbers:
            logger.info("sms to %s: %s", mask_phone(number), title)
        return len(numbers)


class LoggingWeChatChannel:
    """WeChat service-account stand-in: logs the template message it would send to users with an account."""

    name = "wechat"

    def send(self, *, users: Sequence, phones: Sequence[str], title: str, body: str, url: str) -> int:
        for user in users:
            logger.info("wechat to user %s: %s", user.pk, title)
        return len(users)


def configured_channels() -> list:
    """The adapters named in settings; ``none`` (``XIANGCUN_NOTIFY_CHANNELS=none``) means in-app only."""
    return [import_string(path)() for path in getattr(settings, "NOTIFY_CHANNELS", ()) if path.lower() != "none"]


def deliver(notification_ids: Sequence[int], phones: Sequence[str], *, kind: str, title: str, body: str,
            url: str) -> dict[str, int]:
    """Send one message through every configured channel; returns how many each one sent."""
    from xiangcun.accounts.models import User

    users = list(User.objects.filter(notifications__pk__in=list(notification_ids), is_active=True).distinct())
    sent: dict[str, int] = {}
    for channel in configured_channels():
        try:
            sent[channel.name] = channel.send(users=users, phones=list(phones), title=title, body=body, url=url)
        except Exception:  # one broken gateway must not silence the others
            logger.exception("notification channel %s failed for %s", channel.name, kind)
            sent[channel.name] = 0
    return sent
