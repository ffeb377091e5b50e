"""Login, logout and failures become security events; sessions are tied to users."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from xiangcun.accounts.choices import SecurityEventKind as Kind
from xiangcun.accounts.choices import SecurityEventResult as Result
from xiangcun.accounts.models import UserSession
from xiangcun.accounts.services import security_event_record


@receiver(user_logged_in, dispatch_uid="xiangcun.login")
def on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session["login_at"] = now
    request.session["seen_at"] = now
    request.session.save()
    UserSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})
    security_event_record(kind=Kind.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="xiangcun.logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if not getattr(request, "_session_expired", False):
        security_event_record(kind=Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="xiangcun.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    security_event_record(kind=Kind.LOGIN_FAILED, result=Result.FAILURE,
                          username=str(credentials.get("username", ""))[:150], request=request)


@receiver(user_locked_out, dispatch_uid="xiangcun.locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    security_event_record(kind=Kind.LOCKED_OUT, result=Result.FAILURE, username=username or "", request=request)
