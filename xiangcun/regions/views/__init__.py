"""Pages of the regions app: the tree and grids (regions.py), public facilities (facilities.py)."""
