"""The OpenAPI schema states what the API checks (issue 11: a fuzzer's generated data was mostly refused).

drf-spectacular describes a django-filter parameter by its type only; the bounds live on the filter's form
field. This extension copies them: a whole number is an ``integer``, ``min_value``/``max_value`` become
``minimum``/``maximum``, ``max_length`` becomes ``maxLength`` and a ``RegexValidator`` a ``pattern``. It is
registered by importing this module (``CoreConfig.ready``).
"""

from __future__ import annotations

import copy

from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.contrib.django_filters import DjangoFilterExtension


class BoundedFilterExtension(DjangoFilterExtension):
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        # A copy: the declared filter must not keep a form field built outside any request (FilterSets copy
        # their declared filters, with whatever they hold).
        field = copy.deepcopy(filter_field).field
        # DecimalField and FloatField derive from IntegerField.
        whole = isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField)
        for parameter in parameters:
            schema = parameter.get("schema", {})
            target = schema.get("items", schema) if schema.get("type") == "array" else schema
            if whole and target.get("type") == "number":
                target["type"] = "integer"
                target.pop("format", None)
            for attribute, key in (("min_value", "minimum"), ("max_value", "maximum"), ("max_length", "maxLength"),
                                   ("min_length", "minLength")):
                value = getattr(field, attribute, None)
                if value is not None and key not in target:
                    target[key] = value
            for validator in field.validators:
                if isinstance(validator, RegexValidator) and not validator.inverse_match and "pattern" not in target:
                    target["pattern"] = validator.regex.pattern
        return parameters
