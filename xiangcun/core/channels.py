"""Outside notification channels: adapters named in settings (``XIANGCUN_NOTIFY_CHANNELS``).

An adapter is a class with ``name`` and ``send(*, users, phones, title, body, url)``. The defaults:
``EmailChannel`` sends through Django's mail settings to users who have an address; ``LoggingSMSChannel``
and ``LoggingWeChatChannel`` write one log line per message with the number masked, standing in for a
county's SMS gateway or WeChat service account until one is configured (see docs/deployment.md).
A failing channel is logged and does not stop the others; in-app notifications are already stored.

Two optional attributes keep a busy platform cheap: ``reaches(users, phones)`` says whether the channel has
anyone to send to (no e-mail address, no background task), and ``inline = True`` marks a channel as cheap
as a log line, sent right after the commit instead of through the background worker. A real gateway stays
``inline = False``.
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
    inline = False  # a mail server may be slow: sent by the background worker

    def reaches(self, users: Sequence, phones: Sequence[str]) -> bool:
        return any(user.email for user in users)

    def send(self, *, users: Sequence, phones: Sequence[str], title: str, body: str, url: str) -> int:
        link = f"{settings.SITE_URL.rstrip('/')}{url}" if url and getattr(settings, "SITE_URL", "") else url
        text = "\n\n".join(part for part in (body, link) if part)
        messages = [(title, text, None, [user.email]) for user in users if user.email]
        return send_mass_mail(messages, fail_silently=False) if messages else 0


class LoggingSMSChannel:
    """SMS stand-in: one log line per recipient, numbers masked. Replace with the county's gateway adapter."""

    name = "sms"
    inline = True  # only a log line: written at once, no background task

    def reaches(self, users: Sequence, phones: Sequence[str]) -> bool:
        return bool(phones) or any(getattr(user, "phone", "") for user in users)

    def send(self, *, users: Sequence, phones: Sequence[str], title: str, body: str, url: str) -> int:
        numbers = [*(user.phone for user in users if getattr(user, "phone", "")), *phones]
        for number in numbers:
            logger.info("sms to %s: %s", mask_phone(number), title)
        return len(numbers)


class LoggingWeChatChannel:
    """WeChat service-account stand-in: logs the template message it would send to users with an account."""

    name = "wechat"
    inline = True

    def reaches(self, users: Sequence, phones: Sequence[str]) -> bool:
        return bool(users)

    def send(self, *, users: Sequence, phones: Sequence[str], title: str, body: str, url: str) -> int:
        for user in users:
            logger.info("wechat to user %s: %s", user.pk, title)
        return len(users)


def configured_channels() -> list:
    """The adapters named in settings; ``none`` (``XIANGCUN_NOTIFY_CHANNELS=none``) means in-app only."""
    return [import_string(path)() for path in getattr(settings, "NOTIFY_CHANNELS", ()) if path.lower() != "none"]


def _send(channel, users: Sequence, phones: Sequence[str], kind: str, title: str, body: str, url: str) -> int:
    try:
        return channel.send(users=users, phones=list(phones), title=title, body=body, url=url)
    except Exception:  # one broken gateway must not silence the others
        logger.exception("notification channel %s failed for %s", channel.name, kind)
        return 0


def dispatch(notification_ids: Sequence[int], users: Sequence, phones: Sequence[str], message) -> None:
    """After commit: inline channels (log lines) now; the others through one background task, and only when
    they reach somebody (an e-mail channel and nobody with an address: no task at all)."""
    queued = []
    for channel in configured_channels():
        if not getattr(channel, "reaches", lambda users, phones: True)(users, phones):
            continue
        if getattr(channel, "inline", False):
            _send(channel, users, phones, message.kind, message.title, message.body, message.url)
        else:
            queued.append(channel.name)
    if queued:
        from xiangcun.core.tasks import deliver_notifications

        deliver_notifications(list(notification_ids), list(phones), message.kind, message.title, message.body,
                              message.url, queued)


def deliver(notification_ids: Sequence[int], phones: Sequence[str], *, kind: str, title: str, body: str,
            url: str, channel_names: Sequence[str] | None = None) -> dict[str, int]:
    """Send one message through the configured channels (or the named ones); returns how many each one sent."""
    from xiangcun.accounts.models import User

    users = list(User.objects.filter(notifications__pk__in=list(notification_ids), is_active=True).distinct())
    sent: dict[str, int] = {}
    for channel in configured_channels():
        if channel_names is not None and channel.name not in channel_names:
            continue
        sent[channel.name] = _send(channel, users, phones, kind, title, body, url)
    return sent
