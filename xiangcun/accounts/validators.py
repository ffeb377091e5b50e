"""Password rules beyond Django's: character classes, switched on for 等保 assessments."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^a-zA-Z\d]"))


class ComplexityValidator:
    """With XIANGCUN_PASSWORD_COMPLEXITY=1: at least three of lower case, upper case, digits, symbols."""

    def __init__(self, required_classes: int = 3) -> None:
        self.required_classes = required_classes

    def validate(self, password: str, user=None) -> None:
        if not settings.XIANGCUN_PASSWORD_COMPLEXITY:
            return
        if sum(bool(pattern.search(password)) for pattern in CLASSES) < self.required_classes:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        if not settings.XIANGCUN_PASSWORD_COMPLEXITY:
            return ""
        return _("Mix at least three of: lower-case letters, upper-case letters, digits, symbols.")
