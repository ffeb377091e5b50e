"""Notifications: one call from a service, an in-app row for each person, and pluggable outside channels.

``notify(...)`` is called inside a service's transaction. The in-app rows (``core.Notification``) are
written at once in one insert, as part of that transaction (they roll back with it); the outside
channels (email, SMS, WeChat: adapters named in settings) are sent only after it commits
(``transaction.on_commit``), log-line stand-ins at once, real gateways by the background worker, so a
slow SMS gateway never holds up a click.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.http import Http404
from django.utils import timezone


@dataclass(frozen=True)
class Message:
    """What is said: a kind (for filtering and templates), a title, a text and a link into the platform."""

    kind: str
    title: str
    body: str = ""
    url: str = ""
    data: dict = field(default_factory=dict)


def notify(recipients: Iterable, message: Message, *, phones: Iterable[str] = ()) -> None:
    """Tell these users (in-app and their channels) and these bare phone numbers (SMS).

    ``recipients`` are user objects (duplicates and ``None`` are dropped); ``phones`` reach people who
    have no account, such as an anonymous reporter who left a number. The in-app rows are written now, in
    the caller's transaction (they vanish with it if it rolls back, and cost no second write); the outside
    channels are sent only after it commits.
    """
    from xiangcun.core.models import Notification

    users = {user.pk: user for user in recipients if user is not None and getattr(user, "pk", None)}
    numbers = sorted({phone for phone in phones if phone})
    if not users and not numbers:
        return
    rows = Notification.objects.bulk_create([
        Notification(recipient_id=pk, kind=message.kind, title=message.title[:200], body=message.body,
                     url=message.url, data=message.data)
        for pk in sorted(users)
    ])
    ids = [row.pk for row in rows if row.pk]

    def send_outside() -> None:
        from xiangcun.core import channels

        channels.dispatch(ids, list(users.values()), numbers, message)

    transaction.on_commit(send_outside)


# --- the recipient's own writes: reading ------------------------------------------------------------------------

def notification_mark_read(*, user, notification_id: int):
    """Mark one of the user's own notifications read; another person's id is not found (404), never forbidden."""
    from xiangcun.core.models import Notification

    notification = Notification.objects.for_user(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("notification not found")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    from xiangcun.core.models import Notification

    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    """The number on the bell: one COUNT on the (recipient, read_at) index."""
    from xiangcun.core.models import Notification

    return Notification.objects.for_user(user).unread().count()
