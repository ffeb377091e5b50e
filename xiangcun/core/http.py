from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address; X-Forwarded-For is trusted only behind a declared proxy."""
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None
