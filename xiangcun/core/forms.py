from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


def iso_date_widget(field: forms.Field) -> None:
    """A date field renders as ``<input type="date">`` with an ISO value (YYYY-MM-DD).

    A browser's date input accepts nothing else: a value in the locale's format (``2024/06/03`` in Chinese)
    shows as an empty field, and saving the form then erases the date. A widget the form chose on purpose that
    is not a date input (a select, a hidden input) is left alone.
    """
    widget = field.widget
    if not isinstance(field, forms.DateField):
        return
    if type(widget) is forms.TextInput:
        widget = field.widget = forms.DateInput(attrs=widget.attrs)
    if isinstance(widget, forms.DateInput):
        widget.format = ISO_DATE
        widget.input_type = "date"


class StyledFormMixin:
    """Give every widget Tabler's classes, so templates render ``{{ field }}`` and nothing more; every date field
    is a date input with an ISO value (``iso_date_widget``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            iso_date_widget(field)
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else (
                "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
