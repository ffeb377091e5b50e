from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class FilePickerInput(forms.FileInput):
    """A file input that speaks the page's language: "选择文件" / "选择照片" and the chosen names, not Chromium's
    "Choose Files" / "No file chosen" (the browser draws its own button in the browser's language, whatever the
    page's). The native input stays in the page, hidden but focusable, so forms, tests and scripts use it as before;
    ``static/js/file-picker.js`` writes the chosen names. ``accept="image/*"`` makes the button "选择照片"."""

    template_name = "core/widgets/file_picker.html"

    def __init__(self, attrs: dict | None = None, *, button: str | None = None,
                 button_class: str = "btn btn-outline-primary") -> None:
        super().__init__(attrs)
        self.button, self.button_class = button, button_class

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        photos = str(widget["attrs"].get("accept", "")).startswith("image/")
        widget["attrs"]["class"] = "file-picker-input"
        widget.update(photos=photos, button=self.button or (_("Choose photos") if photos else _("Choose files")),
                      button_class=self.button_class, none=_("No file chosen"),
                      separator=pgettext_lazy("between the names of files", ", "))
        return context


class MultipleFilePickerInput(FilePickerInput):
    """The file picker for several files under one name (``<input type=file multiple>``)."""

    allow_multiple_selected = True


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
