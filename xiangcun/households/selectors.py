"""Reads of the household registry that are more than a filter: the dossier, summaries, eligibility lists."""

from __future__ import annotations

from xiangcun.households.dossier import sections_for


def dossier_sections(household, user) -> list[dict]:
    """The dossier's sections for this user, in order (see households.dossier)."""
    return sections_for(household, user)
