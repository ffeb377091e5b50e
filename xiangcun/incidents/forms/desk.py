"""Forms of the desk pages; the services validate again (a form is only the first line)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import MultipleFilePickerInput, StyledFormMixin
from xiangcun.incidents import choices
from xiangcun.incidents.models import Category, DispatchRule
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PhotosField(forms.FileField):
    """Several photos in one input (``multiple``; ``capture`` opens the camera on a phone); decoded by the service."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFilePickerInput(attrs={"accept": "image/*", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(item, initial) for item in files]


def category_choices(*, active_only: bool = True) -> list:
    """The category tree as a grouped select: top-level categories are the groups."""
    rows = list(Category.objects.filter(active=True) if active_only else Category.objects.all())
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    grouped: list = [("", "—")]
    for top in children.get(None, []):
        below = []
        stack = list(reversed(children.get(top.pk, [])))
        while stack:
            node = stack.pop()
            below.append((node.code, node.name))
            stack.extend(reversed(children.get(node.pk, [])))
        grouped.append((top.name, [(top.code, top.name), *below]) if below else (top.code, top.name))
    return grouped


class CategoryChoiceField(forms.ChoiceField):
    """A category chosen by code from the grouped tree."""

    def __init__(self, *args, active_only: bool = True, **kwargs) -> None:
        super().__init__(*args, choices=lambda: category_choices(active_only=active_only), **kwargs)

    def clean(self, value):
        code = super().clean(value)
        return Category.objects.filter(code=code).first() if code else None


# --- hotline / desk entry ----------------------------------------------------------------------------------

class ReportForm(StyledFormMixin, forms.Form):
    """受理登记: a call to 12345, a deputy's letter, a camera's finding typed in at the desk."""

    source = forms.ChoiceField(label=_("Source"), choices=choices.Source.choices, initial=choices.Source.HOTLINE)
    reporter_name = forms.CharField(label=_("Caller's name"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    region = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none(), to_field_name="code")
    address = forms.CharField(label=_("Place"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    gcj02 = forms.BooleanField(label=_("GCJ-02 coordinates (WeChat, Amap)"), required=False)
    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("the category's default")),
                                                                *choices.Priority.choices], required=False)
    is_public = forms.ChoiceField(label=_("Public"), required=False, choices=[
        ("", _("the category's default")), ("1", _("public")), ("0", _("only the people handling it"))])
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (Region.objects.restrict(user, "view").filter(level=Level.VILLAGE)
                                          .select_related("parent").order_by("code"))
        self.fields["region"].label_from_instance = lambda region: region.display_name

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            self.add_error("lat", _("Give both the latitude and the longitude, or neither."))
        return data


# --- steps of the loop --------------------------------------------------------------------------------------

class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=TEXTAREA)


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason, told to the reporter"), max_length=300, required=False, widget=TEXTAREA)


class DispatchForm(StyledFormMixin, forms.Form):
    """分拨 / 改派: a kind of handler and the one target it needs."""

    kind = forms.ChoiceField(label=_("Dispatch to"), choices=choices.AssigneeKind.choices)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    user = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, departments, users, grids, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from xiangcun.accounts.models import User

        self.fields["department"].queryset = departments
        self.fields["user"].queryset = User.objects.filter(pk__in=[u.pk for u in users]) if users is not None \
            else User.objects.none()
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.username
        self.fields["grid"].queryset = grids


class ResolveForm(StyledFormMixin, forms.Form):
    result = forms.CharField(label=_("What was done"), max_length=2000, required=False, widget=TEXTAREA)
    photos = PhotosField(label=_("Photos of the result"))


class RateForm(StyledFormMixin, forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating from the callback"), coerce=int,
                                    choices=lambda: choices.star_choices(range(5, 0, -1)))
    comment = forms.CharField(label=_("What the reporter said"), max_length=500, required=False, widget=TEXTAREA)


class MergeForm(StyledFormMixin, forms.Form):
    into = forms.ChoiceField(label=_("Merge into"), choices=())
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(c.code, f"{c.code} · {c.region.name} · {c.description[:30]}")
                                       for c in candidates]


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Text"), max_length=2000, required=False, widget=TEXTAREA)
    public = forms.BooleanField(label=_("Public update (the reporter is told)"), required=False)
    photos = PhotosField(label=_("Photos"))


class LinkHouseholdForm(StyledFormMixin, forms.Form):
    household = forms.CharField(label=_("Household number (empty: remove the link)"), max_length=32, required=False)


class RelocateForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none(), to_field_name="code")
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    address = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, villages, grids, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = villages
        self.fields["region"].label_from_instance = lambda region: region.display_name
        self.fields["grid"].queryset = grids


# --- configuration ------------------------------------------------------------------------------------------

class CategoryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["parent", "code", "name", "description", "order", "active", "default_priority", "default_public",
                  "is_dispute", "default_assignee_kind", "default_department", "accept_hours", "dispatch_hours",
                  "handle_hours", "check_hours", "overdue_action", "escalate_after_hours", "reopen_days"]

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_department"].queryset = departments
        parents = Category.objects.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def _post_clean(self) -> None:
        """The service validates the row (uniqueness, the tree); the form leaves its instance untouched."""


class DispatchRuleForm(StyledFormMixin, forms.ModelForm):
    region = forms.ModelChoiceField(label=_("County or township"), queryset=Region.objects.none(),
                                    to_field_name="code")
    category = CategoryChoiceField(label=_("Category"), active_only=False)

    class Meta:
        model = DispatchRule
        fields = ["region", "category", "assignee_kind", "department", "note", "active"]

    def __init__(self, *args, regions, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda region: region.display_name
        self.fields["department"].queryset = departments
        self.fields["assignee_kind"].choices = [c for c in choices.AssigneeKind.choices
                                                if c[0] != choices.AssigneeKind.USER]
        if self.instance.pk:
            self.fields["region"].disabled = True
            self.initial["region"] = self.instance.region.code
            self.initial["category"] = self.instance.category.code

    def _post_clean(self) -> None:
        """Validated by the service."""


class DepartmentForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("County"), queryset=Region.objects.none(), to_field_name="code")
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Office phone"), max_length=30, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    members = forms.ModelMultipleChoiceField(label=_("Staff"), queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, users, counties, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = counties
        self.fields["region"].label_from_instance = lambda region: region.display_name
        self.fields["members"].queryset = users
        self.fields["members"].label_from_instance = lambda u: f"{u.full_name or u.username} ({u.username})"
