"""The 低收入人口 register and 防返贫 monitoring: categories and monitoring lines (county configuration), the
register, the nightly risk warnings, risk clues, monitoring cases with their timeline, objections and measures.

The models came from ``households`` and kept their tables (``db_table``); they reach a village through their
household or case (``scope_code_lookup``); villagers reach what concerns their own household.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import RegionScopedModel, ScopedManager, TimeStampedModel
from xiangcun.households.models import Household, HouseholdOwnedModel
from xiangcun.monitoring import choices

MONEY = {"max_digits": 12, "decimal_places": 2}


class LowIncomeCategory(models.Model):
    """低收入人口类型 — one register, typed: 防止返贫监测对象 (three kinds), 低保, 特困供养, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    is_monitoring = models.BooleanField(_("monitoring object against relapse into poverty"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "households_lowincomecategory"  # the table it had in households (moved in state only)
        ordering = ["order", "code"]
        verbose_name = _("low-income category")
        verbose_name_plural = _("low-income categories")

    def __str__(self) -> str:
        return self.name


class MonitoringLine(models.Model):
    """防返贫监测线 — per province and year, never a constant; with the thresholds of the early warning."""

    province_code = models.CharField(_("province code"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("per-capita net income line (yuan/year)"), **MONEY)
    near_ratio = models.DecimalField(
        _("'near the line' up to this multiple of it"), max_digits=4, decimal_places=2, default=Decimal("1.20"),
        validators=[MinValueValidator(Decimal("1.00"))],
    )
    drop_percent = models.PositiveSmallIntegerField(
        _("warn on a per-capita drop of at least (%)"), default=30, validators=[MaxValueValidator(100)]
    )
    notice_days = models.PositiveSmallIntegerField(_("public notice days"), default=5,
                                                   validators=[MinValueValidator(1), MaxValueValidator(30)])

    class Meta:
        db_table = "households_monitoringline"  # the table it had in households (moved in state only)
        ordering = ["province_code", "-year"]
        constraints = [models.UniqueConstraint(fields=["province_code", "year"], name="monitoring_line_unique")]
        verbose_name = _("monitoring line")
        verbose_name_plural = _("monitoring lines")

    def __str__(self) -> str:
        return f"{self.province_code} {self.year}: {self.amount}"


class RiskFlag(TimeStampedModel):
    """预警 — the nightly early warning of one household: its signals and the figures behind them."""

    household = models.OneToOneField(Household, verbose_name=_("household"), on_delete=models.CASCADE,
                                     related_name="risk")
    computed_on = models.DateField(_("computed on"))
    level = models.PositiveSmallIntegerField(_("risk level"), default=1, db_index=True)
    signals = models.JSONField(_("signals"), default=list)
    per_capita = models.DecimalField(_("per-capita net income"), **MONEY, null=True, blank=True)
    line = models.DecimalField(_("monitoring line"), **MONEY, null=True, blank=True)

    scope_code_lookup = "household__region__code"
    objects = ScopedManager()

    class Meta:
        db_table = "households_riskflag"  # the table it had in households (moved in state only)
        ordering = ["-level", "household"]
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")

    def __str__(self) -> str:
        return f"{self.household} {self.level}"

    def get_absolute_url(self) -> str:
        return self.household.get_absolute_url()


class RiskClue(HouseholdOwnedModel):
    """风险线索 — a reported risk of a household: its own declaration, a cadre's check, department data."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="clues")
    source = models.CharField(_("source"), max_length=20, choices=choices.ClueSource.choices)
    signal = models.CharField(_("risk"), max_length=20, choices=choices.RiskSignal.choices)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("amount involved (yuan)"), **MONEY, null=True, blank=True)
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=choices.ClueStatus.choices,
                              default=choices.ClueStatus.OPEN, db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    case = models.ForeignKey("MonitoringCase", verbose_name=_("case"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="clues")

    class Meta:
        db_table = "households_riskclue"  # the table it had in households (moved in state only)
        ordering = ["-created_at"]
        verbose_name = _("risk clue")
        verbose_name_plural = _("risk clues")

    def __str__(self) -> str:
        return f"{self.household} {self.get_signal_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.household.get_absolute_url()}#clue-{self.uuid}"


class MonitoringCase(RegionScopedModel):
    """监测帮扶 case — one household's way through 纳入 (inclusion) or 风险消除 (elimination).

    ``region`` is the household's village. The state changes only through
    ``services.case_transition`` (compare-and-set plus a timeline row).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="cases")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.CaseKind.choices,
                            default=choices.CaseKind.INCLUSION)
    category = models.ForeignKey(LowIncomeCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=choices.CaseState.choices,
                             default=choices.CaseState.CLUE, db_index=True)
    summary = models.TextField(_("risk described"), blank=True)
    consent_signed_on = models.DateField(_("consent to data checks signed on"), null=True, blank=True)
    comparison = models.TextField(_("result of the information comparison"), blank=True)
    deliberation = models.TextField(_("result of the democratic review"), blank=True)
    notice_days = models.PositiveSmallIntegerField(_("public notice days"), default=5)
    notice_started_on = models.DateField(_("notice started on"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    inclusion = models.ForeignKey("self", verbose_name=_("inclusion case"), on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="eliminations")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        db_table = "households_monitoringcase"  # the table it had in households (moved in state only)
        ordering = ["-created_at"]
        verbose_name = _("monitoring case")
        verbose_name_plural = _("monitoring cases")
        permissions = [
            ("review_township_monitoringcase", _("Can review monitoring cases for the township")),
            ("approve_county_monitoringcase", _("Can approve monitoring cases for the county")),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_kind_display()} {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:case-detail", kwargs={"uuid": self.uuid})


class CaseEvent(models.Model):
    """监测帮扶 timeline — an immutable row per step: who, when, from, to, what was said."""

    case = models.ForeignKey(MonitoringCase, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=choices.CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=choices.CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    scope_code_lookup = "case__region__code"
    objects = ScopedManager()

    class Meta:
        db_table = "households_caseevent"  # the table it had in households (moved in state only)
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"


class NoticeObjection(TimeStampedModel):
    """公示异议 — an objection raised during the public notice; it pauses the notice until decided."""

    case = models.ForeignKey(MonitoringCase, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=50)
    content = models.TextField(_("objection"))
    status = models.CharField(_("status"), max_length=20, choices=choices.ObjectionStatus.choices,
                              default=choices.ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    scope_code_lookup = "case__region__code"
    objects = ScopedManager()

    class Meta:
        db_table = "households_noticeobjection"  # the table it had in households (moved in state only)
        ordering = ["-created_at"]
        verbose_name = _("notice objection")
        verbose_name_plural = _("notice objections")

    def __str__(self) -> str:
        return f"{self.raised_by}: {self.content[:30]}"


class AssistanceMeasure(TimeStampedModel):
    """帮扶措施 — a typed measure for a monitored household, with dates and the responsible cadre."""

    case = models.ForeignKey(MonitoringCase, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="measures")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.MeasureKind.choices)
    description = models.CharField(_("description"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible cadre"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    responsible_name = models.CharField(_("responsible cadre"), max_length=50)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=choices.MeasureStatus.choices,
                              default=choices.MeasureStatus.ACTIVE)

    scope_code_lookup = "case__region__code"
    objects = ScopedManager()

    class Meta:
        db_table = "households_assistancemeasure"  # the table it had in households (moved in state only)
        ordering = ["start_date", "id"]
        verbose_name = _("assistance measure")
        verbose_name_plural = _("assistance measures")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class LowIncomeRegistration(HouseholdOwnedModel):
    """低收入人口 register entry — a household of a category from a date until a date (history kept)."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="registrations")
    category = models.ForeignKey(LowIncomeCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="registrations")
    start_date = models.DateField(_("included on"))
    end_date = models.DateField(_("removed on"), null=True, blank=True, db_index=True)
    case = models.ForeignKey(MonitoringCase, verbose_name=_("case"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="registrations")
    end_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)

    class Meta:
        db_table = "households_lowincomeregistration"  # the table it had in households (moved in state only)
        ordering = ["-start_date", "-id"]
        verbose_name = _("low-income registration")
        verbose_name_plural = _("low-income registrations")

    def __str__(self) -> str:
        return f"{self.household} {self.category} {self.start_date}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None

