from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivelihoodsConfig(AppConfig):
    """Income and 务工 (migrant work) of the registered households."""

    name = "xiangcun.livelihoods"
    label = "livelihoods"
    verbose_name = _("Income and migrant work")
    # Cadres work on its records in their regions: the roles get its permissions (accounts.roles, @business).
    business_records = True

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.livelihoods import models

        for model in (models.IncomeRecord, models.Employment, models.IncomeRule):
            auditlog.register(model, exclude_fields=["updated_at"])

        from xiangcun.livelihoods import sections

        sections.register()
