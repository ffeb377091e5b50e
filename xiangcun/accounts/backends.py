"""Permissions come from role assignments, never from groups set on the user by hand."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission


class RoleBackend(BaseBackend):
    """``user.has_perm('app.codename')``: true when some role the user holds (anywhere) grants it.

    Where the permission reaches is restrict()'s question, not this one's.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            rows = (
                Permission.objects.filter(group__role__assignments__user=user_obj)
                .values_list("content_type__app_label", "codename")
                .distinct()
            )
            user_obj._role_perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._role_perm_cache

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
