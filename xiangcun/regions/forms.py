"""Forms of the facility pages (公共设施); the services validate again (a form is only the first line)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import MultipleFilePickerInput, StyledFormMixin
from xiangcun.regions.choices import FacilityKind, Level
from xiangcun.regions.models import Region


class PhotosField(forms.FileField):
    """Several photos in one input; decoded (and refused if need be) by the service."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFilePickerInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(item, initial) for item in files]


class FacilityForm(StyledFormMixin, forms.Form):
    """A facility's village, kind, name and place (picked on the map or typed), description and contact."""

    region = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none(), to_field_name="code")
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *FacilityKind.choices])
    name = forms.CharField(label=_("Name"), max_length=60)
    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    gcj02 = forms.BooleanField(label=_("GCJ-02 coordinates (WeChat, Amap)"), required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, user, action: str = "add", with_photos: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        villages = (Region.objects.restrict(user, f"regions.{action}_facility").filter(level=Level.VILLAGE)
                    .order_by("code"))
        self.fields["region"].queryset = villages
        self.fields["region"].label_from_instance = lambda region: region.display_name
        if not with_photos:
            del self.fields["photos"]
        if not self.is_bound and "region" not in self.initial:
            only = list(villages[:2])
            if len(only) == 1:  # a village clerk: their village is the only choice
                self.initial["region"] = only[0].code


class FacilityPhotosForm(forms.Form):
    photos = PhotosField(label=_("Photos"), required=True,
                         widget=MultipleFilePickerInput(attrs={"accept": "image/*", "data-testid": "photo-input"}))
