"""Widgets every form of the platform must use; the walk finds every form class, so a new form cannot regress.

- Every date field renders as ``<input type="date">`` with an ISO value: a browser's date input shows nothing for
  a value in the locale's format (``2024/06/03`` in Chinese), and saving the form then erases the date.
- Every file field uses the file picker of ``core.forms`` (the browser's own file button speaks the browser's
  language, not the page's; see core/tests/test_browser_file_picker.py), and no template writes its own
  ``<input type="file">``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

import xiangcun
from xiangcun.core.forms import FilePickerInput
from xiangcun.core.testing import VILLAGE_A

SKIPPED_MODULES = (".tests", ".migrations", ".settings", ".asgi", ".wsgi", ".uvicorn_tcp")


def project_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(xiangcun.__path__, "xiangcun."):
        if not any(part in module.name for part in SKIPPED_MODULES):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("xiangcun.") and ".tests" not in cls.__module__ and not (
                issubclass(cls, forms.BaseModelForm) and cls._meta.model is None):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def date_form_classes() -> list[type[forms.BaseForm]]:
    return [cls for cls in project_form_classes()
            if any(isinstance(field, forms.DateField) for field in cls.base_fields.values())]


def test_the_walk_finds_the_forms_that_have_dates():
    names = {cls.__qualname__ for cls in date_form_classes()}
    assert {"HouseForm", "ParcelForm", "PersonAddForm", "LeaveForm", "HeadForm", "StepForm", "MeasureForm",
            "DeclareForm"} <= names


@pytest.fixture
def form_arguments(tree, personas):
    """Values for the keyword arguments that forms take besides the data (extend it for a new form)."""
    from xiangcun.households.tests.factories import make_household

    household = make_household(tree[VILLAGE_A], members=2)
    return {"user": personas["county_admin"], "household": household, "action": "record_consent_and_verify"}


@pytest.mark.parametrize("form_class", date_form_classes(), ids=lambda cls: cls.__qualname__)
def test_every_date_field_renders_an_iso_date_in_a_date_input(form_class, form_arguments):
    wanted = {name: form_arguments[name] for name, parameter in inspect.signature(form_class).parameters.items()
              if parameter.kind == parameter.KEYWORD_ONLY and parameter.default is parameter.empty
              and name in form_arguments}
    with translation.override("zh-hans"):
        form = form_class(**wanted)
        dates = [name for name, field in form.fields.items() if isinstance(field, forms.DateField)]
        for name in dates:
            form.initial[name] = date(2024, 6, 3)
            html = str(form[name])
            assert 'type="date"' in html and 'value="2024-06-03"' in html, f"{form_class.__qualname__}.{name}: {html}"


def file_fields() -> list[tuple[str, forms.Field]]:
    return [(f"{cls.__module__}.{cls.__qualname__}.{name}", field) for cls in project_form_classes()
            for name, field in cls.base_fields.items() if isinstance(field, forms.FileField)]


def test_every_file_field_uses_the_file_picker():
    fields = file_fields()
    assert len(fields) >= 5  # the import, the incident photos (desk and phone), the facility photos
    wrong = [name for name, field in fields if not isinstance(field.widget, FilePickerInput)]
    assert not wrong, f"file fields without core.forms.FilePickerInput: {wrong}"


def test_no_template_writes_its_own_file_input():
    root = Path(xiangcun.__file__).parent
    own = [str(path.relative_to(root)) for path in root.rglob("*.html")
           if "widgets" not in path.parts and re.search(r"type=[\"']?file", path.read_text())]
    assert not own, f"templates with their own <input type=file> (render the form's field instead): {own}"
