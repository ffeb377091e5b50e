from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "xiangcun.households"
    label = "households"
    verbose_name = _("Households")
    # Cadres work on its records in their regions: the roles get its permissions (accounts.roles, @business).
    business_records = True

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiangcun.households import models

        # auditlog's masking keeps half of a value in clear: encrypted fields stay out of the change log,
        # their keyed hashes (which change with them) show that they changed without showing them.
        personal = {"exclude_fields": ["updated_at", "id_number", "phone", "health", "disability_grade",
                                       "health_notes"]}
        auditlog.register(models.Household, exclude_fields=["updated_at", "phone"], m2m_fields={"tags"})
        auditlog.register(models.Person, **personal)
        for model in (models.House, models.LandParcel, models.LivestockHolding, models.HouseholdTag):
            auditlog.register(model, exclude_fields=["updated_at"])

        from xiangcun.households import sections

        sections.register()
