from __future__ import annotations

from rest_framework import serializers

from xiangcun.accounts.models import User
from xiangcun.core.api import ScopedReadOnlyViewSet, ScopedRelatedField, ScopedSlugRelatedField, ScopedViewSet, router
from xiangcun.regions import services
from xiangcun.regions.choices import Level
from xiangcun.regions.filtersets import GridFilterSet, RegionFilterSet
from xiangcun.regions.models import Grid, Region


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


router.register("regions", RegionViewSet, basename="region")
router.register("grids", GridViewSet, basename="grid")
