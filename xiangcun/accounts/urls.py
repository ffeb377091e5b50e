from __future__ import annotations

from django.urls import path

from xiangcun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("elder-mode/", views.ElderModeView.as_view(), name="elder-mode"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/<slug:action>/", views.UserActionView.as_view(), name="user-action"),
    path("audit/", views.AuditView.as_view(), name="audit"),
]
