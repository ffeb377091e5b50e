"""The household dossier (户档案袋): one page made of sections that apps register.

An app adds its part of the page without editing the dossier: in its ``apps.py`` ``ready()`` it calls

    register_section(Section(key="incidents", title=_("Incidents"), template="incidents/dossier_section.html",
                             context=incidents_for_household, order=60, permission="incidents.view_incident"))

``context(household, user)`` returns the template's context (it must read through ``restrict(user, …)``);
``permission`` hides the section from users without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    template: str
    context: Callable[..., dict]
    order: int = 100
    permission: str | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add or replace a section of the dossier (keys are unique; registering twice replaces)."""
    _SECTIONS[section.key] = section


def sections_for(household, user) -> list[dict]:
    """The sections ``user`` may see, in order, each with its rendered context."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if section.permission and not user.has_perm(section.permission):
            continue
        shown.append({"key": section.key, "title": section.title, "template": section.template,
                      "context": section.context(household, user)})
    return shown
