"""The notification centre (通知中心): a person's own messages, newest first; opening one marks it read.

Notifications belong to their recipient alone (``Notification.objects.for_user``): another person's id
answers 404. The pages are HTML for the desk and the phone; the same reads and writes are offered to
apps under ``/api/v1/notifications/`` (``core.api_notifications``).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from xiangcun.core import notify
from xiangcun.core.models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    """Newest first, unread ones marked; ``?unread=1`` shows only those."""

    template_name = "core/notifications.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        queryset = Notification.objects.for_user(self.request.user)
        if self.request.GET.get("unread") == "1":
            queryset = queryset.unread()
        return queryset.only("id", "kind", "title", "body", "url", "created_at", "read_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(only_unread=self.request.GET.get("unread") == "1", **kwargs)


def _safe_link(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("core:notifications")


class NotificationOpenView(LoginRequiredMixin, View):
    """POST: mark it read and go to what it is about (the list, when it links nowhere)."""

    def post(self, request, pk: int):
        notification = notify.notification_mark_read(user=request.user, notification_id=pk)
        return redirect(_safe_link(request, notification.url))


class NotificationReadAllView(LoginRequiredMixin, View):
    """POST: mark every unread notification read, then back to the list."""

    def post(self, request):
        notify.notifications_mark_all_read(user=request.user)
        return redirect(_safe_link(request, request.POST.get("next", "")))
