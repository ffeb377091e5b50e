"""Base models and the scoped queryset every region-owned model uses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.scoping import permission_name, scope_q, user_scope


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the one scope: ``Model.objects.restrict(user, "view")``."""

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows of this queryset that ``user`` may ``action``; none when the user lacks the permission.

        This is the only place where rows are limited by region (DESIGN.md §1). Views, the API and
        services call it; nothing filters by region by hand.
        """
        scope = user_scope(user, permission_name(self.model, action))
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        condition = scope_q(self.model, scope, user)
        if condition is None:
            return self.none()
        queryset = self.filter(condition)
        if getattr(self.model, "scope_distinct", False):
            queryset = queryset.distinct()
        return queryset


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class TimeStampedModel(models.Model):
    """Creation and change times on every business row."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class RegionScopedModel(TimeStampedModel):
    """A row owned by a region: visible to users whose assigned regions contain that region."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )

    scope_code_lookup = "region__code"

    objects = ScopedManager()

    class Meta:
        abstract = True


class SystemSetting(models.Model):
    """A named platform-wide value (e.g. whether demo data is loaded)."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("system setting")
        verbose_name_plural = _("system settings")

    def __str__(self) -> str:
        return self.key

    @classmethod
    def get(cls, key: str, default=None):
        row = cls.objects.filter(key=key).values_list("value", flat=True).first()
        return default if row is None else row

    @classmethod
    def put(cls, key: str, value) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})
