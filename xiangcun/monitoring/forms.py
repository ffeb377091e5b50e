"""Forms of the 防返贫 monitoring pages: clues, the household's own declaration, case steps, measures, config."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.forms import StyledFormMixin
from xiangcun.households.models import HouseholdTag
from xiangcun.monitoring import choices
from xiangcun.monitoring.models import LowIncomeCategory, MonitoringLine, RiskClue


def _monitoring_categories():
    return LowIncomeCategory.objects.filter(is_monitoring=True, active=True)


class ClueReportForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=[(choices.ClueSource.CADRE_CHECK,
                                                            choices.ClueSource.CADRE_CHECK.label),
                                                           (choices.ClueSource.DEPARTMENT,
                                                            choices.ClueSource.DEPARTMENT.label)])
    signal = forms.ChoiceField(label=_("Risk"), choices=choices.RiskSignal.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    amount = forms.DecimalField(label=_("Amount involved (yuan)"), required=False, min_value=0, decimal_places=2)
    occurred_on = forms.DateField(label=_("Occurred on"), required=False)


DECLARABLE = (choices.RiskSignal.SERIOUS_ILLNESS, choices.RiskSignal.DISASTER, choices.RiskSignal.LARGE_EXPENSE,
              choices.RiskSignal.LOST_WORK, choices.RiskSignal.NEW_DISABILITY, choices.RiskSignal.OTHER)
DECLARE_WORDS = {  # plain words for the villager's phone page
    choices.RiskSignal.SERIOUS_ILLNESS: _("Serious illness in the family"),
    choices.RiskSignal.DISASTER: _("Disaster or accident"),
    choices.RiskSignal.LARGE_EXPENSE: _("Large sudden expense"),
    choices.RiskSignal.LOST_WORK: _("Lost work"),
    choices.RiskSignal.NEW_DISABILITY: _("A family member became disabled"),
    choices.RiskSignal.OTHER: _("Other difficulty"),
}


class DeclareForm(StyledFormMixin, forms.Form):
    """The household's own declaration (自主申报) on a phone."""

    signal = forms.ChoiceField(label=_("What happened?"), choices=[(s.value, DECLARE_WORDS[s]) for s in DECLARABLE],
                               widget=forms.RadioSelect)
    description = forms.CharField(label=_("Tell us more"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=1000)
    amount = forms.DecimalField(label=_("Money involved (yuan), if any"), required=False, min_value=0,
                                decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    occurred_on = forms.DateField(label=_("When did it happen?"), required=False)


class CaseOpenForm(StyledFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Monitoring category"), queryset=LowIncomeCategory.objects.none(),
                                      required=False, help_text=_("Can also be chosen later, before the decision."))
    summary = forms.CharField(label=_("Risk described"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    clues = forms.ModelMultipleChoiceField(label=_("Clues"), queryset=RiskClue.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _monitoring_categories()
        self.fields["clues"].queryset = household.clues.filter(status=choices.ClueStatus.OPEN)
        self.fields["clues"].widget.attrs["class"] = "form-check-input"


# Fields of each step's form, besides the comment (see monitoring.services.ACCEPTED_FIELDS).
STEP_FIELDS = {
    "record_consent_and_verify": ("consent_signed_on",),
    "record_comparison": ("comparison",),
    "record_deliberation": ("deliberation", "category"),
    "reject": ("reason",),
    "township_approve": ("category",),
    "county_approve": ("category",),
}


class StepForm(StyledFormMixin, forms.Form):
    """One step of the workflow: the comment and whatever the step records."""

    consent_signed_on = forms.DateField(label=_("Consent to data checks signed on (承诺授权)"),
                                        initial=timezone.localdate)
    comparison = forms.CharField(label=_("Result of the information comparison"),
                                 widget=forms.Textarea(attrs={"rows": 2}))
    deliberation = forms.CharField(label=_("Result of the democratic review"), widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ModelChoiceField(label=_("Monitoring category"), queryset=LowIncomeCategory.objects.none(),
                                      required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        keep = {*STEP_FIELDS.get(action, ()), "comment"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "category" in self.fields:
            self.fields["category"].queryset = _monitoring_categories()
        if action == "send_back":
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Why is it sent back?")

    def step_fields(self) -> dict:
        """The cleaned values the service takes (empty optional ones left out)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name != "comment" and value not in (None, "")}


class ObjectionForm(StyledFormMixin, forms.Form):
    raised_by = forms.CharField(label=_("Raised by"), max_length=50)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionResolveForm(StyledFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(label=_("Result of the recheck"), coerce=lambda v: v == "1",
                                    choices=[("0", _("Not founded: the notice continues")),
                                             ("1", _("Founded: send the case back for re-verification"))])
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class MeasureForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choices.MeasureKind.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    start_date = forms.DateField(label=_("Start"), initial=timezone.localdate)
    end_date = forms.DateField(label=_("End"), required=False)
    responsible_name = forms.CharField(label=_("Responsible cadre"), max_length=50, required=False,
                                       help_text=_("Leave empty if it is you."))
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, decimal_places=2)


class EliminationForm(StyledFormMixin, forms.Form):
    reasons = forms.CharField(label=_("Reasons the risk is eliminated"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("e.g. stable income above the line for the year, illness cured, "
                                          "house repaired."))


def config_form(model, names: list[str]) -> type[forms.Form]:
    """A plain form with the model's fields: saving an existing key (province and year, code) changes that row,
    which the service decides, so the form does not check uniqueness."""
    return type(f"{model.__name__}Form", (StyledFormMixin, forms.Form), dict(forms.fields_for_model(model, names)))


MonitoringLineForm = config_form(MonitoringLine, ["province_code", "year", "amount", "near_ratio", "drop_percent",
                                                  "notice_days"])
HouseholdTagForm = config_form(HouseholdTag, ["code", "name", "order", "color", "description"])
LowIncomeCategoryForm = config_form(LowIncomeCategory, ["code", "name", "is_monitoring", "order", "active"])
