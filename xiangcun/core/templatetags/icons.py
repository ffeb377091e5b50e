"""``{% load icons %}`` — ``{% icon "name" %}`` puts a vendored Tabler icon inline, as SVG.

Icons, not emoji: an emoji shows as an empty box on a computer without an emoji font (most government PCs), an
inline SVG draws everywhere and takes the colour of the text. The icons are the few SVG files of ``@tabler/icons``
that ``scripts/vendor.mjs`` copies into ``static/vendor/tabler-icons/`` (add a name there to use another icon).

``{% icon "star-filled" label=_("stars") class="text-yellow" %}``: with ``label`` the icon is an image with that
accessible name; without, it is decoration, hidden from screen readers.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "tabler-icons"
_NAME = re.compile(r"[a-z0-9-]+")
_SVG = re.compile(r"<svg\b(?P<attrs>[^>]*)>(?P<body>.*)</svg>", re.S)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_KEPT = ("viewBox", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin")


@cache
def _icon(name: str) -> tuple[dict[str, str], str]:
    """The drawing attributes and the inner markup of the vendored icon ``name``."""
    path = ICON_DIR / f"{name}.svg"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise template.TemplateSyntaxError(f"no icon {name!r} in {ICON_DIR} (add it to scripts/vendor.mjs)")
    match = _SVG.search(path.read_text())
    attrs = {key: value for key, value in _ATTR.findall(match["attrs"]) if key in _KEPT}
    return attrs, " ".join(match["body"].split())


def icon_svg(name: str, *, label: str = "", css: str = "") -> SafeString:
    """The icon's ``<svg>``; its drawing is the vendored file's (trusted), the label and classes are escaped."""
    attrs, body = _icon(name)
    drawing = format_html_join("", ' {}="{}"', attrs.items())
    access = format_html(' role="img" aria-label="{}"', label) if label else mark_safe(' aria-hidden="true"')
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" class="{}" width="24" height="24"{}{} '
                       'focusable="false">{}</svg>', f"icon {css}".strip(), drawing, access, mark_safe(body))


@register.simple_tag
def icon(name: str, label: str = "", **options) -> SafeString:
    return icon_svg(name, label=str(label), css=str(options.get("class", "")))
