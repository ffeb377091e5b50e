from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from xiangcun.core import schema  # noqa: F401  (registers the OpenAPI filter extension)
