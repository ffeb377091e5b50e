from __future__ import annotations

from django.urls import path

from xiangcun.core import api_notifications, notifications_views, views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notifications/", notifications_views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/open/", notifications_views.NotificationOpenView.as_view(),
         name="notification-open"),
    path("notifications/read-all/", notifications_views.NotificationReadAllView.as_view(),
         name="notifications-read-all"),
    # Personal rows, mounted beside the API router (see core/api_notifications.py).
    path("api/v1/notifications/", api_notifications.NotificationListAPI.as_view(), name="api-notifications"),
    path("api/v1/notifications/<int:pk>/read/", api_notifications.NotificationReadAPI.as_view(),
         name="api-notification-read"),
    path("api/v1/notifications/read-all/", api_notifications.NotificationReadAllAPI.as_view(),
         name="api-notifications-read-all"),
    path("api/v1/notifications/unread-count/", api_notifications.NotificationUnreadCountAPI.as_view(),
         name="api-notifications-unread-count"),
]
