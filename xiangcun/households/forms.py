"""Forms of the registry pages; the services validate again (a form is only the first line)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import StyledFormMixin
from xiangcun.households import choices
from xiangcun.households.models import House, Household, HouseholdTag, LandParcel, Person
from xiangcun.households.services.registry import MemberInput
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region


class MemberForm(StyledFormMixin, forms.Form):
    """One person: sex and birth date are read from the ID number, not typed twice."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=choices.Relation.choices)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=choices.Ethnicity.choices)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *choices.Education.choices],
                                  required=False)
    health = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices)
    disability_grade = forms.TypedChoiceField(label=_("Disability grade"), coerce=str, required=False,
                                              choices=[("", "—"), *choices.DisabilityGrade.choices])
    labour_ability = forms.ChoiceField(label=_("Labour ability"), required=False, choices=[
        ("", _("By age (under 16: no labour force)")), *choices.LabourAbility.choices])
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    left_behind = forms.BooleanField(label=_("Left-behind child"), required=False)

    def member(self) -> MemberInput:
        data = self.cleaned_data
        return MemberInput(**{key: data[key] for key in (
            "name", "id_number", "relation", "ethnicity", "education", "health", "disability_grade",
            "labour_ability", "phone", "lives_alone", "left_behind")})


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        heads = sum(1 for form in self.forms if form.cleaned_data and form.cleaned_data["relation"] == "head")
        if heads != 1:
            raise forms.ValidationError(_("A household has exactly one head (户主)."))


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1,
                                      validate_min=True, max_num=20)


class HouseholdForm(StyledFormMixin, forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    tags = forms.ModelMultipleChoiceField(label=_("Tags"), queryset=HouseholdTag.objects.all(), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        villages = Region.objects.restrict(user, "view").filter(level=Level.VILLAGE).order_by("code")
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda region: region.display_name
        if villages.count() == 1:
            self.fields["village"].initial = villages.first()
        self.fields["tags"].widget.attrs["class"] = ""


class HouseholdEditForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = ["address", "phone", "group", "grid", "tags", "notes", "latitude", "longitude"]
        widgets = {"tags": forms.CheckboxSelectMultiple, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        village = self.instance.region
        self.fields["group"].queryset = Region.objects.filter(parent=village, level=Level.GROUP)
        self.fields["grid"].queryset = Grid.objects.filter(village=village)
        self.fields["tags"].widget.attrs["class"] = ""


class PersonAddForm(MemberForm):
    kind = forms.ChoiceField(label=_("How the person joins"), choices=[
        (choices.PersonEventKind.MOVED_IN, _("moved in")), (choices.PersonEventKind.BORN, _("born"))])
    date = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Notes"), max_length=200, required=False)


class PersonEditForm(StyledFormMixin, forms.ModelForm):
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18)

    class Meta:
        model = Person
        fields = ["name", "relation", "ethnicity", "education", "health", "disability_grade", "labour_ability",
                  "phone", "lives_alone", "left_behind"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["health"] = forms.ChoiceField(label=_("Health"), choices=choices.Health.choices)
        self.fields["disability_grade"] = forms.ChoiceField(
            label=_("Disability grade"), required=False, choices=[("", "—"), *choices.DisabilityGrade.choices])
        for name in ("health", "disability_grade"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.initial.setdefault("id_number", self.instance.id_number)


class LeaveForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=[
        (choices.PersonEventKind.MOVED_OUT, _("moved out")), (choices.PersonEventKind.DIED, _("died"))])
    date = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Where to / why"), max_length=200, required=False)


class HeadForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("New head of household"), queryset=Person.objects.none())
    former_relation = forms.ChoiceField(label=_("The former head becomes"),
                                        choices=[c for c in choices.Relation.choices if c[0] != "head"])
    date = forms.DateField(label=_("Date"), initial=timezone.localdate)

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = household.members.filter(status=choices.PersonStatus.REGISTERED)


class SplitForm(StyledFormMixin, forms.Form):
    persons = forms.ModelMultipleChoiceField(label=_("Members who form the new household"),
                                             queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple)
    new_head = forms.ModelChoiceField(label=_("Head of the new household"), queryset=Person.objects.none())
    address = forms.CharField(label=_("Address of the new household"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = household.members.filter(status=choices.PersonStatus.REGISTERED).exclude(pk=household.head_id)
        self.fields["persons"].queryset = members
        self.fields["new_head"].queryset = members
        self.fields["persons"].widget.attrs["class"] = ""


class MergeForm(StyledFormMixin, forms.Form):
    target = forms.ModelChoiceField(label=_("Merge into household"), queryset=Household.objects.none(),
                                    to_field_name="number")
    date = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, household, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (Household.objects.restrict(user, "change")
                                          .filter(region=household.region, status=choices.HouseholdStatus.ACTIVE)
                                          .exclude(pk=household.pk))


class HouseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = House
        fields = ["structure", "floors", "floor_area", "year_built", "safety_rating", "rated_on", "latitude",
                  "longitude", "height"]


class ParcelForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LandParcel
        fields = ["land_type", "area_mu", "crop", "contract_number", "contract_start", "contract_end"]


class LivestockForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choices.Livestock.choices)
    heads = forms.IntegerField(label=_("Heads (0 removes)"), min_value=0)
    counted_on = forms.DateField(label=_("Counted on"), required=False, initial=timezone.localdate)
