"""Income and 务工 (migrant work) of the registered households: the county's estimation rules, each household's
declared yearly income and each person's jobs.

The models came from ``households`` and kept their tables (``db_table``); they reach a village through their
household (``scope_code_lookup``) and a villager through the member linked to their account.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import ScopedManager, TimeStampedModel
from xiangcun.households.models import Household, HouseholdOwnedModel, Person
from xiangcun.livelihoods import choices

MONEY = {"max_digits": 12, "decimal_places": 2}


class IncomeRule(models.Model):
    """收入测算规则 — what a mu of a crop, a head of livestock or a month of work earns, per county."""

    county_code = models.CharField(_("county code"), max_length=6, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.RuleKind.choices)
    item = models.CharField(_("item"), max_length=40, help_text=_("crop name, livestock kind or place of work"))
    unit_yield = models.DecimalField(_("yield per unit (kg)"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(_("price (yuan/kg)"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit_income = models.DecimalField(_("income per unit (yuan)"), **MONEY, null=True, blank=True,
                                      help_text=_("used when yield and price are not given"))
    unit_cost = models.DecimalField(_("cost per unit (yuan)"), **MONEY, default=Decimal("0"))
    active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        db_table = "households_incomerule"  # the table it had in households (moved in state only)
        ordering = ["county_code", "kind", "item"]
        constraints = [models.UniqueConstraint(fields=["county_code", "kind", "item"], name="income_rule_unique")]
        verbose_name = _("income estimation rule")
        verbose_name_plural = _("income estimation rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item}"

    @property
    def net_per_unit(self) -> Decimal:
        """Net income of one unit (mu, head or month): yield × price (or the fixed income) minus cost."""
        if self.unit_yield is not None and self.unit_price is not None:
            gross = self.unit_yield * self.unit_price
        else:
            gross = self.unit_income or Decimal("0")
        return gross - (self.unit_cost or Decimal("0"))


class IncomeRecord(HouseholdOwnedModel):
    """家庭收入 — a household's declared income of one year in the national categories."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    family_size = models.PositiveSmallIntegerField(_("persons counted"), validators=[MinValueValidator(1)])
    wage_income = models.DecimalField(_("wage income"), **MONEY, default=Decimal("0"))
    business_income = models.DecimalField(_("production and business income"), **MONEY, default=Decimal("0"))
    business_expense = models.DecimalField(_("production and business expenses"), **MONEY, default=Decimal("0"))
    property_income = models.DecimalField(_("net property income"), **MONEY, default=Decimal("0"))
    transfer_income = models.DecimalField(_("net transfer income"), **MONEY, default=Decimal("0"))
    net_income = models.DecimalField(_("net income"), **MONEY, default=Decimal("0"), editable=False)
    per_capita = models.DecimalField(_("per-capita net income"), **MONEY, default=Decimal("0"), editable=False,
                                     db_index=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        db_table = "households_incomerecord"  # the table it had in households (moved in state only)
        ordering = ["household", "-year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="income_record_unique_year")]
        verbose_name = _("income record")
        verbose_name_plural = _("income records")

    def __str__(self) -> str:
        return f"{self.year}: {self.net_income}"

    @property
    def business_net(self) -> Decimal:
        """经营净收入 = 生产经营收入 − 生产经营支出."""
        return self.business_income - self.business_expense

    def compute(self) -> None:
        self.net_income = self.wage_income + self.business_net + self.property_income + self.transfer_income
        self.per_capita = (self.net_income / self.family_size).quantize(Decimal("0.01")) if self.family_size else 0

    def save(self, *args, **kwargs) -> None:
        self.compute()
        super().save(*args, **kwargs)


class Employment(TimeStampedModel):
    """务工 — a person's work: where, in what, for whom, from when to when, for how much."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="jobs")
    destination_code = models.CharField(_("destination division code"), max_length=12, blank=True, db_index=True)
    destination_province = models.CharField(_("province"), max_length=40)
    destination_city = models.CharField(_("city"), max_length=40, blank=True)
    destination_county = models.CharField(_("county"), max_length=40, blank=True)
    place = models.CharField(_("place of work"), max_length=20, choices=choices.WorkPlace.choices, db_index=True)
    industry = models.CharField(_("industry"), max_length=20, choices=choices.Industry.choices, db_index=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    job = models.CharField(_("job"), max_length=50, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    monthly_income = models.DecimalField(_("monthly income (yuan)"), **MONEY, default=Decimal("0"))
    method = models.CharField(_("collected"), max_length=20, choices=choices.CollectionMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    scope_code_lookup = "person__household__region__code"
    scope_owner_lookup = "person__household__members__account"
    objects = ScopedManager()

    class Meta:
        db_table = "households_employment"  # the table it had in households (moved in state only)
        ordering = ["-start_date", "-id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")

    def __str__(self) -> str:
        return f"{self.person} {self.destination_province}{self.destination_city} {self.start_date}"

    def get_absolute_url(self) -> str:
        """The job in its household's dossier (the employment section)."""
        return f"{self.person.household.get_absolute_url()}#employment-{self.pk}"

    def months_in(self, year: int) -> int:
        """Whole or started months of this job that fall in ``year`` (a job ending mid-month counts it)."""
        start = max(self.start_date, date(year, 1, 1))
        end = min(self.end_date or date(year, 12, 31), date(year, 12, 31))
        if end < start:
            return 0
        return (end.year - start.year) * 12 + end.month - start.month + 1

