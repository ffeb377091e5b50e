"""Masking of personal data for display (DESIGN.md §4) and for logs."""

from __future__ import annotations

import logging
import re


def mask_id_card(value: str | None) -> str:
    """First 6 and last 4 characters: 623023********0012."""
    if not value:
        return ""
    return value[:6] + "*" * max(len(value) - 10, 0) + value[-4:]


def mask_phone(value: str | None) -> str:
    """First 3 and last 4 digits: 138****5678."""
    if not value:
        return ""
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:]


def mask_name(value: str | None) -> str:
    """Surname only, for big screens: 张**."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


_ID_IN_TEXT = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask anything shaped like an ID number or a mobile number inside free text."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class PersonalDataLogFilter(logging.Filter):
    """Logs never contain ID or phone numbers: the formatted message is scrubbed before output."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
