"""Writes on accounts: users, role grants, passwords, tokens — atomic, audited, scoped."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.accounts.choices import SecurityEventKind as Kind
from xiangcun.accounts.choices import SecurityEventResult as Result
from xiangcun.accounts.errors import ErrorCode
from xiangcun.accounts.models import ApiToken, Role, RoleAssignment, SecurityEvent, User, UserSession
from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.http import client_ip
from xiangcun.core.scoping import user_scope


def security_event_record(
    *, kind: str, result: str = Result.SUCCESS, actor: User | None = None, username: str = "",
    request=None, target: str = "", detail: dict | None = None,
) -> SecurityEvent:
    """Append one row to the security log (login, failure, logout, grants …)."""
    if actor is not None and actor.is_authenticated:
        username = username or actor.username
    else:
        actor = None
    return SecurityEvent.objects.create(
        kind=kind, result=result, actor=actor, username=username[:150], target=target[:200],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        detail=detail or {},
    )


# --- who may grant what ---------------------------------------------------------------------------

def managing_rank(actor: User, region) -> int:
    """The highest rank of a user-managing role the actor holds at ``region`` or above it."""
    if actor.is_superuser:
        return 1000
    ranks = [
        a.role.rank for a in actor.cached_assignments
        if a.role.can_manage_users and region.code.startswith(a.region.code)
    ]
    return max(ranks, default=-1)


def can_grant(actor: User, role: Role, region) -> bool:
    """A manager grants roles no higher than their own, at the role's levels, inside their regions."""
    if region.level not in role.region_levels and not actor.is_superuser:
        return False
    if not user_scope(actor, "accounts.add_roleassignment").covers_code(region.code):
        return False
    return role.rank <= managing_rank(actor, region)


def can_manage_user(actor: User, target: User) -> bool:
    """Every role the target holds must be one the actor could have granted."""
    if actor.is_superuser:
        return True
    if actor.pk == target.pk or target.is_superuser:
        return False
    assignments = target.cached_assignments
    return bool(assignments) and all(can_grant(actor, a.role, a.region) for a in assignments)


def _require_manage(actor: User, target: User) -> None:
    if not User.objects.restrict(actor, "change").filter(pk=target.pk).exists():
        raise OutOfScope()
    if not can_manage_user(actor, target):
        raise ServiceError(_("This user holds a role above yours or outside your regions."),
                           code=ErrorCode.ROLE_ABOVE_OWN, status=403)


# --- users -----------------------------------------------------------------------------------------

@transaction.atomic
def user_create(
    *, actor: User, username: str, password: str, role: Role, region, full_name: str = "", phone: str = "",
    department: str = "", must_change_password: bool = True, request=None,
) -> User:
    """Create an account with its first role; the new user changes the password at first login."""
    if not can_grant(actor, role, region):
        raise ServiceError(
            _("You cannot grant the role %(role)s in %(region)s.") % {"role": role.name, "region": region},
            code=ErrorCode.ROLE_ABOVE_OWN, status=403,
        )
    user = User(username=username, full_name=full_name, phone=phone, department=department,
                must_change_password=must_change_password)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    RoleAssignment.objects.create(user=user, role=role, region=region, granted_by=actor)
    security_event_record(kind=Kind.USER_CREATED, actor=actor, request=request, target=username,
                          detail={"role": role.code, "region": region.code})
    security_event_record(kind=Kind.ROLE_GRANTED, actor=actor, request=request, target=username,
                          detail={"role": role.code, "region": region.code})
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, full_name: str, phone: str, department: str, request=None) -> User:
    _require_manage(actor, user)
    user.full_name, user.phone, user.department = full_name, phone, department
    user.full_clean(exclude=["password"])
    user.save()
    security_event_record(kind=Kind.USER_CHANGED, actor=actor, request=request, target=user.username)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, request=None) -> User:
    """Disabling ends the user's sessions and revokes their tokens at once."""
    _require_manage(actor, user)
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    if not active:
        end_sessions(user)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    security_event_record(kind=Kind.USER_ENABLED if active else Kind.USER_DISABLED, actor=actor, request=request,
                          target=user.username)
    return user


def end_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_unlock(*, actor: User, user: User, request=None) -> None:
    """Lift a lockout after too many failed logins (安全管理员 or a manager of the user)."""
    from axes.utils import reset

    if not User.objects.restrict(actor, "change").filter(pk=user.pk).exists():
        raise OutOfScope()
    reset(username=user.username)
    security_event_record(kind=Kind.USER_UNLOCKED, actor=actor, request=request, target=user.username)


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str, request=None) -> None:
    """A manager sets a temporary password; the user must change it at next login."""
    _require_manage(actor, user)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    end_sessions(user)
    security_event_record(kind=Kind.PASSWORD_CHANGED, actor=actor, request=request, target=user.username,
                          detail={"by_manager": True})


# --- roles -----------------------------------------------------------------------------------------

@transaction.atomic
def role_grant(*, actor: User, user: User, role: Role, region, request=None) -> RoleAssignment:
    if not User.objects.restrict(actor, "change").filter(pk=user.pk).exists():
        raise OutOfScope()
    if not can_grant(actor, role, region):
        raise ServiceError(
            _("You cannot grant the role %(role)s in %(region)s.") % {"role": role.name, "region": region},
            code=ErrorCode.ROLE_ABOVE_OWN, status=403,
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, region=region, defaults={"granted_by": actor}
    )
    if created:
        security_event_record(kind=Kind.ROLE_GRANTED, actor=actor, request=request, target=user.username,
                              detail={"role": role.code, "region": region.code})
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment, request=None) -> None:
    if not RoleAssignment.objects.restrict(actor, "delete").filter(pk=assignment.pk).exists():
        raise OutOfScope()
    if not can_grant(actor, assignment.role, assignment.region):
        raise ServiceError(_("This role is above yours; you cannot revoke it."), code=ErrorCode.ROLE_ABOVE_OWN,
                           status=403)
    security_event_record(kind=Kind.ROLE_REVOKED, actor=actor, request=request, target=assignment.user.username,
                          detail={"role": assignment.role.code, "region": assignment.region.code})
    assignment.delete()


# --- the user's own account -------------------------------------------------------------------------

@transaction.atomic
def password_change(*, user: User, new_password: str, request=None) -> None:
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    security_event_record(kind=Kind.PASSWORD_CHANGED, actor=user, request=request, target=user.username)


def elder_mode_set(*, user: User, enabled: bool) -> None:
    User.objects.filter(pk=user.pk).update(elder_mode=enabled)
    user.elder_mode = enabled


@transaction.atomic
def token_issue(*, user: User, name: str = "", request=None) -> tuple[ApiToken, str]:
    """A new bearer token; the plain key is returned once and only its hash is kept."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), prefix=key[:8], name=name[:60])
    security_event_record(kind=Kind.TOKEN_ISSUED, actor=user, request=request, target=token.prefix)
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, request=None) -> None:
    if token.user_id != actor.pk and not can_manage_user(actor, token.user):
        raise OutOfScope()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    security_event_record(kind=Kind.TOKEN_REVOKED, actor=actor, request=request, target=token.prefix)


def housekeeping_purge() -> dict[str, int]:
    """Delete expired sessions and audit rows older than XIANGCUN_AUDIT_RETENTION_DAYS (never < 180 days)."""
    from datetime import timedelta

    from auditlog.models import LogEntry
    from django.conf import settings
    from django.db import connection

    cutoff = timezone.now() - timedelta(days=max(180, settings.XIANGCUN_AUDIT_RETENTION_DAYS))
    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    with connection.cursor() as cursor:  # SecurityEvent's manager refuses deletes by design
        cursor.execute(f"DELETE FROM {SecurityEvent._meta.db_table} WHERE occurred_at < %s", [cutoff])
        events = cursor.rowcount
    changes, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return {"sessions": sessions, "security_events": events, "data_changes": changes}
