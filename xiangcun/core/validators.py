"""Validation of Chinese identity numbers (GB 11643-1999) and mobile phone numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdCardInfo:
    number: str
    region_code: str
    birth_date: date
    sex: str  # "M" or "F"


def id_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def parse_id_card(value: str) -> IdCardInfo:
    """Validate an 18-digit 身份证号 and return what it encodes; raise ValidationError saying why not."""
    number = (value or "").strip().upper()
    if not _ID_PATTERN.match(number):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="id_format")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside the ID number does not exist."), code="id_birth_date") from None
    if born.year < 1880 or born > date.today():
        raise ValidationError(_("The birth date inside the ID number is impossible."), code="id_birth_date")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("The check digit of the ID number is wrong; please check the number."),
                              code="id_checksum")
    return IdCardInfo(number=number, region_code=number[:6], birth_date=born, sex="M" if int(number[16]) % 2 else "F")


def validate_id_card(value: str) -> None:
    parse_id_card(value)


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def validate_phone(value: str) -> None:
    if not _PHONE_PATTERN.match(normalize_phone(value)):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13–19."), code="phone_format")
