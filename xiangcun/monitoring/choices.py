"""Choices of the 低收入人口 register and the 防返贫 monitoring workflow."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClueSource(models.TextChoices):
    """Where a 风险线索 comes from."""

    SYSTEM = "system", _("early warning")
    SELF_DECLARATION = "self_declaration", _("household's own declaration")
    CADRE_CHECK = "cadre_check", _("cadre's check")
    DEPARTMENT = "department", _("department data")


class RiskSignal(models.TextChoices):
    BELOW_LINE = "below_line", _("income below the monitoring line")
    NEAR_LINE = "near_line", _("income near the monitoring line")
    INCOME_DROP = "income_drop", _("sharp drop in income")
    SERIOUS_ILLNESS = "serious_illness", _("serious illness")
    NEW_DISABILITY = "new_disability", _("new disability")
    DISASTER = "disaster", _("natural disaster or accident")
    LARGE_EXPENSE = "large_expense", _("large sudden expense")
    LOST_WORK = "lost_work", _("loss of work")
    DANGEROUS_HOUSE = "dangerous_house", _("dangerous house")
    OTHER = "other", _("other difficulty")


class ClueStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_CASE = "in_case", _("under verification")
    DISMISSED = "dismissed", _("dismissed")


class CaseKind(models.TextChoices):
    INCLUSION = "inclusion", _("inclusion in monitoring")
    ELIMINATION = "elimination", _("risk elimination")


class CaseState(models.TextChoices):
    """States of a monitoring case (防返贫 workflow); see workflow.py for the transitions."""

    CLUE = "clue", _("risk clue")
    VERIFYING = "verifying", _("home verification")
    COMPARING = "comparing", _("information comparison")
    DELIBERATION = "deliberation", _("village democratic review")
    NOTICE = "notice", _("public notice")
    NOTICE_PAUSED = "notice_paused", _("notice paused for recheck")
    TOWNSHIP_REVIEW = "township_review", _("township review")
    COUNTY_REVIEW = "county_review", _("county approval")
    ASSISTING = "assisting", _("assistance")
    ELIMINATED = "eliminated", _("risk eliminated")
    REJECTED = "rejected", _("not included")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld")
    DISMISSED = "dismissed", _("dismissed")


class MeasureKind(models.TextChoices):
    """帮扶措施 types."""

    INDUSTRY = "industry", _("industry support")
    EMPLOYMENT = "employment", _("employment support")
    PUBLIC_POST = "public_post", _("public-welfare post")
    MICROCREDIT = "microcredit", _("micro-credit")
    EDUCATION = "education", _("education support")
    HEALTH = "health", _("health support")
    HOUSING = "housing", _("housing safety")
    SOCIAL_SECURITY = "social_security", _("social assistance")
    CONSUMPTION = "consumption", _("consumption support")
    OTHER = "other", _("other measure")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("in progress")
    DONE = "done", _("completed")

