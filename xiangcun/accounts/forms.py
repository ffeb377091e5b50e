"""Forms for accounts: a manager's choices (roles, regions) are limited to what they may grant."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.models import Role, User
from xiangcun.accounts.services import can_grant
from xiangcun.core.forms import StyledFormMixin
from xiangcun.core.validators import normalize_phone, validate_phone
from xiangcun.regions.models import Region


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong user name or password. After %(limit)d failures the account is locked for "
                           "%(minutes)d minutes."),
        "inactive": _("This account is disabled. Ask your administrator."),
    }

    def get_invalid_login_error(self):
        return ValidationError(self.error_messages["invalid_login"] % {
            "limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
            code="invalid_login")


class PhoneField(forms.CharField):
    def clean(self, value):
        value = normalize_phone(super().clean(value) or "")
        if value:
            validate_phone(value)
        return value


class RoleRegionMixin(StyledFormMixin, forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.none(), label=_("Role"))
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"), to_field_name="code")

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].queryset = Role.objects.all()
        self.fields["region"].queryset = Region.objects.restrict(actor, "view").filter(level__lte=6)
        self.fields["region"].widget = forms.TextInput(attrs={"list": "region-options", "class": "form-control",
                                                              "placeholder": _("division code, e.g. 623023103203")})

    def clean(self):
        cleaned = super().clean()
        role, region = cleaned.get("role"), cleaned.get("region")
        if role and region and not can_grant(self.actor, role, region):
            raise ValidationError(
                _("You cannot grant the role %(role)s in %(region)s: it is above your own role, "
                  "outside your regions, or not meant for that level."),
                params={"role": role.name, "region": region.display_name}, code="role_above_own",
            )
        return cleaned


class UserCreateForm(RoleRegionMixin):
    username = forms.RegexField(regex=r"^[\w.@+-]{3,150}$", label=_("User name"), max_length=150,
                                help_text=_("3 or more letters, digits or . @ + - _"))
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    phone = PhoneField(label=_("Mobile phone"), required=False)
    department = forms.CharField(label=_("Department"), max_length=60, required=False)
    password = forms.CharField(label=_("Temporary password"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("The user must change it at first login."))

    field_order = ["username", "full_name", "phone", "department", "role", "region", "password"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken."), code="username_taken")
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(username=self.data.get("username", "")))
        return password


class UserEditForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    phone = PhoneField(label=_("Mobile phone"), required=False)
    department = forms.CharField(label=_("Department"), max_length=60, required=False)


class RoleGrantForm(RoleRegionMixin):
    pass


class PasswordResetByManagerForm(StyledFormMixin, forms.Form):
    password = forms.CharField(label=_("Temporary password"), widget=forms.PasswordInput)


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput,
                                    help_text=password_validation.password_validators_help_text_html)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise ValidationError(_("The current password is wrong."), code="password_incorrect")
        return self.cleaned_data["old_password"]

    def clean(self):
        cleaned = super().clean()
        new1, new2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if new1 and new2:
            if new1 != new2:
                self.add_error("new_password2", ValidationError(_("The two new passwords differ."),
                                                                code="password_mismatch"))
            elif new1 == cleaned.get("old_password"):
                self.add_error("new_password1", ValidationError(_("Choose a password different from the current one."),
                                                                code="password_unchanged"))
            else:
                try:
                    password_validation.validate_password(new1, self.user)
                except ValidationError as error:
                    self.add_error("new_password1", error)
        return cleaned
