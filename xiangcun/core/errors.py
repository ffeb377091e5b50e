"""Errors raised by services, with a stable code for the API and a message for people."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused write: the page shows ``message``, the API returns it with ``code``."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", status: int | None = None, **extra) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.extra = extra
        if status is not None:
            self.status = status


class OutOfScope(ServiceError):
    """The target lies outside the actor's regions. Shown as 'not found', never as forbidden."""

    status = 404

    def __init__(self, message: str | None = None) -> None:
        from django.utils.translation import gettext

        super().__init__(message or gettext("Not found."), code="not_found")
