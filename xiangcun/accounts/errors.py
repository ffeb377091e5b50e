"""The codes with which the accounts app refuses a change (the API's ``code`` field; values never change)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why a change to an account, a role or a token was refused."""

    ROLE_ABOVE_OWN = "role_above_own"
    UNKNOWN_ACTION = "unknown_action"
