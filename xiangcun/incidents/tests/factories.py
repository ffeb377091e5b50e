"""Incidents in a given village for the tests: scope factories, photos, a shortcut through the loop."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xiangcun.core.testing import scope_factory
from xiangcun.incidents import choices
from xiangcun.incidents.models import Category, DispatchRule, Incident, IncidentEvent, IncidentPhoto, Patrol
from xiangcun.incidents.services.reporting import next_tracking_code
from xiangcun.regions.models import Region


def jpeg_bytes(size: tuple[int, int] = (64, 48), color: str = "green", *, exif_gps: bool = False) -> bytes:
    """A real JPEG; with ``exif_gps`` it carries a GPS position in EXIF, as a phone's photo does."""
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestPhone"  # Make
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (33.0, 47.0, 10.0), "E", (104.0, 22.0, 5.0)
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_upload(name: str = "photo.jpg", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**options), content_type="image/jpeg")


def category(code: str = "env-garbage") -> Category:
    return Category.objects.get(code=code)


@scope_factory(Incident)
def make_incident(village: Region, *, category_code: str = "env-garbage", state: str = choices.State.REPORTED,
                  reporter=None, is_public: bool = True, source: str = choices.Source.VILLAGER, **fields) -> Incident:
    """An incident written directly (not through the loop) in ``village``; for lists, scope and statistics."""
    incident = Incident.objects.create(
        region=village, category=category(category_code), code=next_tracking_code(), source=source, state=state,
        description=fields.pop("description", "村口垃圾堆放多日无人清理"), reporter=reporter, is_public=is_public,
        **fields)
    IncidentEvent.objects.create(incident=incident, action=choices.EventKind.CREATE, to_state=state)
    return incident


@scope_factory(IncidentEvent)
def make_event(village: Region) -> IncidentEvent:
    return make_incident(village).events.get()


@scope_factory(IncidentPhoto)
def make_photo(village: Region) -> IncidentPhoto:
    from xiangcun.core.images import process_image

    incident = make_incident(village)
    processed = process_image(photo_upload())
    photo = IncidentPhoto(incident=incident, size=processed.size)
    photo.image.save("t.jpg", processed.image, save=False)
    photo.thumbnail.save("t.jpg", processed.thumbnail, save=False)
    photo.save()
    return photo


@scope_factory(Patrol)
def make_patrol(village: Region, *, worker=None) -> Patrol:
    from xiangcun.accounts.models import User

    worker = worker or User.objects.create(username=f"patrol-{village.code}-{Patrol.objects.count()}")
    return Patrol.objects.create(region=village, worker=worker)


@scope_factory(DispatchRule)
def make_dispatch_rule(region: Region, *, category_code: str = "env-garbage",
                       assignee_kind: str = choices.AssigneeKind.VILLAGE) -> DispatchRule:
    """A rule written directly in ``region`` (the services accept only a county or township; the scope walk
    puts one in each test village)."""
    return DispatchRule.objects.create(region=region, category=category(category_code), assignee_kind=assignee_kind)
