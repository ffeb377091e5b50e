"""The codes with which the livelihoods app refuses a write (the API's ``code`` field; values never change)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why an income record, an income rule or a 务工 record was refused."""

    # 家庭收入 and 收入测算 rules
    NEGATIVE_AMOUNT = "negative_amount"
    FUTURE_YEAR = "future_year"
    BAD_FAMILY_SIZE = "bad_family_size"
    BAD_ITEM = "bad_item"
    NO_INCOME = "no_income"
    DUPLICATE = "duplicate"
    # 务工
    FUTURE_START = "future_start"
    FUTURE_END = "future_end"
    END_BEFORE_START = "end_before_start"
    UNKNOWN_PROVINCE = "unknown_province"
    BAD_DESTINATION_CODE = "bad_destination_code"
