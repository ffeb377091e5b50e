"""Forms of income (家庭收入, 收入测算 rules) and 务工 (the desktop filters and the phone questionnaire)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import StyledFormMixin
from xiangcun.households import choices as household_choices
from xiangcun.livelihoods import choices, places
from xiangcun.livelihoods.estimation import DEFAULT_THRESHOLD_PERCENT
from xiangcun.livelihoods.models import IncomeRecord, IncomeRule

MONEY_WIDGET = {"inputmode": "decimal", "step": "0.01"}


def year_choices(back: int = 6) -> list[tuple[int, int]]:
    this_year = date.today().year
    return [(year, year) for year in range(this_year, this_year - back, -1)]


class IncomeRecordForm(StyledFormMixin, forms.ModelForm):
    """家庭收入 of one year, in the national categories."""

    class Meta:
        model = IncomeRecord
        fields = ["year", "family_size", "wage_income", "business_income", "business_expense", "property_income",
                  "transfer_income", "notes"]
        help_texts = {
            "property_income": _("Rents, dividends, land transfer fees, minus what was paid out; may be negative."),
            "transfer_income": _("Pensions, subsidies, 低保 and support from relatives, minus what was paid out; "
                                 "may be negative."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("wage_income", "business_income", "business_expense", "property_income", "transfer_income"):
            self.fields[name].widget.attrs.update(MONEY_WIDGET)

    def validate_unique(self) -> None:
        """Saving the year again corrects it (the service updates the existing record)."""


class IncomeCheckForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    threshold = forms.IntegerField(label=_("Difference above (%)"), min_value=1, max_value=1000,
                                   initial=DEFAULT_THRESHOLD_PERCENT)


class IncomeRuleForm(StyledFormMixin, forms.ModelForm):
    """One 收入测算 rule; for livestock and work the item is chosen from the list."""

    class Meta:
        model = IncomeRule
        fields = ["kind", "item", "unit_yield", "unit_price", "unit_income", "unit_cost", "active", "notes"]

    def __init__(self, *args, form_id: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].widget.attrs.update({"list": "rule-items", "style": "min-width: 7rem"})
        self.fields["kind"].widget.attrs["style"] = "min-width: 10rem"
        for field in self.fields.values():
            if form_id:  # the inputs of a table row belong to the row's form (a <form> cannot wrap a <tr>)
                field.widget.attrs["form"] = form_id
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.update(MONEY_WIDGET)

    def clean(self):
        data = super().clean()
        kind, item = data.get("kind"), (data.get("item") or "").strip()
        labels = {str(label): value
                  for value, label in (*household_choices.Livestock.choices, *choices.WorkPlace.choices)}
        data["item"] = labels.get(item, item)  # the label shown in the list is accepted for the value
        if kind in (choices.RuleKind.LIVESTOCK, choices.RuleKind.WORK) and data["item"] not in (
                household_choices.Livestock.values if kind == choices.RuleKind.LIVESTOCK else choices.WorkPlace.values):
            self.add_error("item", _("Choose an item from the list for this kind of rule."))
        return data

    def validate_unique(self) -> None:
        """The service refuses duplicates with a message (the county code is not a form field)."""


class YearForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)


class LabourSubsidySettingForm(StyledFormMixin, forms.Form):
    months = forms.IntegerField(label=_("Months of outside-county work required"), min_value=1, max_value=12)


# --- the phone questionnaire ----------------------------------------------------------------------------

OTHER = "other"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def destination_choices() -> list[tuple[str, str]]:
    return [(d.key, d.label) for d in places.USUAL_DESTINATIONS] + [(OTHER, _("Somewhere else"))]


def province_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((name, name) for name in places.PROVINCES.values()), (places.ABROAD, _("Abroad"))]


class MonthField(forms.CharField):
    """``<input type=month>``: "2026-03" → 1 March 2026 (since when, to the month)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Give the month as year and month, e.g. 2026-03."), code="invalid")
        return date(int(match.group(1)), int(match.group(2)), 1)


class WorkQuestionnaireForm(StyledFormMixin, forms.Form):
    """Where do you work? In what, for whom, since when, for how much a month?"""

    destination = forms.ChoiceField(label=_("Where do you work?"), choices=destination_choices,
                                    widget=forms.RadioSelect)
    province = forms.ChoiceField(label=_("Province"), choices=province_choices, required=False)
    city = forms.CharField(label=_("City"), max_length=40, required=False)
    county = forms.CharField(label=_("County or district"), max_length=40, required=False)
    industry = forms.ChoiceField(label=_("What work?"), choices=choices.Industry.choices, widget=forms.RadioSelect)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    job = forms.CharField(label=_("Job"), max_length=50, required=False)
    start = MonthField(label=_("Since when?"))
    monthly_income = forms.DecimalField(label=_("Income a month (yuan)"), min_value=Decimal("0"), max_digits=10,
                                        decimal_places=2, required=False,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}))

    def __init__(self, *args, members=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if members is not None and len(members) > 1:
            self.fields["who"] = forms.ChoiceField(label=_("Who works there?"), required=False,
                                                   choices=[(str(m.uuid), m.name) for m in members],
                                                   widget=forms.Select(attrs={"class": "form-select"}))
            self.order_fields(["who"])
        self.fields["start"].initial = date.today().strftime("%Y-%m")

    def clean(self):
        data = super().clean()
        key = data.get("destination")
        if key and key != OTHER:
            preset = next(d for d in places.USUAL_DESTINATIONS if d.key == key)
            data["province"], data["city"], data["county"] = preset.province, preset.city, preset.county
        elif key == OTHER and not data.get("province"):
            self.add_error("province", _("Choose the province where you work."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"destination_province": data["province"], "destination_city": data.get("city", ""),
                "destination_county": data.get("county", ""), "industry": data["industry"],
                "employer": data.get("employer", ""), "job": data.get("job", ""), "start_date": data["start"],
                "monthly_income": data.get("monthly_income") or Decimal("0")}


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or household number"), max_length=50, required=False)
