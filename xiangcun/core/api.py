"""The API's base classes: one router, one scoped viewset, one error format.

Every viewset of every app derives from ``ScopedViewSet`` (or ``ScopedReadOnlyViewSet``) and is
registered on ``router``; ``get_queryset`` calls ``restrict()``, so a record outside the caller's
regions answers 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, routers, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xiangcun.core.drf import ACTION_BY_METHOD
from xiangcun.core.errors import ServiceError
from xiangcun.core.services import holds_county_level

router = routers.DefaultRouter()


ACTION_BY_VIEW_ACTION = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class ServedMethodsMixin:
    """A method the view does not serve (TRACE, CONNECT …) answers 405 before anything else runs.

    DRF authenticates and checks permissions before it looks for the handler, so without this the
    permission classes were asked about methods they have no action for (TRACE on the configuration
    answered 500).
    """

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class ScopedViewSetMixin(ServedMethodsMixin):
    """``get_queryset`` goes through ``restrict()`` with the action the request performs."""

    extra_action_permissions: dict[str, str] = {}

    def scope_action(self) -> str:
        name = getattr(self, "action", None)
        if name in self.extra_action_permissions:
            return self.extra_action_permissions[name]
        if name in ACTION_BY_VIEW_ACTION:
            return ACTION_BY_VIEW_ACTION[name]
        return ACTION_BY_METHOD.get(self.request.method, "view")

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.scope_action())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "actor": self.request.user}


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ServiceWritesMixin:
    """Writes go through the app's services: subclasses implement ``create_object`` and friends."""

    def perform_create(self, serializer):
        serializer.instance = self.create_object(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.update_object(
            actor=self.request.user, instance=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.delete_object(actor=self.request.user, instance=instance)

    def create_object(self, *, actor, data):
        raise exceptions.MethodNotAllowed("POST")

    def update_object(self, *, actor, instance, data):
        raise exceptions.MethodNotAllowed(self.request.method)

    def delete_object(self, *, actor, instance):
        raise exceptions.MethodNotAllowed("DELETE")


class ScopedViewSet(ScopedViewSetMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    """A region-owned model: reads through ``restrict()``, writes through the app's services."""


class ConfigPermission(permissions.BasePermission):
    """Reference data: every signed-in user reads it; writing needs the model permission held for a
    whole county (or more), so a village cadre cannot change the county's tables."""

    message = _("Only county-level staff may change the county's configuration.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        action = ACTION_BY_METHOD.get(request.method)
        return action is not None and holds_county_level(user, view.queryset.model, action)


class ConfigViewSet(ServedMethodsMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    """County configuration (tags, categories, rules): not region-owned, so not walked for scope."""

    permission_classes = [ConfigPermission]


class ScopedRelatedMixin:
    """A foreign key in an API body: only rows the caller may see are accepted.

    A forged id of another village's row is answered exactly like an id that does not exist.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.restrict(request.user if request else None, "view")


class ScopedRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(ScopedRelatedMixin, serializers.SlugRelatedField):
    pass


def exception_handler(exc, context):
    """DRF's handler, plus service errors and Django validation errors as 400 with a code."""
    if isinstance(exc, ServiceError):
        return Response({"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({**detail, "code": "invalid"}, status=400)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            response.data["code"] = codes
        elif isinstance(exc, exceptions.ValidationError):
            response.data["code"] = "invalid"
    return response
