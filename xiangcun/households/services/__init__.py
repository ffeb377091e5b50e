"""Writes of the household registry, the only write path (DESIGN.md §2), split by entity:

- ``registry``: households, persons and their dated events, houses, land, livestock, tags
- ``income``: income records and the county's estimation rules
- ``employment``: 务工 records
- ``monitoring``: risk clues, monitoring cases (the 防返贫 workflow), objections, measures, the register
- ``importing``: Excel imports
"""
