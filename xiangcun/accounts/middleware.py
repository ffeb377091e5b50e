"""Session lifetime (idle and absolute) and the forced password change."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from xiangcun.accounts.choices import SecurityEventKind as Kind

EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accounts/logout/", "/accounts/password/", "/favicon")


class SessionLifetimeMiddleware:
    """Ends a browser session after 30 idle minutes or 12 hours in all (both settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "login_at" in request.session:
            now = time.time()
            idle = now - request.session.get("seen_at", now)
            total = now - request.session["login_at"]
            if idle > settings.XIANGCUN_SESSION_IDLE_MINUTES * 60 or total > settings.XIANGCUN_SESSION_MAX_HOURS * 3600:
                from xiangcun.accounts.services import security_event_record

                security_event_record(kind=Kind.SESSION_EXPIRED, actor=user, request=request,
                                      detail={"idle_seconds": int(idle), "total_seconds": int(total)})
                request._session_expired = True
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired; please log in again."),
                                         "code": "session_expired"}, status=401)
                messages.warning(request, _("Your session has expired; please log in again."))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - request.session.get("seen_at", 0) > 60:  # one write a minute is enough
                request.session["seen_at"] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A first login (or an expired password) leads to the password change page and nowhere else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated and password_change_due(user)
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("You must change your password before going on."),
                                     "code": "password_change_required"}, status=403)
            return redirect("accounts:password-change")
        return self.get_response(request)


def password_change_due(user) -> bool:
    if user.must_change_password:
        return True
    max_age = settings.XIANGCUN_PASSWORD_MAX_AGE_DAYS
    if max_age and user.password_changed_at is not None:
        return (time.time() - user.password_changed_at.timestamp()) > max_age * 86400
    return False
