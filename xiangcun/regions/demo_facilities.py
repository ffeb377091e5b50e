"""Demo facilities (公共设施) for ``seed_demo``: every village gets its 村委会 and 卫生室 and a few of 学校, 文化广场,
机井, 闸口, 停车场, 路灯, at points inside its (synthetic) demo boundary; deterministic with the seed.

Written through ``regions.services.facility_create`` (the system as actor), so each point is checked to lie
in its village like any other. Villages that already have facilities are left as they are, so running
``seed_demo`` again adds nothing.
"""

from __future__ import annotations

import contextlib
import logging

import numpy as np
from shapely.geometry import Point, shape

from xiangcun.regions.choices import FacilityKind, Level
from xiangcun.regions.models import Facility, Region
from xiangcun.regions.services import facility_create

ALWAYS = ((FacilityKind.COMMITTEE, "{village}村委会"), (FacilityKind.CLINIC, "{village}卫生室"))
SOMETIMES = ((FacilityKind.SCHOOL, "{village}小学"), (FacilityKind.SQUARE, "{village}文化广场"),
             (FacilityKind.WELL, "{village}1号机井"), (FacilityKind.SLUICE, "{village}1号闸口"),
             (FacilityKind.PARKING, "{village}停车场"), (FacilityKind.STREETLIGHT, "{village}1号路灯"))
EXTRA_PER_VILLAGE = (2, 4)
DESCRIPTIONS = {FacilityKind.COMMITTEE: "村两委办公、便民服务", FacilityKind.CLINIC: "村医坐诊，常用药品"}


def _point_inside(polygon, rng: np.random.Generator) -> tuple[float, float]:
    """(lat, lng) of a random point inside the polygon, kept off the edge so it is plainly the village's."""
    core = polygon.buffer(-0.0005)
    area = core if not core.is_empty else polygon
    min_x, min_y, max_x, max_y = area.bounds
    for _attempt in range(200):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if area.contains(Point(x, y)):
            return round(float(y), 6), round(float(x), 6)
    point = area.representative_point()
    return round(point.y, 6), round(point.x, 6)


@contextlib.contextmanager
def _quiet(name: str):
    """The service logs each facility it creates; for a thousand demo points seed_demo prints one total instead."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def seed_facilities(*, county: Region, seed: int = 2026) -> dict:
    """Create the demo facilities of the county's villages that have a boundary and no facility yet."""
    with _quiet("xiangcun.regions.services"):
        return _seed(county, seed)


def _seed(county: Region, seed: int) -> dict:
    rng = np.random.default_rng([seed, 5])
    villages = list(Region.objects.under(county.code).filter(level=Level.VILLAGE, boundary__isnull=False)
                    .order_by("code"))
    furnished = set(Facility.objects.filter(region__in=villages).values_list("region_id", flat=True).distinct())
    created = skipped = 0
    for village in villages:
        # Draw for every village, furnished or not, so one village's choices do not depend on the others'.
        low, high = EXTRA_PER_VILLAGE
        extra = rng.choice(len(SOMETIMES), size=int(rng.integers(low, high + 1)), replace=False)
        polygon = shape(village.boundary)
        points = [_point_inside(polygon, rng) for _ in range(len(ALWAYS) + len(extra))]
        if village.pk in furnished:
            skipped += 1
            continue
        # The committee and the clinic near the middle of the village, where people live.
        centre = polygon.representative_point()
        plan = [*ALWAYS, *(SOMETIMES[int(index)] for index in sorted(extra))]
        for (kind, pattern), (lat, lng) in zip(plan, points, strict=True):
            if kind in (FacilityKind.COMMITTEE, FacilityKind.CLINIC):
                lat, lng = _near(polygon, centre, lat, lng)
            facility_create(actor=None, village=village, kind=kind,
                            name=pattern.format(village=village.display_name),
                            latitude=lat, longitude=lng, description=DESCRIPTIONS.get(kind, ""))
            created += 1
    return {"facilities_created": created, "villages_skipped": skipped}


def _near(polygon, centre: Point, lat: float, lng: float) -> tuple[float, float]:
    """A point 40 % of the way from the village's centre towards (lat, lng): inside, nearer the middle."""
    x, y = centre.x + (lng - centre.x) * 0.4, centre.y + (lat - centre.y) * 0.4
    if polygon.contains(Point(x, y)):
        return round(y, 6), round(x, 6)
    return round(centre.y, 6), round(centre.x, 6)
