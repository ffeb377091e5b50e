"""Account pages: login, password, 长辈版, scoped user management, the audit log, the token endpoint."""

from __future__ import annotations

import csv
from io import StringIO

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from xiangcun.accounts import forms, services
from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.accounts.errors import ErrorCode
from xiangcun.accounts.filtersets import SecurityEventFilterSet, UserFilterSet
from xiangcun.accounts.models import RoleAssignment, SecurityEvent, User
from xiangcun.core.errors import ServiceError
from xiangcun.core.views import ScopedDetailView, ScopedListView, ServiceActionView


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): the session row is deleted on the server."""


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes shows on the login page when the user name is locked."""
    message = _("Too many failed logins: this account is locked for %(minutes)d minutes. "
                "Try again later or ask the security administrator to unlock it.") % {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message, "code": "locked_out"}, status=403)
    form = forms.LoginForm(request, data=None)
    return render(request, "accounts/login.html", {"form": form, "locked_message": message}, status=403)


class PasswordChangeView(LoginRequiredMixin, FormView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        from django.contrib.auth import update_session_auth_hash

        services.password_change(user=self.request.user, new_password=form.cleaned_data["new_password1"],
                                 request=self.request)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect("core:home")


class ElderModeView(View):
    """Switch 长辈版 on or off; remembered on the account, and in a cookie before login."""

    def post(self, request):
        enabled = request.POST.get("enabled") == "1"
        if request.user.is_authenticated:
            services.elder_mode_set(user=request.user, enabled=enabled)
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        response = HttpResponseRedirect(target)
        response.set_cookie("elder", "1" if enabled else "0", max_age=365 * 86400, samesite="Lax")
        return response


# --- user management (scoped) ---------------------------------------------------------------------

class UserListView(ScopedListView):
    model = User
    filterset_class = UserFilterSet
    template_name = "accounts/user_list.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("role_assignments__role", "role_assignments__region")


class UserDetailView(ScopedDetailView):
    model = User
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        target = self.object
        actor = self.request.user
        manageable = actor.has_perm("accounts.change_user") and services.can_manage_user(actor, target)
        return super().get_context_data(
            assignments=target.cached_assignments,
            manageable=manageable,
            grant_form=forms.RoleGrantForm(actor=actor) if manageable else None,
            edit_form=forms.UserEditForm(initial={"full_name": target.full_name, "phone": target.phone,
                                                  "department": target.department}) if manageable else None,
            tokens=target.api_tokens.order_by("-created_at")[:20],
            **kwargs,
        )


class UserCreateView(PermissionRequiredMixin, FormView):
    permission_required = "accounts.add_user"
    template_name = "accounts/user_form.html"
    form_class = forms.UserCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=self.request.user, username=data["username"], password=data["password"], role=data["role"],
                region=data["region"], full_name=data["full_name"], phone=data["phone"],
                department=data["department"], request=self.request,
            )
        except (ServiceError, ValidationError) as error:
            form.add_error(None, getattr(error, "message", None) or error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, _("User %(name)s created; they change the password at first login.")
                         % {"name": user.username})
        return redirect(user.get_absolute_url())


class UserActionView(ServiceActionView):
    """POST actions on one user: edit, enable/disable, unlock, reset password, grant and revoke roles."""

    model = User

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.object.get_absolute_url())

    def perform(self, request, target: User) -> None:
        self.act(request, target, self.kwargs["action"])

    def act(self, request, target: User, action: str) -> None:
        actor = request.user
        if action in {"disable", "enable"}:
            services.user_set_active(actor=actor, user=target, active=action == "enable", request=request)
            messages.success(request, _("Saved."))
        elif action == "unlock":
            services.user_unlock(actor=actor, user=target, request=request)
            messages.success(request, _("The account is unlocked."))
        elif action == "edit":
            form = forms.UserEditForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.user_update(actor=actor, user=target, request=request, **form.cleaned_data)
            messages.success(request, _("Saved."))
        elif action == "reset-password":
            form = forms.PasswordResetByManagerForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.user_reset_password(actor=actor, user=target, password=form.cleaned_data["password"],
                                         request=request)
            messages.success(request, _("Temporary password set; the user must change it at next login."))
        elif action == "grant":
            form = forms.RoleGrantForm(request.POST, actor=actor)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.role_grant(actor=actor, user=target, role=form.cleaned_data["role"],
                                region=form.cleaned_data["region"], request=request)
            messages.success(request, _("Role granted."))
        elif action == "revoke":
            assignment = get_object_or_404(RoleAssignment.objects.restrict(actor, "view"), pk=request.POST.get("id"),
                                           user=target)
            services.role_revoke(actor=actor, assignment=assignment, request=request)
            messages.success(request, _("Role revoked."))
        elif action == "revoke-token":
            token = get_object_or_404(target.api_tokens, pk=request.POST.get("id"))
            services.token_revoke(actor=actor, token=token, request=request)
            messages.success(request, _("Token revoked."))
        else:
            raise ServiceError(_("Unknown action."), code=ErrorCode.UNKNOWN_ACTION)


# --- audit (审计员) -------------------------------------------------------------------------------

class AuditView(PermissionRequiredMixin, ListView):
    """The security log and the data change log, filtered; export writes an audit row itself."""

    permission_required = "accounts.view_securityevent"
    template_name = "accounts/audit.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = SecurityEventFilterSet(self.request.GET, queryset=SecurityEvent.objects.select_related())
        return self.filterset.qs if self.filterset.is_valid() else SecurityEvent.objects.none()

    def get_context_data(self, **kwargs):
        changes = (LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:50]
                   if self.request.user.has_perm("auditlog.view_logentry") else [])
        return super().get_context_data(filter=self.filterset, changes=changes, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.export(request)
        return super().get(request, *args, **kwargs)

    def export(self, request):
        if not request.user.has_perm("accounts.export_audit"):
            return HttpResponse(status=403)
        rows = self.get_queryset()[:100_000]
        buffer = StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer)
        writer.writerow([_("time"), _("event"), _("result"), _("user name"), _("target"), _("IP address"),
                         _("detail")])
        count = 0
        for event in rows:
            writer.writerow([timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
                             event.get_kind_display(), event.get_result_display(), event.username, event.target,
                             event.ip_address or "", event.detail])
            count += 1
        services.security_event_record(kind=SecurityEventKind.AUDIT_EXPORTED, actor=request.user, request=request,
                                       detail={"rows": count, "filters": request.GET.dict()})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
        return response


# --- API token ------------------------------------------------------------------------------------

class LoginThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(required=False, allow_blank=True)


class TokenView(APIView):
    """POST username and password, get ``{"token": "..."}``; locked out like the login page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        if not body.is_valid():  # also a body that is not an object at all
            return Response({"detail": _("Give both user name and password."), "code": "invalid"},
                            status=status.HTTP_400_BAD_REQUEST)
        username, password = body.validated_data["username"], body.validated_data["password"]
        user = authenticate(request._request, username=username, password=password)
        if getattr(request._request, "axes_locked_out", False):
            return locked_out(request._request)
        if user is None:
            return Response({"detail": _("Wrong user name or password."), "code": "authentication_failed"},
                            status=status.HTTP_401_UNAUTHORIZED)
        if user.must_change_password:
            return Response({"detail": _("You must change your password on the web page before using the API."),
                             "code": "password_change_required"}, status=status.HTTP_403_FORBIDDEN)
        name = body.validated_data.get("name", "")
        _token, key = services.token_issue(user=user, name=name, request=request._request)
        return Response({"token": key})
