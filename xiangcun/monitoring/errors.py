"""The codes with which the monitoring app refuses a write (the API's ``code`` field; values never change)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why a clue, a case step, an objection, a measure, a registration or a configuration row was refused."""

    # 风险线索
    FUTURE_DATE = "future_date"
    NEGATIVE_AMOUNT = "negative_amount"
    CLUE_NOT_OPEN = "clue_not_open"
    REASON_REQUIRED = "reason_required"
    # cases and their steps
    BAD_CATEGORY = "bad_category"
    CASE_EXISTS = "case_exists"
    BAD_CLUE = "bad_clue"
    SUMMARY_REQUIRED = "summary_required"
    NOT_ASSISTING = "not_assisting"
    REASONS_REQUIRED = "reasons_required"
    UNEXPECTED_FIELDS = "unexpected_fields"
    FIELD_REQUIRED = "field_required"
    BAD_DATE = "bad_date"
    NOT_MANUAL = "not_manual"
    NOTICE_RUNNING = "notice_running"
    OBJECTION_DECIDED = "objection_decided"
    # measures and the register
    BAD_DATES = "bad_dates"
    USE_WORKFLOW = "use_workflow"
    ALREADY_REGISTERED = "already_registered"
    ALREADY_ENDED = "already_ended"
    # county configuration
    BAD_CODE = "bad_code"
