from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """The 低收入人口 register and 防返贫 monitoring."""

    name = "xiangcun.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring against relapse into poverty")
    # Cadres work on its records in their regions: the roles get its permissions (accounts.roles, @business).
    business_records = True

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.monitoring import models

        for model in (models.RiskClue, models.MonitoringCase, models.NoticeObjection, models.AssistanceMeasure,
                      models.LowIncomeRegistration, models.LowIncomeCategory, models.MonitoringLine):
            auditlog.register(model, exclude_fields=["updated_at"])

        from xiangcun.monitoring import sections

        sections.register()
