"""Filters every FilterSet shares, so that a list page and the API check a parameter the same way and the
OpenAPI schema states the same bounds (see ``core.schema``)."""

from __future__ import annotations

from functools import partial

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from xiangcun.core.scoping import prefix_q


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``NumberFilter`` takes decimals and, unbounded, numbers too large to compute with).

    Give it ``min_value``/``max_value``: a value out of range is refused with the form's message (400 in the
    API, the field's error on the page) instead of reaching the query.
    """

    field_class = forms.IntegerField


# A statistical division code: province 2, city 4, county 6, township 9, village 12, village group 15 digits.
DIVISION_CODE_PATTERN = r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12}|\d{15})$"


def region_choices(user) -> list[tuple[str, str]]:
    """The regions ``user`` may view, down to villages, indented under their township (a flat select works on
    every phone and in 长辈版); the first entry means "no region filter"."""
    from xiangcun.regions.choices import Level
    from xiangcun.regions.models import Region

    regions = list(Region.objects.restrict(user, "view").filter(level__lte=Level.VILLAGE)
                   .order_by("code").only("code", "name", "short_name", "level"))
    top = min((region.level for region in regions), default=0)
    return [("", _("All regions"))] + [
        (region.code, "\u3000" * (region.level - top) + region.display_name) for region in regions
    ]


class RegionSelect(forms.Select):
    """The regions of the user's scope; a code given in the address that is not among them (a village group,
    or a code typed into an API call) is still shown as chosen, so the page says what it filters by."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        chosen = [code for code in value if code]
        if chosen and not any(option["selected"] for _g, options, _i in groups for option in options):
            groups.append((None, [self.create_option(name, chosen[0], chosen[0], True, len(groups))], len(groups)))
        return groups


class RegionCodeField(forms.CharField):
    widget = RegionSelect
    default_error_messages = {
        "invalid": _("Choose a region from the list, or give its division code (2, 4, 6, 9, 12 or 15 digits)."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(RegexValidator(DIVISION_CODE_PATTERN, message=self.error_messages["invalid"]))


@extend_schema_field({"type": "string", "pattern": DIVISION_CODE_PATTERN,
                      "description": "Division code of a region: its rows and the rows of every region under it."})
class RegionFilter(django_filters.Filter):
    """``region``: a division code; the rows of that region and of everything under it (a township's code gives
    its villages' rows). The one region filter of every FilterSet.

    The code is matched as a prefix through the model's ``scope_code_lookup`` (or ``lookup``), written as a
    range by ``prefix_q`` so it uses the code index. It narrows what ``restrict()`` already allows and never
    widens it. A value that is not a division code is refused (400 in the API, the field's error on a page).
    On a page the filter is a select of the regions the user may see.
    """

    field_class = RegionCodeField

    def __init__(self, *, lookup: str | None = None, **kwargs):
        kwargs.setdefault("label", _("Region"))
        super().__init__(**kwargs)
        self.code_lookup = lookup

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            request = getattr(getattr(self, "parent", None), "request", None)
            user = getattr(request, "user", None)
            # Lazy: the API validates with the same field and never renders the options.
            field.widget.choices = CallableChoiceIterator(partial(region_choices, user))
        return self._field

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(prefix_q(self.code_lookup or qs.model.scope_code_lookup, value))
