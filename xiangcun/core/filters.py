"""Filters every FilterSet shares, so that a list page and the API check a parameter the same way and the
OpenAPI schema states the same bounds (see ``core.schema``)."""

from __future__ import annotations

import django_filters
from django import forms


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``NumberFilter`` takes decimals and, unbounded, numbers too large to compute with).

    Give it ``min_value``/``max_value``: a value out of range is refused with the form's message (400 in the
    API, the field's error on the page) instead of reaching the query.
    """

    field_class = forms.IntegerField
