"""Fixtures the incident tests share: 杰迪村 and a grid of it looked after by grid_worker_a."""

from __future__ import annotations

import pytest

from xiangcun.core.testing import VILLAGE_A
from xiangcun.regions.models import Grid


@pytest.fixture
def village_a(tree):
    return tree[VILLAGE_A]


@pytest.fixture
def grid_a(village_a, personas):
    grid = Grid.objects.create(code=f"{VILLAGE_A}-01", name="杰迪村一网格", village=village_a)
    grid.workers.add(personas["grid_worker_a"])
    return grid
