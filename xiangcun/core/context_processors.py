from __future__ import annotations

import functools

from django.conf import settings

from xiangcun.core.models import SystemSetting


def platform(request) -> dict:
    """Site name, demo banner, 长辈版 and the region breadcrumb on every page."""
    user = getattr(request, "user", None)
    elder = bool(user and user.is_authenticated and user.elder_mode) or request.COOKIES.get("elder") == "1"
    context = {
        "platform_name": settings.XIANGCUN_SITE_NAME,
        "demo_loaded": SystemSetting.get("demo_loaded", False),
        "elder_mode": elder,
    }
    if user is not None and user.is_authenticated:
        from xiangcun.core.navigation import Audience, audiences_of, menu_for
        from xiangcun.core.notify import unread_count
        from xiangcun.regions.selectors import breadcrumb_for_request

        context.update(breadcrumb_for_request(request))
        # The bell's number: one indexed COUNT, only on pages that show it, at most once per page.
        context["unread_notifications"] = functools.cache(lambda: unread_count(user))
        # The menu every app declares in its navigation.py, for this person's audience and permissions.
        context["nav_menu"] = functools.cache(lambda: menu_for(user))
        context["nav_villager"] = audiences_of(user) == {Audience.VILLAGER}
    return context
