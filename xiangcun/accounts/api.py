from __future__ import annotations

from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from xiangcun.accounts.models import RoleAssignment, User
from xiangcun.core.api import ScopedReadOnlyViewSet, router


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.code")
    role_name = serializers.CharField(source="role.name")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.display_name")

    class Meta:
        model = RoleAssignment
        fields = ["role", "role_name", "region", "region_name"]


class UserSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)
    roles = RoleAssignmentSerializer(source="role_assignments", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone", "department", "is_active", "elder_mode", "roles"]


class UserViewSet(ScopedReadOnlyViewSet):
    """Users whose roles lie in the caller's regions; phones masked."""

    queryset = User.objects.prefetch_related("role_assignments__role", "role_assignments__region").order_by("id")
    serializer_class = UserSerializer
    filterset_fields = ["is_active"]

    @action(detail=False, methods=["get"], url_path="me")
    def me(self, request):
        return Response(UserSerializer(request.user).data)

    def get_permissions(self):
        if self.action == "me":
            from rest_framework.permissions import IsAuthenticated

            return [IsAuthenticated()]
        return super().get_permissions()


router.register("users", UserViewSet, basename="user")
