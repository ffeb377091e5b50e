"""Permissions and their reach come from role assignments, never from groups set on the user by hand."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from xiangcun.core.scoping import Scope, collapse_prefixes


class RoleBackend(ModelBackend):
    """Passwords as Django's ``ModelBackend`` checks them; permissions only from role assignments.

    ``user.has_perm('app.codename')`` is true when some role the user holds (anywhere) grants it, and
    ``region_scopes(user)`` says where each permission reaches (the :class:`~xiangcun.core.scoping.Scope` that
    ``restrict()`` applies). Both come from one query over the user's role assignments, made once per user
    object (so once per request) and kept on it. Permissions put on a user or a group by hand count for
    nothing: a permission that reaches no region would be a permission without a scope.
    """

    def region_scopes(self, user_obj) -> dict[str, Scope]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return {}
        if "_region_scopes" not in user_obj.__dict__:
            from xiangcun.accounts.models import RoleAssignment

            rows = (RoleAssignment.objects.filter(user=user_obj, role__group__permissions__isnull=False)
                    .values_list("role__group__permissions__content_type__app_label",
                                 "role__group__permissions__codename", "region__code", "role__self_only"))
            reach: dict[str, set[tuple[str, bool]]] = {}
            for app_label, codename, code, self_only in rows:
                reach.setdefault(f"{app_label}.{codename}", set()).add((code, self_only))
            # Most permissions reach the same assignments: one Scope per distinct reach, not per permission.
            shared: dict[frozenset, Scope] = {}
            scopes = {}
            for perm, places in reach.items():
                key = frozenset(places)
                if key not in shared:
                    shared[key] = Scope(codes=collapse_prefixes({code for code, own in key if not own}),
                                        own_rows=any(own for _code, own in key))
                scopes[perm] = shared[key]
            user_obj.__dict__["_region_scopes"] = scopes
        return user_obj.__dict__["_region_scopes"]

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None:
            return set()
        return set(self.region_scopes(user_obj))

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.region_scopes(user_obj))

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return obj is None and perm in self.region_scopes(user_obj)
