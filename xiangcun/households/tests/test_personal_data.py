"""A raw dump of the database holds no ID number, phone number or health category in clear (DESIGN.md §4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from xiangcun.core.testing import VILLAGE_A
from xiangcun.households import choices
from xiangcun.households.services import registry
from xiangcun.households.services.registry import MemberInput
from xiangcun.households.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def raw_dump() -> str:
    """Every value of every table, as text: what someone with a copy of the database file would read."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(value.decode(errors="replace") if isinstance(value, bytes | memoryview)
                             else str(value) for value in row)
    return "\n".join(parts)


def test_a_raw_dump_contains_no_plaintext_id_number_or_phone(tree, personas):
    clerk = personas["village_clerk_a"]
    head_id, wife_id = make_id_number(date(1966, 6, 6), "M"), make_id_number(date(1969, 9, 9), "F")
    household = registry.household_create(
        actor=clerk, village=tree[VILLAGE_A], phone="13987654321", members=[
            MemberInput(name="扎西", id_number=head_id, relation=choices.Relation.HEAD, phone="13611112222"),
            MemberInput(name="卓玛", id_number=wife_id, relation=choices.Relation.SPOUSE,
                        health=choices.Health.SERIOUS, health_notes="肝癌化疗中")])
    wife = household.members.get(name="卓玛")
    registry.person_update(actor=clerk, person=wife, phone="13733334444", health=choices.Health.CHRONIC)
    dump = raw_dump()
    assert "扎西" in dump  # the dump is real: names are not personal data of this kind
    for secret in (head_id, wife_id, "13987654321", "13611112222", "13733334444", "肝癌化疗中"):
        assert secret not in dump, secret
    for id_number in (head_id, wife_id):  # not even half of one (as a masked audit entry would keep)
        assert id_number[9:] not in dump
