"""``/api/v1/notifications/``: a person's own notifications for the phone apps.

Personal, not regional: rows are the caller's own (``Notification.objects.for_user``), so these views are
mounted beside the router rather than on it (the scope walk covers router entries, which are region
scoped or configuration). Another person's id answers 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response

from xiangcun.core import notify
from xiangcun.core.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "data", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class _Own(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)


class NotificationListAPI(_Own, generics.ListAPIView):
    """The caller's notifications, newest first; ``?unread=1`` for the unread ones only."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.unread() if self.request.query_params.get("unread") in ("1", "true") else queryset


class NotificationReadAPI(_Own):
    """Mark one of the caller's notifications read."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        notification = notify.notification_mark_read(user=request.user, notification_id=pk)
        return Response(self.get_serializer(notification).data)


class NotificationReadAllAPI(_Own):
    """Mark all of the caller's notifications read; answers how many were unread."""

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    def post(self, request):
        return Response({"marked": notify.notifications_mark_all_read(user=request.user)})


class NotificationUnreadCountAPI(_Own):
    """The number on the bell."""

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    def get(self, request):
        return Response({"unread": notify.unread_count(request.user)})
