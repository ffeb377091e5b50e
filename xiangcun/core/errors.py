"""Errors raised by services, with a stable code for the API and a message for people.

Every code is a member of an error-code enum: :class:`CoreErrorCode` here for the refusals every app shares,
and ``ErrorCode`` in each app's ``errors.py`` for that app's own. They are ``StrEnum``: a member equals its
value, so the API's ``code`` field and every client that reads it see the same strings as before.
``core/tests/test_error_codes.py`` refuses a free string passed as a code.
"""

from __future__ import annotations

import enum


class CoreErrorCode(enum.StrEnum):
    """Refusals that are not any one app's: permissions, scope, workflow steps, bad input, imports."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    COUNTY_LEVEL_REQUIRED = "county_level_required"
    ILLEGAL_TRANSITION = "illegal_transition"
    STATE_CHANGED = "state_changed"
    IMPORT_KIND_UNKNOWN = "import_kind_unknown"
    IMPORT_MODE_UNKNOWN = "import_mode_unknown"


class ServiceError(Exception):
    """A refused write: the page shows ``message``, the API returns it with ``code``."""

    status = 400

    def __init__(self, message: str, *, code: enum.StrEnum = CoreErrorCode.INVALID, status: int | None = None,
                 **extra) -> None:
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

        super().__init__(message or gettext("Not found."), code=CoreErrorCode.NOT_FOUND)
