"""The Django admin is for superusers only; day-to-day management uses the scoped pages."""

from __future__ import annotations

from django.contrib import admin

from xiangcun.accounts.models import ApiToken, Role, RoleAssignment, SecurityEvent, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "is_active", "must_change_password", "last_login"]
    search_fields = ["username", "full_name"]
    exclude = ["password", "phone_hash", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # accounts are disabled, never deleted: their audit trail must keep its actor


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "self_only", "can_manage_users"]
    readonly_fields = ["code", "group"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "granted_by", "created_at"]
    raw_id_fields = ["user", "region", "granted_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "user", "created_at", "last_used_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "result", "username", "ip_address"]
    list_filter = ["kind", "result"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
