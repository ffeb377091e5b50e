"""Checks shared by the forms, the API, the services and the Excel import of the registry.

Each raises ``django.core.exceptions.ValidationError`` with a message a clerk can act on; the Excel
import collects them per row and column.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xiangcun.core.crypto import lookup_hash
from xiangcun.core.validators import IdCardInfo, normalize_phone, parse_id_card, validate_phone
from xiangcun.households.choices import PersonStatus


def check_identity(id_number: str, *, sex: str | None = None, birth_date: date | None = None) -> IdCardInfo:
    """Validate an ID number (GB 11643 check digit) and that a given sex and birth date match it."""
    info = parse_id_card(id_number)
    if sex and sex != info.sex:
        raise ValidationError(_("The sex does not match the ID number (its 17th digit)."), code="id_sex_mismatch")
    if birth_date and birth_date != info.birth_date:
        raise ValidationError(
            _("The birth date %(given)s does not match the ID number, which says %(encoded)s.")
            % {"given": birth_date.isoformat(), "encoded": info.birth_date.isoformat()},
            code="id_birth_mismatch",
        )
    return info


def check_phone(value: str) -> str:
    """The normalised mobile number, or "" for an empty value."""
    phone = normalize_phone(value or "")
    if phone:
        validate_phone(phone)
    return phone


def id_number_taken(id_number: str, *, exclude_pk: int | None = None) -> bool:
    """Whether a registered person anywhere in the platform already has this ID number.

    Looked up by the keyed hash across all regions on purpose: one person is registered once in the
    county. The answer reveals nothing about where (callers say only "already registered").
    """
    from xiangcun.households.models import Person

    rows = Person.objects.filter(id_number_hash=lookup_hash(id_number.strip().upper()),
                                 status=PersonStatus.REGISTERED)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


def duplicate_id_error() -> ValidationError:
    return ValidationError(_("This ID number is already registered in a household."), code="id_duplicate")
