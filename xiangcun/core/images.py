"""Photos people upload: proved to be images by decoding, stripped of EXIF (GPS included), resized, thumbnailed.

A phone photo carries the place it was taken and the phone's serial in EXIF; the platform stores
only the pixels. Every upload is decoded with Pillow and written anew as JPEG; what cannot be decoded
or is too large is refused with a message that names the file, and the caller keeps the rest of the
form.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2560  # longer side of the stored photo; a phone's 4000 px add nothing but bytes on a weak network
THUMB_SIDE = 320
MAX_PIXELS = 60_000_000  # beyond this a "photo" is a decompression bomb, not a picture


class ImageRejected(ValueError):
    """An upload that is not a usable photo; ``str()`` says why, in the user's language."""


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    size: int


def max_upload_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)  # no exif= argument: nothing carried over
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def process_image(upload, *, name: str = "") -> ProcessedImage:
    """Decode ``upload`` (a file-like object), or raise ImageRejected saying what is wrong with it."""
    label = name or getattr(upload, "name", "") or _("the file")
    size = getattr(upload, "size", None)
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise ImageRejected(_("%(name)s is %(size).1f MB; a photo may be at most %(limit)d MB.")
                            % {"name": label, "size": size / 1048576, "limit": limit // 1048576})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ImageRejected(_("%(name)s is larger than %(limit)d MB; a photo may be at most %(limit)d MB.")
                            % {"name": label, "limit": limit // 1048576})
    if not data:
        raise ImageRejected(_("%(name)s is empty.") % {"name": label})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRejected(_("%(name)s has too many pixels to be a photo.") % {"name": label})
                probe.load()
                image = ImageOps.exif_transpose(probe)  # keep the picture upright once EXIF is gone
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise ImageRejected(_("%(name)s is not a photo (JPEG, PNG, WebP, GIF or HEIC saved as JPEG); "
                              "choose a picture.") % {"name": label}) from None
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    content = _jpeg(image, 85)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return ProcessedImage(ContentFile(content, name="photo.jpg"), ContentFile(_jpeg(thumb, 75), name="thumb.jpg"),
                          image.width, image.height, len(content))
