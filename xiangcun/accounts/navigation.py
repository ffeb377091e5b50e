"""The accounts app's menu entries (core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import MenuEntry, register

register(
    MenuEntry("users", _("Users"), url="accounts:user-list", permissions=("accounts.view_user",), order=80),
    MenuEntry("audit", _("Audit log"), url="accounts:audit", permissions=("accounts.view_securityevent",), order=85),
)
