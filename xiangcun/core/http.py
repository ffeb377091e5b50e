from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address.

    Behind the one reverse proxy of docs/deployment.md (XIANGCUN_BEHIND_PROXY=1), the last
    X-Forwarded-For entry is the address the proxy saw; earlier entries are whatever the client sent.
    """
    if request is None:
        return None
    if settings.XIANGCUN_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None
