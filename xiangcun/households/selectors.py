"""Reads of the household registry that are more than a filter: the dossier, summaries, eligibility lists."""

from __future__ import annotations
