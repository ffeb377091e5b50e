"""Demo geometry for a county's tree — SYNTHETIC shapes, NOT the real boundaries of 舟曲县 or anywhere else.

The statistics office publishes codes and names, not outlines, and official boundary data may not
be redistributed freely. So the demo draws its own map, deterministically from a seed:

- the county: a smooth irregular closed outline of about 3,000 km² around 33.78°N 104.37°E;
- townships: seed points spread evenly over it (k-means over random points), the county seat
  nearest the middle and the others numbered round it;
- villages: points clustered round their township's seed; each village's boundary is its
  Voronoi cell among all the county's villages, clipped to the outline, and a township's boundary
  is the union of its villages' cells;
- grids (网格): 2–4 per village, the Voronoi sub-cells of seeded points inside the village cell,
  coded ``<village code>G01``… and written through :func:`regions.services.grid_create`.

All shapes are built in a local kilometre plane (so cells are fair in both directions) and then
turned into WGS84 longitude/latitude rounded to 6 decimals (about 0.1 m). Running it again with
the same seed gives the same coordinates and updates what exists instead of duplicating it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from xiangcun.core.demo import DemoContext, DemoOption, DemoStep
from xiangcun.core.demo import register as register_demo
from xiangcun.core.errors import ServiceError
from xiangcun.regions.choices import Level
from xiangcun.regions.errors import ErrorCode
from xiangcun.regions.models import Grid, Region
from xiangcun.regions.services import grid_create, grid_delete, grid_update, region_set_boundaries

CENTER_LNG, CENTER_LAT = 104.37, 33.78
AREA_KM2 = 3000.0
KM_PER_DEGREE_LAT = 111.32
KM_PER_DEGREE_LNG = KM_PER_DEGREE_LAT * math.cos(math.radians(CENTER_LAT))
OUTLINE_VERTICES = 240
# Harmonics of the outline's radius: (frequency, relative amplitude). The amplitudes add up to
# less than 1, so the radius stays positive and the outline cannot cross itself.
OUTLINE_HARMONICS = ((2, 0.16), (3, 0.11), (5, 0.05), (7, 0.025))
PRECISION = 1e-6  # degrees; GeoJSON coordinates are rounded to 6 decimals
GRIDS_PER_VILLAGE = (2, 4)


# --- shapes in the local kilometre plane ---------------------------------------------------------

def _rng(seed: int, stream: int) -> np.random.Generator:
    # One independent stream per purpose: changing how many grids are drawn does not move villages.
    return np.random.default_rng([seed, stream])


def _outline_km(seed: int) -> Polygon:
    rng = _rng(seed, 1)
    theta = np.linspace(0.0, 2.0 * math.pi, OUTLINE_VERTICES, endpoint=False)
    radius = np.ones_like(theta)
    for frequency, amplitude in OUTLINE_HARMONICS:
        radius += amplitude * np.sin(frequency * theta + rng.uniform(0.0, 2.0 * math.pi))
    # Longer east–west than north–south, like the valley counties of southern Gansu.
    outline = Polygon(np.column_stack((1.35 * radius * np.cos(theta), radius * np.sin(theta) / 1.35)))
    factor = math.sqrt(AREA_KM2 / outline.area)
    return shapely.affinity.scale(outline, factor, factor, origin=(0.0, 0.0))


def _to_lnglat(geometry: BaseGeometry) -> BaseGeometry:
    scale = np.array([1.0 / KM_PER_DEGREE_LNG, 1.0 / KM_PER_DEGREE_LAT])
    offset = np.array([CENTER_LNG, CENTER_LAT])
    moved = shapely.transform(geometry, lambda xy: xy * scale + offset)
    return shapely.set_precision(moved, PRECISION)


def county_outline(seed: int = 2026) -> Polygon:
    """The synthetic county outline in WGS84 longitude/latitude (about 3,000 km²)."""
    return _to_lnglat(_outline_km(seed))


def _points_inside(area: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` uniform random points inside ``area``."""
    min_x, min_y, max_x, max_y = area.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        batch = rng.uniform((min_x, min_y), (max_x, max_y), size=(max(64, 4 * count), 2))
        found = np.vstack((found, batch[shapely.contains_xy(area, batch[:, 0], batch[:, 1])]))
    return found[:count]


def _spread_points(area: BaseGeometry, count: int, rng: np.random.Generator, *, iterations: int = 25) -> np.ndarray:
    """``count`` points spread evenly over ``area``: k-means centres of many random points."""
    samples = _points_inside(area, 150 * count, rng)
    centres = samples[rng.choice(len(samples), size=count, replace=False)]
    for _round in range(iterations):
        nearest = np.argmin(((samples[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        centres = np.array([samples[nearest == k].mean(axis=0) if np.any(nearest == k) else centres[k]
                            for k in range(count)])
    return centres


def _clustered_points(area: BaseGeometry, centre: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points round ``centre`` inside ``area``, not closer together than a fair spacing."""
    spread = 0.5 * math.sqrt(area.area)
    spacing = 0.45 * math.sqrt(area.area / count)
    points: list[np.ndarray] = []
    tries = 0
    while len(points) < count:
        tries += 1
        if tries % 500 == 0:
            spacing *= 0.8  # a narrow cell: accept closer neighbours rather than loop forever
        if tries > 2000:
            candidate = _points_inside(area, 1, rng)[0]  # the centre lies far off: draw from the area itself
        else:
            candidate = rng.normal(centre, spread)
            if not area.contains(Point(candidate)):
                continue
        if all(np.hypot(*(candidate - other)) >= spacing for other in points):
            points.append(candidate)
    return np.array(points)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The areal part of a clipping result (an intersection may also yield stray lines or points)."""
    parts = [part for part in shapely.get_parts(geometry) if isinstance(part, Polygon) and not part.is_empty]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _voronoi_cells(points: np.ndarray, clip: BaseGeometry) -> list[BaseGeometry]:
    """The Voronoi cell of each point, clipped to ``clip``, in the order of ``points``.

    The cells are matched back to their points by containment rather than by position: the order
    of ``voronoi_polygons`` output follows the input only with ``ordered=True`` (shapely ≥ 2.1).
    """
    if len(points) == 1:
        return [clip]
    envelope = clip.envelope.buffer(clip.length)
    cells = list(shapely.get_parts(shapely.voronoi_polygons(MultiPoint(points), extend_to=envelope)))
    tree = shapely.STRtree(cells)
    result: list[BaseGeometry] = []
    for x, y in points:
        matches = tree.query(Point(x, y), predicate="within")
        if len(matches) != 1:
            raise RuntimeError(f"Voronoi cell of ({x:.3f}, {y:.3f}) not found exactly once")
        result.append(_polygonal(cells[matches[0]].intersection(clip)))
    return result


# --- GeoJSON --------------------------------------------------------------------------------------

def _ring(coords) -> list[list[float]]:
    return [[round(x, 6), round(y, 6)] for x, y in coords]


def geojson(geometry: BaseGeometry) -> dict:
    """A (Multi)Polygon as a GeoJSON geometry dict, coordinates rounded to 6 decimals."""
    def polygon(part: Polygon) -> list:
        return [_ring(part.exterior.coords), *(_ring(hole.coords) for hole in part.interiors)]

    if isinstance(geometry, Polygon):
        return {"type": "Polygon", "coordinates": polygon(geometry)}
    return {"type": "MultiPolygon", "coordinates": [polygon(part) for part in geometry.geoms]}


# --- the demo map ---------------------------------------------------------------------------------

def _township_order(seeds: np.ndarray) -> list[int]:
    """Seed indexes for the townships in code order: the seat (first code) in the middle, then round it."""
    seat = int(np.argmin(np.hypot(seeds[:, 0], seeds[:, 1])))
    others = [k for k in range(len(seeds)) if k != seat]
    others.sort(key=lambda k: math.atan2(seeds[k, 1], seeds[k, 0]))
    return [seat, *others]


@transaction.atomic
def seed_demo_geometry(*, county_code: str = "623023", seed: int = 2026) -> dict:
    """Give the county, its townships and villages SYNTHETIC boundaries and centroids, and create grids.

    Returns counts of what was done. The county's tree must have been imported before.
    """
    county = Region.objects.filter(code=county_code, level=Level.COUNTY).first()
    if county is None:
        raise ServiceError(_("The county %(code)s is not in the database; import its regions first.")
                           % {"code": county_code}, code=ErrorCode.COUNTY_MISSING)
    townships = list(Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"))
    villages = list(Region.objects.filter(parent__in=townships, level=Level.VILLAGE).order_by("code"))
    if not villages:
        raise ServiceError(_("The county %(code)s has no villages; import its regions first.")
                           % {"code": county_code}, code=ErrorCode.COUNTY_EMPTY)

    outline = _outline_km(seed)
    seeds = _spread_points(outline, len(townships), _rng(seed, 2))
    township_seed = dict(zip((t.pk for t in townships), seeds[_township_order(seeds)], strict=True))
    township_cells = dict(zip((t.pk for t in townships),
                              _voronoi_cells(seeds[_township_order(seeds)], outline), strict=True))

    rng = _rng(seed, 3)
    village_points: list[np.ndarray] = []
    owners: list[int] = []
    for township in townships:
        members = [v for v in villages if v.parent_id == township.pk]
        if members:
            village_points.append(_clustered_points(township_cells[township.pk], township_seed[township.pk],
                                                    len(members), rng))
            owners.extend(v.pk for v in members)
    by_pk = {v.pk: v for v in villages}
    ordered_villages = [by_pk[pk] for pk in owners]
    village_cells = _voronoi_cells(np.vstack(village_points), outline)

    shapes: dict[str, BaseGeometry] = {county.code: outline}
    cells_of: dict[int, list[BaseGeometry]] = {}
    for village, cell in zip(ordered_villages, village_cells, strict=True):
        shapes[village.code] = cell
        cells_of.setdefault(village.parent_id, []).append(cell)
    for township in townships:
        if township.pk in cells_of:
            shapes[township.code] = _polygonal(shapely.union_all(cells_of[township.pk]))

    features = [{"type": "Feature", "properties": {"code": code}, "geometry": geojson(_to_lnglat(shape))}
                for code, shape in shapes.items()]
    result = region_set_boundaries(actor=None, features={"type": "FeatureCollection", "features": features},
                                   code_field="code")
    if result.invalid_features or result.unknown_codes:
        raise RuntimeError(f"demo geometry refused: {result.invalid_features} {result.unknown_codes}")

    grid_counts = _seed_grids(ordered_villages, village_cells, _rng(seed, 4))
    return {"county": county.code, "area_km2": round(outline.area, 1), "townships": len(cells_of),
            "villages": len(ordered_villages), "regions_updated": result.updated,
            "regions_unchanged": result.unchanged, **grid_counts}


def _seed_grids(villages: list[Region], cells: list[BaseGeometry], rng: np.random.Generator) -> dict:
    """2–4 grids per village: Voronoi sub-cells of seeded points; existing demo grids are updated."""
    low, high = GRIDS_PER_VILLAGE
    existing = {grid.code: grid for grid in Grid.objects.filter(village__in=villages).prefetch_related("workers")}
    counts = {"grids_created": 0, "grids_updated": 0, "grids_unchanged": 0, "grids_deleted": 0}
    wanted: set[str] = set()
    pairs = sorted(zip(villages, cells, strict=True), key=lambda pair: pair[0].code)
    for village, cell in pairs:
        village.refresh_from_db(fields=["boundary"])  # grid_create checks the grid lies inside it
        count = int(rng.integers(low, high + 1))
        points = _points_inside(cell, count, rng)
        for number, sub_cell in enumerate(_voronoi_cells(points, cell), start=1):
            code = f"{village.code}G{number:02d}"
            name = f"{village.display_name}第{number}网格"
            boundary = geojson(_to_lnglat(sub_cell))
            wanted.add(code)
            grid = existing.get(code)
            if grid is None:
                grid_create(actor=None, village=village, code=code, name=name, boundary=boundary)
                counts["grids_created"] += 1
            elif grid.name == name and grid.boundary == boundary:
                counts["grids_unchanged"] += 1
            else:
                grid_update(actor=None, grid=grid, name=name, boundary=boundary, workers=list(grid.workers.all()))
                counts["grids_updated"] += 1
    demo_codes = {code for code in existing if len(code) == 15 and code[12] == "G" and code[13:].isdigit()}
    for code in sorted(demo_codes - wanted):
        try:
            grid_delete(actor=None, grid=existing[code])
        except ServiceError:
            continue  # still referenced by other records: keep it
        counts["grids_deleted"] += 1
    return counts


# --- the regions app's part of ``seed_demo`` (core.demo) ------------------------------------------------------
DEMO_DATA = Path(__file__).resolve().parent / "data" / "zhouqu"


def _demo_tree(context: DemoContext) -> str:
    """The county's real division tree from the national files (舟曲县's are shipped in data/zhouqu/)."""
    from xiangcun.regions import importing
    from xiangcun.regions.services import region_import_tree

    source = Path(context.options.get("data") or DEMO_DATA)
    try:
        units = importing.load_units(source, root=context.county_code)
    except importing.DivisionFilesInvalid as failure:
        raise CommandError("\n".join(str(error) for error in failure.errors[:20])) from None
    if not any(unit.code == context.county_code for unit in units):
        raise CommandError(f"county {context.county_code} is not in {source}")
    with transaction.atomic():
        result = region_import_tree(actor=None, units=units)
    context.county = Region.objects.get(code=context.county_code)
    return f"{result.created} created, {result.updated} renamed, {result.unchanged} unchanged"


def _demo_geometry(context: DemoContext) -> dict:
    with transaction.atomic():
        return seed_demo_geometry(county_code=context.county_code, seed=context.seed)


def _demo_facilities(context: DemoContext) -> dict:
    from xiangcun.regions.demo_facilities import seed_facilities

    with transaction.atomic():
        return seed_facilities(county=context.county, seed=context.seed)


register_demo(DemoStep("regions", _demo_tree, order=10, options=(
    DemoOption("data", str, str(DEMO_DATA), "folder of division CSV files holding the county"),)))
register_demo(DemoStep("geometry", _demo_geometry, order=20))
register_demo(DemoStep("facilities", _demo_facilities, order=30))
