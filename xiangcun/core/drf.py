"""The API's default permission and pagination classes (apart from core.api: DRF imports them while starting)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, permissions

from xiangcun.core.scoping import permission_name

ACTION_BY_METHOD = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                    "PATCH": "change", "DELETE": "delete"}


class ScopedModelPermissions(permissions.BasePermission):
    """Authenticated, and holding the model permission somewhere; where exactly is restrict()'s job."""

    message = _("You do not have permission to do this.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        action = view.scope_action() if hasattr(view, "scope_action") else ACTION_BY_METHOD.get(request.method)
        return action is not None and request.user.has_perm(permission_name(queryset.model, action))


class Pagination(pagination.PageNumberPagination):
    """50 a page by default; ``?page_size=`` up to 1000 for integrations."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_schema_operation_parameters(self, view):
        """The schema says what is served: pages count from 1; a larger page size is cut to the maximum."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
