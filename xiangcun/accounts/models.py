"""Users, roles assigned in regions, hashed API tokens and the security event log."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.choices import SecurityEventKind, SecurityEventResult
from xiangcun.core.crypto import EncryptedTextField, lookup_hash
from xiangcun.core.masking import mask_phone
from xiangcun.core.models import ScopedQuerySet


class UserQuerySet(ScopedQuerySet):
    pass


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """用户 — a person who signs in: cadre, grid worker, department staff or villager.

    A user's reach is given by role assignments in regions, never by a field on the user.
    """

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    department = models.CharField(_("department"), max_length=60, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    elder_mode = models.BooleanField(_("large text (长辈版)"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    # A user is in scope where any of their role assignments is.
    scope_code_lookup = "role_assignments__region__code"
    scope_distinct = True

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = [("reveal_personal_data", _("Can reveal masked personal data"))]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        self.phone_hash = lookup_hash(self.phone) if self.phone else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_villager_only(self) -> bool:
        roles = {a.role.code for a in self.cached_assignments}
        return bool(roles) and roles <= {"villager"}

    @property
    def cached_assignments(self) -> list[RoleAssignment]:
        if "_assignments" not in self.__dict__:
            self.__dict__["_assignments"] = list(
                self.role_assignments.select_related("role", "region").order_by("region__code")
            )
        return self.__dict__["_assignments"]

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Role(models.Model):
    """角色 — a named set of model permissions (a Django group) that is assigned in a region.

    ``rank`` orders roles for delegation: nobody grants a role ranked above their own.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    region_levels = models.JSONField(_("region levels where it may be assigned"), default=list)
    self_only = models.BooleanField(_("reaches only the user's own records"), default=False)
    can_manage_users = models.BooleanField(_("manages users below it"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["-rank", "code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """角色授权 — one user holds one role in one region (and everything below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments")
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    scope_code_lookup = "region__code"

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "region"], name="unique_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.region}"


class Department(models.Model):
    """部门 — an office of a county (民政局, 应急管理局, 自然资源局 …) to which work is routed.

    Its staff are its ``members``; incidents and applications dispatched to it are handled by them.
    The department belongs to a region (the county), which scopes who may manage it.
    """

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="departments")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True,
                                     related_name="departments")
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    scope_code_lookup = "region__code"

    objects = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="unique_department_code")]

    def __str__(self) -> str:
        return self.name


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """API 令牌 — a bearer token for phones and integrations; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    name = models.CharField(_("name"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)


class UserSession(models.Model):
    """Which server-side session belongs to which user, so disabling a user ends them at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("security events are immutable")

    def delete(self):
        raise PermissionError("security events are deleted only by the retention purge")


class SecurityEvent(models.Model):
    """安全审计 — an append-only record of a login, logout, failure or permission change.

    Rows are never updated; the database refuses to delete one younger than the retention period.
    """

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=40, choices=SecurityEventKind.choices, db_index=True)
    result = models.CharField(_("result"), max_length=10, choices=SecurityEventResult.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-occurred_at", "-id"]
        permissions = [("export_audit", _("Can export the audit log"))]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("security events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("security events are deleted only by the retention purge")
