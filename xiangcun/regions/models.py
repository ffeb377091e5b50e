"""The administrative tree (county › township › village › group) and grids (网格)."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import RegionScopedModel, ScopedManager, ScopedQuerySet, TimeStampedModel
from xiangcun.core.scoping import prefix_q, user_scope
from xiangcun.regions.choices import CODE_LENGTH, FacilityKind, Level


class RegionQuerySet(ScopedQuerySet):
    def under(self, code: str, *, include_self: bool = True) -> RegionQuerySet:
        """Everything below ``code`` (a range on the indexed code column)."""
        queryset = self.filter(prefix_q("code", code))
        return queryset if include_self else queryset.exclude(code=code)

    def top_level(self) -> RegionQuerySet:
        """The highest regions of this queryset: those whose parent is not in it."""
        return self.exclude(parent__in=self.values("pk")).order_by("code")

    def where_may_report(self, user) -> RegionQuerySet:
        """The regions where ``user`` may report a problem and whose outlines their map draws — the one rule for
        the report form, the place picker and the boundaries endpoint.

        Staff: the regions ``restrict()`` gives them. A villager's role reaches only their own rows and a region
        has no owner, so ``restrict()`` gives a villager nothing; but village names and outlines are public
        geography and a villager reports wherever they are, so they get every region of their county.
        """
        scope = user_scope(user, "regions.view_region")
        if not scope.own_rows:
            return self.restrict(user, "view")
        county_length = CODE_LENGTH[Level.COUNTY]
        counties = {a.region.code[:county_length] for a in user.cached_assignments if a.role.self_only}
        condition = models.Q(pk__in=[])
        for code in (*scope.codes, *counties):
            condition |= prefix_q("code", code)
        return self.filter(condition)


class Region(TimeStampedModel):
    """行政区划 — one node of the administrative tree; ``code`` is the statistical division code.

    The code is a materialized path: a descendant's code starts with its ancestor's code, so
    "everything under X" is a prefix (range) query on one index.
    """

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("official name"), max_length=100)
    short_name = models.CharField(_("name"), max_length=60, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lng = models.FloatField(_("centroid longitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    scope_code_lookup = "code"

    objects = models.Manager.from_queryset(RegionQuerySet)()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="region_parent_code")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:region-detail", args=[self.code])

    @property
    def centroid(self) -> tuple[float, float] | None:
        """(longitude, latitude) in WGS84 / CGCS2000, or None when no geometry is known."""
        if self.centroid_lat is None or self.centroid_lng is None:
            return None
        return (self.centroid_lng, self.centroid_lat)

    @property
    def boundary_json(self) -> str:
        """The boundary as JSON text for a page's inline map data (numbers only, safe to embed)."""
        return json.dumps(self.boundary, separators=(",", ":")) if self.boundary else "null"

    def ancestors(self) -> list[Region]:
        """From the top of the tree down to the parent, in one query."""
        from xiangcun.regions.choices import CODE_LENGTH

        prefixes = [self.code[:length] for length in CODE_LENGTH.values() if length < len(self.code)]
        return list(Region.objects.filter(code__in=prefixes).order_by("code"))


class Grid(TimeStampedModel):
    """网格 — a patrol area inside one village, looked after by its grid workers (网格员)."""

    code = models.CharField(_("grid code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="grids",
        limit_choices_to={"level": Level.VILLAGE},
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("grid workers"), blank=True, related_name="grids"
    )

    scope_code_lookup = "village__code"

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:grid-detail", args=[self.pk])

    @property
    def region(self) -> Region:
        return self.village


class Facility(RegionScopedModel):
    """公共设施 — a point of interest of a village (村委会, 卫生室, 学校, 机井 …) shown on the map.

    ``region`` is the village; the position is WGS84 / CGCS2000 like every stored coordinate.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=60)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    active = models.BooleanField(_("in service"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["region__code", "kind", "name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="facility_lat_lng")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:facility-detail", args=[self.pk])


class FacilityPhoto(models.Model):
    """设施照片 — a decoded, EXIF-stripped photo of a facility with its thumbnail."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="photos")
    image = models.ImageField(_("photo"), upload_to="facilities/%Y/%m/", width_field="width",
                              height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="facilities/%Y/%m/thumbs/")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_code_lookup = "facility__region__code"
    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("facility photo")
        verbose_name_plural = _("facility photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.facility} #{self.pk}"
