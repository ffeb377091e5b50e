"""Rows in a given village, for the generated scope test (core.testing.SCOPE_FACTORIES)."""

from __future__ import annotations

import itertools

from xiangcun.core.testing import scope_factory
from xiangcun.regions.choices import FacilityKind
from xiangcun.regions.models import Facility, FacilityPhoto, Grid, Region

_serial = itertools.count(1)


@scope_factory(Region)
def make_region(village: Region) -> Region:
    return village


@scope_factory(Grid)
def make_grid(village: Region) -> Grid:
    number = next(_serial)
    return Grid.objects.create(code=f"{village.code}T{number:02d}", name=f"{village.display_name}测试网格{number}",
                               village=village)


@scope_factory(Facility)
def make_facility(village: Region, **fields) -> Facility:
    number = next(_serial)
    values = {"kind": FacilityKind.CLINIC, "name": f"{village.display_name}卫生室{number}", "latitude": 33.79,
              "longitude": 104.25, **fields}
    return Facility.objects.create(region=village, **values)


@scope_factory(FacilityPhoto)
def make_facility_photo(village: Region) -> FacilityPhoto:
    from xiangcun.core.images import process_image
    from xiangcun.incidents.tests.factories import photo_upload

    processed = process_image(photo_upload())
    photo = FacilityPhoto(facility=make_facility(village), width=0, height=0)
    photo.image.save("t.jpg", processed.image, save=False)
    photo.thumbnail.save("t.jpg", processed.thumbnail, save=False)
    photo.save()
    return photo
