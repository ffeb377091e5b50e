from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from xiangcun.accounts.models import User
from xiangcun.core.api import ScopedReadOnlyViewSet, ScopedRelatedField, ScopedSlugRelatedField, ScopedViewSet, router
from xiangcun.regions import services
from xiangcun.regions.choices import Level
from xiangcun.regions.filtersets import FacilityFilterSet, GridFilterSet, RegionFilterSet
from xiangcun.regions.models import Facility, Grid, Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level_name = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "level_name", "parent", "centroid_lat", "centroid_lng",
                  "enabled"]


class RegionDetailSerializer(RegionSerializer):
    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "boundary"]


class RegionViewSet(ScopedReadOnlyViewSet):
    """The administrative tree inside the caller's regions; filter by parent, level and code prefix."""

    queryset = Region.objects.select_related("parent").order_by("code")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"(?:\d{2}|\d{4}|\d{6}|\d{9}|\d{12}|\d{15})"  # a division code

    def get_serializer_class(self):
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer


class GridSerializer(serializers.ModelSerializer):
    village = ScopedSlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=Level.VILLAGE))
    workers = ScopedRelatedField(queryset=User.objects.all(), many=True, required=False)

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "village", "boundary", "workers"]


class GridViewSet(ScopedViewSet):
    """网格: created, changed and deleted through regions.services."""

    queryset = Grid.objects.select_related("village").prefetch_related("workers").order_by("code")
    serializer_class = GridSerializer
    filterset_class = GridFilterSet

    def create_object(self, *, actor, data):
        return services.grid_create(actor=actor, village=data["village"], code=data["code"], name=data["name"],
                                    boundary=data.get("boundary"), workers=data.get("workers", ()))

    def update_object(self, *, actor, instance, data):
        return services.grid_update(actor=actor, grid=instance, name=data.get("name", instance.name),
                                    boundary=data.get("boundary", instance.boundary),
                                    workers=data.get("workers", list(instance.workers.all())))

    def delete_object(self, *, actor, instance):
        services.grid_delete(actor=actor, grid=instance)


class FacilitySerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=Level.VILLAGE))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    coordinate_system = serializers.ChoiceField(choices=["wgs84", "gcj02"], default="wgs84", write_only=True)
    photos = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "region", "kind", "kind_label", "name", "latitude", "longitude", "coordinate_system",
                  "description", "contact", "active", "photos", "url", "created_at", "updated_at"]
        read_only_fields = ["active", "created_at", "updated_at"]

    def get_photos(self, facility) -> list[dict]:
        return [{"id": photo.pk, "thumbnail": reverse("regions:facility-photo", args=[photo.pk, "thumb"]),
                 "image": reverse("regions:facility-photo", args=[photo.pk, "full"])}
                for photo in facility.photos.all()]


class FacilityViewSet(ScopedViewSet):
    """公共设施: created and changed through regions.services; ``POST …/deactivate/`` takes one out of service.

    Photos are uploaded on the facility's page (multipart); the API lists them.
    """

    queryset = Facility.objects.select_related("region").prefetch_related("photos").order_by("id")
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet
    extra_action_permissions = {"deactivate": "change"}

    def create_object(self, *, actor, data):
        return services.facility_create(
            actor=actor, village=data["region"], kind=data["kind"], name=data["name"], latitude=data["latitude"],
            longitude=data["longitude"], coordinate_system=data.get("coordinate_system", "wgs84"),
            description=data.get("description", ""), contact=data.get("contact", ""))

    def update_object(self, *, actor, instance, data):
        return services.facility_update(
            actor=actor, facility=instance, village=data.get("region", instance.region),
            kind=data.get("kind", instance.kind), name=data.get("name", instance.name),
            latitude=data.get("latitude", instance.latitude), longitude=data.get("longitude", instance.longitude),
            coordinate_system=data.get("coordinate_system", "wgs84") if "latitude" in data else "wgs84",
            description=data.get("description", instance.description),
            contact=data.get("contact", instance.contact))

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        facility = services.facility_deactivate(actor=request.user, facility=self.get_object())
        return Response(self.get_serializer(facility).data)


router.register("regions", RegionViewSet, basename="region")
router.register("grids", GridViewSet, basename="grid")
router.register("facilities", FacilityViewSet, basename="facility")
