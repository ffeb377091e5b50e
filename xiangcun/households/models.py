"""户情: households, their members, houses, land, livestock, income, work and 防返贫 monitoring.

Every row reaches a village through its household (``scope_code_lookup``); villagers reach their
own household through the member linked to their account (``scope_owner_lookup``). Reference
tables (tags, low-income categories, monitoring lines, income rules) are county configuration,
readable by every signed-in user.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiangcun.core.crypto import EncryptedTextField, lookup_hash
from xiangcun.core.masking import mask_id_card, mask_phone
from xiangcun.core.models import RegionScopedModel, ScopedManager, TimeStampedModel
from xiangcun.households import choices

MONEY = {"max_digits": 12, "decimal_places": 2}


# ---------------------------------------------------------------------------------------------
# County configuration


class HouseholdTag(models.Model):
    """户标签 — a county-configurable label (脱贫户, 监测户, 低保户, 独居老人户 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    color = models.CharField(_("colour"), max_length=20, default="blue")
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("household tag")
        verbose_name_plural = _("household tags")

    def __str__(self) -> str:
        return self.name


class LowIncomeCategory(models.Model):
    """低收入人口类型 — one register, typed: 防止返贫监测对象 (three kinds), 低保, 特困供养, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    is_monitoring = models.BooleanField(_("monitoring object against relapse into poverty"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
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
        ordering = ["province_code", "-year"]
        constraints = [models.UniqueConstraint(fields=["province_code", "year"], name="monitoring_line_unique")]
        verbose_name = _("monitoring line")
        verbose_name_plural = _("monitoring lines")

    def __str__(self) -> str:
        return f"{self.province_code} {self.year}: {self.amount}"


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


# ---------------------------------------------------------------------------------------------
# The registry


class Household(RegionScopedModel):
    """户 — a registered rural household, in a village (``region``) and optionally a village group."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("household number"), max_length=32, unique=True)
    group = models.ForeignKey("regions.Region", verbose_name=_("village group"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    grid = models.ForeignKey("regions.Grid", verbose_name=_("grid"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="households")
    address = models.CharField(_("address"), max_length=200, blank=True)
    head = models.ForeignKey("Person", verbose_name=_("head of household"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    head_name = models.CharField(_("name of the head"), max_length=50, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    tags = models.ManyToManyField(HouseholdTag, verbose_name=_("tags"), blank=True, related_name="households")
    status = models.CharField(_("status"), max_length=20, choices=choices.HouseholdStatus.choices,
                              default=choices.HouseholdStatus.ACTIVE, db_index=True)
    member_count = models.PositiveSmallIntegerField(_("members"), default=0)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_owner_lookup = "members__account"

    class Meta:
        ordering = ["number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        permissions = [
            ("export_household", _("Can export households")),
            ("import_household", _("Can import households")),
        ]
        indexes = [models.Index(fields=["region", "number"], name="household_region_number"),
                   # the map's household points for the visible box (dashboard, households/layers.py)
                   models.Index(fields=["latitude", "longitude"], name="household_lat_lng")]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"

    def save(self, *args, **kwargs) -> None:
        self.phone_hash = lookup_hash(self.phone) if self.phone else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("households:household-detail", kwargs={"uuid": self.uuid})

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Person(TimeStampedModel):
    """人口 — a member of a registered household; ID number and phone encrypted, health too."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="members")
    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_number = EncryptedTextField(_("ID number"))
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=choices.Sex.choices)
    birth_date = models.DateField(_("birth date"), db_index=True)
    relation = models.CharField(_("relation to the head"), max_length=20, choices=choices.Relation.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=choices.Ethnicity.choices,
                                 default=choices.Ethnicity.HAN)
    education = models.CharField(_("education"), max_length=20, choices=choices.Education.choices, blank=True)
    # Health is personal data (DESIGN.md §4): the category is encrypted, its keyed hash allows filtering.
    health = EncryptedTextField(_("health"), default=choices.Health.HEALTHY)
    health_hash = models.CharField(max_length=64, db_index=True, editable=False, default="")
    disability_grade = EncryptedTextField(_("disability grade"), blank=True, default="")
    health_notes = EncryptedTextField(_("health notes"), blank=True, default="")
    labour_ability = models.CharField(_("labour ability"), max_length=20, choices=choices.LabourAbility.choices,
                                      default=choices.LabourAbility.NORMAL, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=choices.PersonStatus.choices,
                              default=choices.PersonStatus.REGISTERED, db_index=True)
    status_date = models.DateField(_("status since"), null=True, blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    left_behind = models.BooleanField(_("left-behind child"), default=False)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("platform account"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="person")

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [("reveal_person", _("Can reveal a person's ID number and phone"))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.id_number = (self.id_number or "").strip().upper()
        self.id_number_hash = lookup_hash(self.id_number)
        self.phone_hash = lookup_hash(self.phone) if self.phone else ""
        self.health_hash = lookup_hash(self.health or choices.Health.HEALTHY)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.household.get_absolute_url()}#person-{self.uuid}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_card(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age(self, on: date | None = None) -> int:
        on = on or date.today()
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def get_health_display(self) -> str:
        return str(dict(choices.Health.choices).get(self.health, self.health))


def health_hash(value: str) -> str:
    """The filter value for ``Person.health_hash``."""
    return lookup_hash(value)


class PersonEvent(TimeStampedModel):
    """人口变动 — a dated, immutable membership event: birth, move in/out, death, split, merge."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="events")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=choices.PersonEventKind.choices)
    date = models.DateField(_("date"))
    other_household = models.ForeignKey(Household, verbose_name=_("other household"), on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class House(TimeStampedModel):
    """住房 — a house of a household, with its safety rating and the footprint for the 3D map."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="houses")
    structure = models.CharField(_("structure"), max_length=20, choices=choices.HouseStructure.choices)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1,
                                              validators=[MinValueValidator(1), MaxValueValidator(30)])
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=1,
                                     validators=[MinValueValidator(Decimal("1"))])
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True,
                                                  validators=[MinValueValidator(1800)])
    safety_rating = models.CharField(_("safety rating"), max_length=1, choices=choices.SafetyRating.choices,
                                     default=choices.SafetyRating.A, db_index=True)
    rated_on = models.DateField(_("rated on"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    footprint = models.JSONField(_("footprint (GeoJSON polygon)"), null=True, blank=True)
    height = models.FloatField(_("height (m)"), null=True, blank=True)

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        # the map's 3D houses for the visible box (dashboard, households/layers.py)
        indexes = [models.Index(fields=["latitude", "longitude"], name="house_lat_lng")]

    def __str__(self) -> str:
        return f"{self.get_structure_display()} {self.floor_area} m²"

    @property
    def is_dangerous(self) -> bool:
        return self.safety_rating in choices.DANGEROUS_RATINGS


class LandParcel(TimeStampedModel):
    """地块 — contracted land of a household: type, area in mu, crop, contract and polygon."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="parcels")
    land_type = models.CharField(_("land type"), max_length=20, choices=choices.LandType.choices)
    area_mu = models.DecimalField(_("area (mu)"), max_digits=8, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0.01"))])
    crop = models.CharField(_("crop"), max_length=40, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=50, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    polygon = models.JSONField(_("polygon (GeoJSON)"), null=True, blank=True)

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")

    def __str__(self) -> str:
        return f"{self.get_land_type_display()} {self.area_mu} 亩"


class LivestockHolding(TimeStampedModel):
    """畜禽存栏 — heads of one kind of livestock a household keeps."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="livestock")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.Livestock.choices)
    heads = models.PositiveIntegerField(_("heads"))
    counted_on = models.DateField(_("counted on"), null=True, blank=True)

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        ordering = ["household", "kind"]
        constraints = [models.UniqueConstraint(fields=["household", "kind"], name="livestock_unique_kind")]
        verbose_name = _("livestock holding")
        verbose_name_plural = _("livestock holdings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.heads}"


class IncomeRecord(TimeStampedModel):
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

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
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


# ---------------------------------------------------------------------------------------------
# 低收入人口 register and 防返贫 monitoring


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
        ordering = ["-level", "household"]
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")

    def __str__(self) -> str:
        return f"{self.household} {self.level}"

    def get_absolute_url(self) -> str:
        return self.household.get_absolute_url()


class RiskClue(TimeStampedModel):
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

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
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
        return reverse("households:case-detail", kwargs={"uuid": self.uuid})


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
        ordering = ["start_date", "id"]
        verbose_name = _("assistance measure")
        verbose_name_plural = _("assistance measures")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class LowIncomeRegistration(TimeStampedModel):
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

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("low-income registration")
        verbose_name_plural = _("low-income registrations")

    def __str__(self) -> str:
        return f"{self.household} {self.category} {self.start_date}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None
