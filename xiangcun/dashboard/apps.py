from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "xiangcun.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
    # Cadres work on its records in their regions: the roles get its permissions (accounts.roles, @business).
    business_records = True
