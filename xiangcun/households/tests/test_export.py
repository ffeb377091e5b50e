"""Excel export of the registry: masked by default, unmasked only with the permission, scoped, filtered, audited."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.accounts.models import SecurityEvent
from xiangcun.core import excel
from xiangcun.core.masking import mask_id_card, mask_phone
from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.households import importing
from xiangcun.households.tests.factories import make_household
from xiangcun.livelihoods.models import Employment, IncomeRecord
from xiangcun.livelihoods.tests.factories import make_employment

pytestmark = pytest.mark.django_db


def export(client, **params):
    return client.get(reverse("households:export"), params)


def sheet_rows(response, title: str = "户籍成员") -> list[tuple]:
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX
    book = load_workbook(BytesIO(response.content))
    return list(book[title].iter_rows(min_row=2, values_only=True))


def column(rows: list[tuple], header: str, importer: excel.Importer = importing.MEMBERS) -> list:
    index = [c.header for c in importer.columns].index(header)
    return [row[index] for row in rows]


@pytest.fixture
def households(tree):
    mine = make_household(tree[VILLAGE_A], head_name="卓玛", members=2)
    mine.phone = "13800001111"
    mine.save()
    head = mine.head
    head.phone, head.health = "13900002222", "chronic"
    head.save()
    theirs = make_household(tree[VILLAGE_B], head_name="别村户主")
    return {"mine": mine, "theirs": theirs}


def test_an_export_masks_id_numbers_phones_and_health_by_default(personas, client_as, households):
    rows = sheet_rows(export(client_as("county_admin")))
    head = households["mine"].head
    by_name = dict(zip(column(rows, "姓名"), rows, strict=True))
    row = by_name["卓玛"]
    assert column([row], "身份证号") == [mask_id_card(head.id_number)]
    assert column([row], "本人电话") == [mask_phone("13900002222")]
    assert column([row], "联系电话") == [mask_phone("13800001111")]
    assert column([row], "健康状况") == ["***"]
    assert head.id_number not in str(rows)


def test_every_export_is_audited_with_its_row_count_and_filter(personas, client_as, households):
    export(client_as("county_admin"), region=VILLAGE_A)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.DATA_EXPORTED)
    assert event.username == "county_admin"
    assert event.detail["rows"] == 2 and event.detail["filters"] == {"region": [VILLAGE_A]}
    assert event.detail["unmasked"] is False


def test_an_unmasked_export_needs_the_reveal_permission_and_is_recorded_without_the_values(
        personas, client_as, households):
    refused = export(client_as("village_clerk_a"), full="1")
    assert refused.status_code == 403
    assert not SecurityEvent.objects.filter(kind__in=[SecurityEventKind.DATA_EXPORTED,
                                                      SecurityEventKind.PERSONAL_DATA_REVEALED]).exists()
    rows = sheet_rows(export(client_as("county_admin"), full="1"))
    head = households["mine"].head
    assert head.id_number in column(rows, "身份证号")
    assert "长期慢性病" in column(rows, "健康状况") and "13900002222" in column(rows, "本人电话")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PERSONAL_DATA_REVEALED)
    assert event.detail["unmasked"] is True and event.detail["rows"] == 3
    assert head.id_number not in str(event.detail) and "13900002222" not in str(event.detail)


def test_a_clerk_never_exports_another_villages_households(personas, client_as, households):
    rows = sheet_rows(export(client_as("village_clerk_a")))
    assert set(column(rows, "户编号")) == {households["mine"].number}
    assert "别村户主" not in column(rows, "姓名")
    rows_b = sheet_rows(export(client_as("village_clerk_b"), region=VILLAGE_A))
    assert rows_b == []


def test_people_without_the_export_permission_are_refused(personas, client_as, households):
    for username in ("grid_worker_a", "villager_a"):
        assert export(client_as(username)).status_code == 403
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.DATA_EXPORTED).exists()


def test_the_export_takes_the_household_lists_filters(personas, client_as, households, tree):
    make_household(tree[VILLAGE_A2], head_name="水地户主")
    rows = sheet_rows(export(client_as("township_officer"), q="水地户主"))
    assert column(rows, "姓名") == ["水地户主"]


def test_the_head_comes_first_and_the_household_columns_only_on_the_heads_row(personas, client_as, households):
    rows = sheet_rows(export(client_as("village_clerk_a")))
    assert column(rows, "与户主关系") == ["户主", "子女"]
    assert column(rows, "所属村") == ["杰迪村", None]  # an empty cell


def test_a_full_export_reads_back_through_the_import_without_errors(personas, client_as, households):
    response = export(client_as("county_admin"), full="1")
    rows, file_errors, total = excel.read_rows(importing.MEMBERS, BytesIO(response.content))
    assert file_errors == [] and total == 3
    assert [row.errors for row in rows] == [[], [], []]
    zhuoma = next(row for row in rows if row.values["name"] == "卓玛")
    assert zhuoma.values["relation"] == "head" and zhuoma.values["health"] == "chronic"


def test_income_and_employment_exports_in_the_template_layout(personas, client_as, households, tree):
    IncomeRecord.objects.create(household=households["mine"], year=2025, family_size=2, wage_income=Decimal("8000"))
    IncomeRecord.objects.create(household=households["theirs"], year=2025, family_size=1)
    job = make_employment(tree[VILLAGE_A])
    make_employment(tree[VILLAGE_B])
    client = client_as("village_clerk_a")
    income = sheet_rows(export(client, sheet="income"), "收入")
    assert [row[:2] for row in income] == [(households["mine"].number, 2025)]
    assert column(income, "工资性收入", importing.INCOME) == [8000]
    jobs = sheet_rows(export(client, sheet="employment"), "务工")
    assert column(jobs, "身份证号", importing.EMPLOYMENT) == [mask_id_card(job.person.id_number)]
    assert Employment.objects.count() == 2


def test_an_export_costs_the_same_queries_for_many_households(personas, client_as, tree):
    client = client_as("village_clerk_a")
    make_household(tree[VILLAGE_A], members=2)
    export(client)  # warm the user's scope cache and sessions alike
    with CaptureQueriesContext(connection) as one:
        export(client)
    for _ in range(5):
        make_household(tree[VILLAGE_A], members=3)
    with CaptureQueriesContext(connection) as many:
        export(client)
    assert len(many) == len(one)
