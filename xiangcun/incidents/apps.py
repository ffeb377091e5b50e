from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "xiangcun.incidents"
    label = "incidents"
    verbose_name = _("Incidents")
    # Cadres work on its records in their regions: the roles get its permissions (accounts.roles, @business).
    business_records = True

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.incidents import models

        # The reporter's phone is encrypted: out of the change log; its keyed hash shows that it changed.
        auditlog.register(models.Incident, exclude_fields=["updated_at", "reporter_phone"])
        for model in (models.Category, models.DispatchRule, models.Patrol, models.Open311Key):
            auditlog.register(model, exclude_fields=["updated_at"])

        from xiangcun.incidents import sections

        sections.register()
