"""户情: households, their members, houses, land and livestock (income and work: ``livelihoods``; the
低收入人口 register and 防返贫 monitoring: ``monitoring``).

Every row reaches a village through its household (``scope_code_lookup``); villagers reach their
own household through the member linked to their account (``scope_owner_lookup``). Reference
tables (tags) are county configuration, readable by every signed-in user.
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


class HouseholdOwnedModel(TimeStampedModel):
    """A row that belongs to one household (a member, a house, a parcel, a year's income …).

    The subclass declares its ``household`` foreign key (with its own ``related_name``); the base gives the scope
    every such row shares: cadres reach it through the household's village (``restrict()``), a villager reaches
    the rows of their own household (``scope_owner_lookup``: the household of the member linked to the account).
    """

    scope_code_lookup = "household__region__code"
    scope_owner_lookup = "household__members__account"
    objects = ScopedManager()

    class Meta:
        abstract = True


class Person(HouseholdOwnedModel):
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


class PersonEvent(HouseholdOwnedModel):
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

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class House(HouseholdOwnedModel):
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


class LandParcel(HouseholdOwnedModel):
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

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")

    def __str__(self) -> str:
        return f"{self.get_land_type_display()} {self.area_mu} 亩"


class LivestockHolding(HouseholdOwnedModel):
    """畜禽存栏 — heads of one kind of livestock a household keeps."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="livestock")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.Livestock.choices)
    heads = models.PositiveIntegerField(_("heads"))
    counted_on = models.DateField(_("counted on"), null=True, blank=True)

    class Meta:
        ordering = ["household", "kind"]
        constraints = [models.UniqueConstraint(fields=["household", "kind"], name="livestock_unique_kind")]
        verbose_name = _("livestock holding")
        verbose_name_plural = _("livestock holdings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.heads}"
