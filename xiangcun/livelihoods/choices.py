"""Choices of income estimation and 务工 (migrant work)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    """收入测算 rule kinds: what the rule multiplies."""

    CROP = "crop", _("per mu of a crop")
    LIVESTOCK = "livestock", _("per head of livestock")
    WORK = "work", _("per month of work")


class WorkPlace(models.TextChoices):
    """Where a person works, seen from the home county."""

    IN_COUNTY = "in_county", _("inside the county")
    IN_PROVINCE = "in_province", _("outside the county, inside the province")
    OUT_PROVINCE = "out_province", _("outside the province")


class Industry(models.TextChoices):
    CONSTRUCTION = "construction", _("construction")
    MANUFACTURING = "manufacturing", _("manufacturing")
    SERVICES = "services", _("services")
    CATERING = "catering", _("catering and lodging")
    TRANSPORT = "transport", _("transport and logistics")
    AGRICULTURE = "agriculture", _("agriculture")
    MINING = "mining", _("mining")
    PUBLIC_WELFARE = "public_welfare", _("public-welfare post")
    OTHER = "other", _("other industry")


class CollectionMethod(models.TextChoices):
    SELF_REPORT = "self_report", _("reported by the person")
    GRID_WORKER = "grid_worker", _("recorded by a grid worker")
    IMPORT = "import", _("imported from Excel")
    DEPARTMENT = "department", _("department data")

