from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOCKED_OUT = "locked_out", _("account locked")
    LOGOUT = "logout", _("logout")
    SESSION_EXPIRED = "session_expired", _("session expired")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    USER_CREATED = "user_created", _("user created")
    USER_CHANGED = "user_changed", _("user changed")
    USER_DISABLED = "user_disabled", _("user disabled")
    USER_ENABLED = "user_enabled", _("user enabled")
    USER_UNLOCKED = "user_unlocked", _("user unlocked")
    ROLE_GRANTED = "role_granted", _("role granted")
    ROLE_REVOKED = "role_revoked", _("role revoked")
    PERSONAL_DATA_REVEALED = "personal_data_revealed", _("personal data revealed")
    AUDIT_EXPORTED = "audit_exported", _("audit log exported")
    DATA_EXPORTED = "data_exported", _("data exported")


class SecurityEventResult(models.TextChoices):
    SUCCESS = "success", _("success")
    FAILURE = "failure", _("failure")
