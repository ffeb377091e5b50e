"""REST API of the household registry: /api/v1/households/, /api/v1/persons/, … (documented in /api/schema/)."""

from __future__ import annotations
