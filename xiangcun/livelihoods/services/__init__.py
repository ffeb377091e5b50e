"""Writes of income and 务工, the only write path (DESIGN.md §2), split by entity:

- ``income``: income records and the county's estimation rules
- ``employment``: 务工 records
"""
