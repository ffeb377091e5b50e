from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Levels of the statistical division code (统计用区划代码); the code length gives the level."""

    PROVINCE = 1, _("province")
    CITY = 2, _("city")
    COUNTY = 3, _("county")
    TOWNSHIP = 4, _("township")
    VILLAGE = 5, _("village")
    GROUP = 6, _("village group")


CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.GROUP: 15,
}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}

# Suffixes of official village-level names that people drop when they speak of the place.
NAME_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "委员会")


def short_name(name: str) -> str:
    """杰迪村村民委员会 -> 杰迪村; 城关社区居民委员会 -> 城关社区."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class FacilityKind(models.TextChoices):
    """Kinds of points of interest on the village map (公共设施)."""

    COMMITTEE = "committee", _("village committee")
    CLINIC = "clinic", _("village clinic")
    SCHOOL = "school", _("school")
    SQUARE = "square", _("culture square")
    WELL = "well", _("motor-pumped well")
    SLUICE = "sluice", _("sluice gate")
    PARKING = "parking", _("car park")
    STREETLIGHT = "streetlight", _("street light")
    SHOP = "shop", _("shop")
    TOILET = "toilet", _("public toilet")
    OTHER = "other", _("other")
