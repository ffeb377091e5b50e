"""What every app's tests share: the small region tree, the personas and scope factories.

Each app registers, in ``<app>/tests/factories.py``, one function per region-owned model that
makes a row in a given village. The generated scope test (core/tests/test_scope_walk.py) uses
them to put one row in each persona's village and check that nothing crosses.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from importlib import import_module

from django.db import connection, models

from xiangcun.regions.choices import Level, short_name

# 甘肃省 › 甘南州 › 舟曲县 › 立节镇 (杰迪村, 水地村) and 峰迭镇 (狼岔坝村): real codes and names.
TEST_TREE = (
    ("62", "甘肃省", None),
    ("6230", "甘南藏族自治州", "62"),
    ("623023", "舟曲县", "6230"),
    ("623023103", "立节镇", "623023"),
    ("623023103203", "杰迪村村民委员会", "623023103"),
    ("623023103202", "水地村村民委员会", "623023103"),
    ("623023102", "峰迭镇", "623023"),
    ("623023102214", "狼岔坝村村民委员会", "623023102"),
)
VILLAGE_A = "623023103203"  # 杰迪村, 立节镇
VILLAGE_A2 = "623023103202"  # 水地村, also 立节镇
VILLAGE_B = "623023102214"  # 狼岔坝村, 峰迭镇

_LEVEL_BY_LENGTH = {2: Level.PROVINCE, 4: Level.CITY, 6: Level.COUNTY, 9: Level.TOWNSHIP, 12: Level.VILLAGE}

ScopeFactory = Callable[..., models.Model]
SCOPE_FACTORIES: dict[type[models.Model], ScopeFactory] = {}


def scope_factory(model: type[models.Model]) -> Callable[[ScopeFactory], ScopeFactory]:
    """Register ``make(village) -> row of model in that village`` for the generated scope test."""

    def register(function: ScopeFactory) -> ScopeFactory:
        SCOPE_FACTORIES[model] = function
        return function

    return register


def build_test_tree() -> dict:
    from xiangcun.regions.models import Region

    regions: dict[str, Region] = {}
    for code, name, parent in TEST_TREE:
        regions[code] = Region.objects.create(
            code=code, name=name, short_name=short_name(name), level=_LEVEL_BY_LENGTH[len(code)],
            parent=regions.get(parent) if parent else None,
        )
    return regions


def delete_audit_rows() -> None:
    """Delete every audit row, for tests whose data is committed (live servers, other connections).

    The database protects young audit rows with triggers (accounts migration 0003), so a flush after such a test
    would be refused; the triggers are lifted for the moment of this deletion only.
    """
    migration = import_module("xiangcun.accounts.migrations.0003_audit_rows_immutable")
    lift = {"sqlite": migration.SQLITE_REVERSE, "postgresql": migration.POSTGRES_REVERSE}.get(connection.vendor, [])
    restore = {"sqlite": migration.SQLITE, "postgresql": migration.POSTGRES}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in lift:
            cursor.execute(statement)
        cursor.execute("DELETE FROM auditlog_logentry")
        cursor.execute("DELETE FROM accounts_securityevent")
        for statement in restore:
            cursor.execute(statement)


class _FormReader(HTMLParser):
    """Reads the fields of one ``<form>`` the way a browser would submit them."""

    def __init__(self, testid: str | None) -> None:
        super().__init__()
        self.testid, self.depth, self.values = testid, 0, []
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            if self.depth or self.testid is None or attrs.get("data-testid") == self.testid:
                self.depth += 1
            return
        if not self.depth:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.values.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.values.append((self.select, value))
                self.select_chosen = True
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.values.append((self.select, self.select_first))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data


def form_values(html: str, testid: str | None = None) -> dict[str, list[str]]:
    """What a browser posts back from a page's form (the one with ``data-testid=testid``, else every form)
    when the user changes nothing: ``{name: [values]}``, ready for ``client.post(url, values)``."""
    reader = _FormReader(testid)
    reader.feed(html)
    posted: dict[str, list[str]] = {}
    for name, value in reader.values:
        posted.setdefault(name, []).append(value)
    return posted
