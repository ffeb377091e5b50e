"""The codes with which the households app refuses a write (the API's ``code`` field; values never change)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why a change to the registry (户, members, imports, exports) was refused."""

    HOUSEHOLD_CANCELLED = "household_cancelled"
    NOT_REGISTERED = "not_registered"
    HEAD_LEAVING = "head_leaving"
    IMPORT_CONFLICT = "import_conflict"
    EXPORT_KIND_UNKNOWN = "export_kind_unknown"
    REVEAL_DENIED = "reveal_denied"
