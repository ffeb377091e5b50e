from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiangcun.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.accounts import receivers  # noqa: F401  (login / logout / failure events)
        from xiangcun.accounts.models import Role, RoleAssignment, User
        from xiangcun.accounts.roles import sync_roles

        auditlog.register(
            User,
            # auditlog's masking keeps half of a value in clear; the hash shows a change without the number.
            exclude_fields=["password", "last_login", "updated_at", "phone"],
        )
        auditlog.register(RoleAssignment)
        auditlog.register(Role)
        post_migrate.connect(sync_roles, dispatch_uid="xiangcun.sync_roles")
