"""The synthetic demo map of 舟曲县: valid, non-overlapping cells, grids inside villages, deterministic."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point, Polygon, shape
from shapely.ops import unary_union

from xiangcun.regions.choices import Level
from xiangcun.regions.demo import (
    KM_PER_DEGREE_LAT,
    KM_PER_DEGREE_LNG,
    _voronoi_cells,
    county_outline,
    seed_demo_geometry,
)
from xiangcun.regions.importing import load_units
from xiangcun.regions.models import Grid, Region
from xiangcun.regions.services import region_import_tree

ZHOUQU = Path(__file__).resolve().parent.parent / "data" / "zhouqu"


@pytest.fixture
def demo(db) -> dict:
    region_import_tree(actor=None, units=load_units(ZHOUQU))
    return seed_demo_geometry(county_code="623023", seed=2026)


def outlines(level: Level) -> dict[str, object]:
    return {r.code: r for r in Region.objects.filter(code__startswith="623023", level=level)}


def test_every_village_has_a_valid_polygon_containing_its_centroid(demo):
    villages = outlines(Level.VILLAGE)
    assert len(villages) == 212 and demo["villages"] == 212
    for village in villages.values():
        polygon = shape(village.boundary)
        assert polygon.geom_type in ("Polygon", "MultiPolygon") and polygon.is_valid, village.code
        assert polygon.contains(Point(village.centroid_lng, village.centroid_lat)), village.code


def test_village_cells_tile_the_county_without_overlap(demo):
    county = shape(Region.objects.get(code="623023").boundary)
    cells = [shape(v.boundary) for v in outlines(Level.VILLAGE).values()]

    assert sum(cell.area for cell in cells) == pytest.approx(county.area, rel=0.01)
    assert unary_union(cells).area == pytest.approx(county.area, rel=0.01)
    # The outline is about 3,000 km² around 33.78°N 104.37°E.
    assert county.area * KM_PER_DEGREE_LNG * KM_PER_DEGREE_LAT == pytest.approx(3000, rel=0.05)
    assert county.contains(Point(104.37, 33.78))


def test_each_township_is_the_union_of_its_villages(demo):
    villages = outlines(Level.VILLAGE)
    townships = outlines(Level.TOWNSHIP)
    assert len(townships) == 19
    for township in townships.values():
        outline = shape(township.boundary)
        mine = [shape(v.boundary) for v in villages.values() if v.parent_id == township.pk]
        assert outline.is_valid and township.centroid_lat is not None
        assert outline.area == pytest.approx(sum(cell.area for cell in mine), rel=0.01)
        assert all(outline.buffer(1e-5).contains(cell) for cell in mine)


def test_each_township_is_one_piece_without_holes(demo):
    # Villages were matched to the wrong cells if a township came out scattered over the county.
    for township in outlines(Level.TOWNSHIP).values():
        assert township.boundary["type"] == "Polygon", township.code
        assert len(township.boundary["coordinates"]) == 1, township.code


def test_each_voronoi_cell_is_matched_to_its_own_point():
    points = np.random.default_rng(1).uniform(0, 10, (60, 2))
    clip = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])

    cells = _voronoi_cells(points, clip)

    assert all(cell.contains(Point(x, y)) for cell, (x, y) in zip(cells, points, strict=True))


def test_every_village_has_two_to_four_grids_inside_it(demo):
    villages = outlines(Level.VILLAGE)
    grids = list(Grid.objects.select_related("village"))
    assert demo["grids_created"] == len(grids)
    per_village: dict[str, int] = {}
    for grid in grids:
        per_village[grid.village.code] = per_village.get(grid.village.code, 0) + 1
        assert re.fullmatch(re.escape(grid.village.code) + r"G0[1-4]", grid.code)
        assert grid.name == f"{grid.village.short_name}第{int(grid.code[-2:])}网格"
        outline = shape(grid.boundary)
        assert outline.is_valid
        assert shape(grid.village.boundary).buffer(1e-5).contains(outline), grid.code
    assert set(per_village) == set(villages)
    assert set(per_village.values()) <= {2, 3, 4} and len(set(per_village.values())) > 1
    jiedi = Grid.objects.get(code="623023103203G01")
    assert jiedi.name == "杰迪村第1网格"
    for village in villages.values():
        cells = [shape(g.boundary) for g in grids if g.village_id == village.pk]
        assert sum(c.area for c in cells) == pytest.approx(shape(village.boundary).area, rel=0.01)


def test_the_same_seed_gives_the_same_coordinates_and_rerunning_duplicates_nothing(demo):
    first = dict(Region.objects.filter(boundary__isnull=False).values_list("code", "boundary"))
    first_grids = dict(Grid.objects.values_list("code", "boundary"))

    other = seed_demo_geometry(county_code="623023", seed=7)
    assert dict(Region.objects.filter(boundary__isnull=False).values_list("code", "boundary")) != first
    again = seed_demo_geometry(county_code="623023", seed=2026)

    assert dict(Region.objects.filter(boundary__isnull=False).values_list("code", "boundary")) == first
    assert dict(Grid.objects.values_list("code", "boundary")) == first_grids
    assert other["grids_updated"] > 0 and again["grids_updated"] > 0
    assert Grid.objects.count() == demo["grids_created"]  # grids a seed-7 map added are gone again
    assert county_outline(2026).equals(county_outline(2026))
    assert not county_outline(2026).equals(county_outline(7))


def test_rerunning_with_the_same_seed_changes_nothing(demo):
    stamps = dict(Grid.objects.values_list("code", "updated_at"))
    region_stamps = dict(Region.objects.values_list("code", "updated_at"))

    again = seed_demo_geometry(county_code="623023", seed=2026)

    assert (again["grids_created"], again["grids_updated"], again["regions_updated"]) == (0, 0, 0)
    assert again["grids_unchanged"] == demo["grids_created"]
    assert again["regions_unchanged"] == demo["regions_updated"] == 232
    assert dict(Grid.objects.values_list("code", "updated_at")) == stamps
    assert dict(Region.objects.values_list("code", "updated_at")) == region_stamps


def test_geojson_coordinates_are_rounded_to_six_decimals(demo):
    ring = Region.objects.get(code="623023103203").boundary["coordinates"][0]
    assert all(round(value, 6) == value for point in ring for value in point)
