"""Choices of the household registry (户情)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("registered")
    CANCELLED = "cancelled", _("cancelled")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Relation(models.TextChoices):
    """与户主关系."""

    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    CHILD_IN_LAW = "child_in_law", _("child-in-law")
    GRANDCHILD = "grandchild", _("grandchild")
    PARENT = "parent", pgettext_lazy("relation to the head", "parent")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("sibling")
    OTHER = "other", _("other relative")


class Ethnicity(models.TextChoices):
    HAN = "han", _("Han")
    TIBETAN = "tibetan", _("Tibetan")
    HUI = "hui", _("Hui")
    OTHER = "other", _("other ethnicity")


class Education(models.TextChoices):
    PRESCHOOL = "preschool", _("pre-school")
    ILLITERATE = "illiterate", _("illiterate or semi-literate")
    PRIMARY = "primary", _("primary school")
    JUNIOR = "junior", _("junior middle school")
    SENIOR = "senior", _("senior middle school")
    VOCATIONAL = "vocational", _("vocational school")
    COLLEGE = "college", _("college")
    BACHELOR = "bachelor", _("bachelor or above")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("healthy")
    CHRONIC = "chronic", _("long-term chronic illness")
    SERIOUS = "serious", _("serious illness")
    DISABLED = "disabled", pgettext_lazy("health", "disabled")  # not the account status "disabled" (停用)


class DisabilityGrade(models.IntegerChoices):
    ONE = 1, _("grade 1")
    TWO = 2, _("grade 2")
    THREE = 3, _("grade 3")
    FOUR = 4, _("grade 4")


class LabourAbility(models.TextChoices):
    NORMAL = "normal", _("ordinary labour force")
    WEAK = "weak", _("weak labour force")
    LOST = "lost", _("lost labour ability")
    NONE = "none", _("no labour force")


WORKING_AGE = 16  # 劳动法 art. 15: nobody younger may be employed


def default_labour_ability(birth_date: date, on: date) -> str:
    """劳动能力 of a person when nobody recorded one: under the working age 无劳动力 (``NONE``, the only choice
    that fits a child), from 16 on 普通劳动力 until a cadre records a weaker ability."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return LabourAbility.NONE if age < WORKING_AGE else LabourAbility.NORMAL


class PersonStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    MOVED_OUT = "moved_out", _("moved out")
    DECEASED = "deceased", _("deceased")


class PersonEventKind(models.TextChoices):
    """Dated events of a household's membership: nothing is edited away."""

    REGISTERED = "registered", _("registered")
    BORN = "born", _("born")
    MOVED_IN = "moved_in", _("moved in")
    MOVED_OUT = "moved_out", _("moved out")
    DIED = "died", _("died")
    SPLIT = "split", _("household split")
    MERGED = "merged", _("households merged")
    HEAD_CHANGED = "head_changed", _("head of household changed")


class HouseStructure(models.TextChoices):
    STEEL_CONCRETE = "steel_concrete", _("reinforced concrete")
    BRICK_CONCRETE = "brick_concrete", _("brick and concrete")
    BRICK_WOOD = "brick_wood", _("brick and wood")
    EARTH_WOOD = "earth_wood", _("earth and wood")
    STONE_WOOD = "stone_wood", _("stone and wood")
    OTHER = "other", _("other structure")


class SafetyRating(models.TextChoices):
    """住房安全等级 A–D; C and D are 危房."""

    A = "A", _("A (safe)")
    B = "B", _("B (basically safe)")
    C = "C", _("C (partly dangerous)")
    D = "D", _("D (dangerous)")


DANGEROUS_RATINGS = (SafetyRating.C, SafetyRating.D)


class LandType(models.TextChoices):
    CULTIVATED = "cultivated", _("cultivated land")
    FOREST = "forest", _("forest land")
    GARDEN = "garden", _("garden land")
    HOMESTEAD = "homestead", _("homestead")
    GRASSLAND = "grassland", _("grassland")
    OTHER = "other", _("other land")


class Livestock(models.TextChoices):
    BLACK_PIG = "black_pig", _("black native pig")
    TIBETAN_CHICKEN = "tibetan_chicken", _("Tibetan chicken")
    CATTLE = "cattle", _("cattle")
    YAK = "yak", _("yak")
    SHEEP = "sheep", _("sheep")
    GOAT = "goat", _("goat")
    BEE = "bee", _("bee colonies")
    OTHER = "other", _("other livestock")


