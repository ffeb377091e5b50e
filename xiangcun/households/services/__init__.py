"""Writes of the household registry, the only write path (DESIGN.md §2), split by entity:

- ``registry``: households, persons and their dated events, houses, land, livestock, tags
- ``importing``: Excel imports (members, and the income and 务工 sheets of the same workbook)

Income and 务工 are written by ``livelihoods.services``, the 防返贫 monitoring by ``monitoring.services``.
"""
