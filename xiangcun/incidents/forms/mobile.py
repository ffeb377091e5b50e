"""Forms of the phone pages: they parse what the phone sends; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import MultipleFilePickerInput
from xiangcun.incidents.choices import star_choices
from xiangcun.incidents.models import Category
from xiangcun.incidents.services import ReportInput
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

# The service names a field; the page shows the message at the step where that field is.
SERVICE_FIELD = {"location": "lat", "grid": "region", "client_key": None, "household": None, "source": None,
                 "reporter_phone": None}


class MultiplePhotoField(forms.FileField):
    """Several photos under one name (``<input type=file multiple>``); checked by decoding in the service."""

    widget = MultipleFilePickerInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def field_for(error) -> str | None:
    """The form field a ServiceError belongs to (None: a message for the whole form)."""
    name = error.extra.get("field")
    return SERVICE_FIELD.get(name, name)


class ReportForm(forms.Form):
    """随手拍: photos, the place (phone position or a chosen village), the category and a few words."""

    photos = MultiplePhotoField(label=_("Photos"), required=False, widget=MultipleFilePickerInput(
        attrs={"accept": "image/*", "capture": "environment", "data-testid": "photos"},
        button=_("Take or choose photos"), button_class="btn btn-outline-primary btn-lg w-100 py-3"))
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput)
    region = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none(), to_field_name="code",
                                    required=False, empty_label=_("Where I am (from the phone's position)"))
    category = forms.ModelChoiceField(label=_("What kind of problem?"), queryset=Category.objects.filter(active=True),
                                      to_field_name="code", error_messages={"required": _("Choose a category.")})
    description = forms.CharField(label=_("What is wrong?"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("Describe the problem in a few words.")})
    address = forms.CharField(label=_("Place (optional)"), max_length=200, required=False)
    client_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, villages=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = villages if villages is not None else Region.objects.filter(
            level=Level.VILLAGE)

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(category=data["category"], description=data["description"], lat=data.get("lat"),
                           lng=data.get("lng"), region=data.get("region"), address=data.get("address") or "",
                           client_key=data.get("client_key") or None, photos=data.get("photos") or [])


class ResolveForm(forms.Form):
    result = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Describe what was done.")})
    photos = MultiplePhotoField(label=_("Photos of the result"), required=False, widget=MultipleFilePickerInput(
        attrs={"accept": "image/*", "capture": "environment", "id": "id_resolve_photos",
               "data-testid": "resolve-photos"}))


class CommentForm(forms.Form):
    """Send back (reason), start (optional words), reopen (what is still wrong)."""

    comment = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write the note.")})


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("How satisfied are you?"), coerce=int,
                                    choices=lambda: star_choices(range(1, 6)), widget=forms.RadioSelect,
                                    error_messages={"required": _("Choose from one to five stars.")})
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class PatrolStartForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=None, empty_label=None,
                                  error_messages={"required": _("Choose the grid you patrol.")})

    def __init__(self, *args, grids, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["grid"].widget.attrs["class"] = "form-select"


class PatrolEndForm(forms.Form):
    note = forms.CharField(label=_("What did you see? (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
