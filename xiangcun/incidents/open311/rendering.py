"""The two formats of GeoReport v2: XML (required by the specification) and JSON, and its error documents.

A document is built once as plain Python values (dicts, lists, strings) and written in either format;
the XML element names are the JSON keys, and a list is written as repeated child elements whose name is
given by ``LIST_ITEMS`` (``<formats><format>…</format></formats>``).
"""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The element name of each item of a list, by the list's own element name.
LIST_ITEMS = {
    "service_requests": "request", "services": "service", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value",
}


def w3c_datetime(value: datetime | None) -> str:
    """``2026-11-22T08:15:30+08:00``: local time with its offset, as the specification asks."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c_datetime(value)
    return str(value)


def _append(parent: ElementTree.Element, tag: str, value) -> None:
    element = ElementTree.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ElementTree.Element, tag: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _append(element, LIST_ITEMS[tag], item)
    else:
        element.text = _text(value)


def to_xml(root: str, document) -> str:
    element = ElementTree.Element(root)
    _fill(element, root, document)
    return XML_DECLARATION + ElementTree.tostring(element, encoding="unicode")


def _json_default(value):
    if isinstance(value, datetime):
        return w3c_datetime(value)
    raise TypeError(type(value).__name__)


def to_json(document) -> str:
    return json.dumps(document, ensure_ascii=False, default=_json_default)


def render(fmt: str, root: str, document, *, status: int = 200) -> HttpResponse:
    """``document`` under the XML root element ``root``; in JSON the root is implicit (a list or an object)."""
    body = to_xml(root, document) if fmt == "xml" else to_json(document)
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    """``<errors><error><code>400</code><description>…</description></error></errors>`` or its JSON twin."""
    return render(fmt, "errors", [{"code": status, "description": str(description)}], status=status)
