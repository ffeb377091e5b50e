"""Excel import of the registry: every kind of bad row is reported by row and column; the modes; scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xiangcun.core import excel
from xiangcun.core.errors import ServiceError
from xiangcun.core.models import ImportJob
from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.core.validators import id_check_digit
from xiangcun.households import choices, importing
from xiangcun.households.models import Household, Person, PersonEvent
from xiangcun.households.services import importing as services
from xiangcun.households.tests.factories import make_household, make_id_number
from xiangcun.livelihoods import choices as livelihood_choices
from xiangcun.livelihoods.models import Employment, IncomeRecord

pytestmark = pytest.mark.django_db


def workbook(importer: excel.Importer, rows: list[dict]) -> BytesIO:
    """An .xlsx in the importer's layout, one dict (header -> value) per row."""
    book = Workbook()
    sheet = book.active
    sheet.title = importer.sheet_title
    headers = [column.header for column in importer.columns]
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def person(name: str, relation: str = "子女", *, village: str | None = None, birth: date = date(1990, 1, 2),
           sex: str = "M", **extra) -> dict:
    row = {"姓名": name, "身份证号": make_id_number(birth, sex), "与户主关系": relation}
    if village:
        row["所属村"] = village
    row.update(extra)
    return row


def family(head: str, village: str = "杰迪村", members: int = 2, **household) -> list[dict]:
    return [person(head, "户主", village=village, birth=date(1970, 3, 4), **household),
            *(person(f"{head}家{index}", "子女") for index in range(1, members))]


def wrong_check_digit(number: str) -> str:
    right = id_check_digit(number[:17])
    return number[:17] + ("0" if right != "0" else "1")


def errors_of(result: excel.ImportResult) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.code) for error in result.errors]


def run_members(actor, rows: list[dict], mode: str = excel.Mode.ALL_OR_NOTHING) -> excel.ImportResult:
    return services.households_import(actor=actor, job_or_file=workbook(importing.MEMBERS, rows), mode=mode)


def test_a_clerk_imports_households_with_their_members(personas):
    rows = family("卓玛", members=3, 住址="杰迪村3号", 联系电话="13800001111", 户标签="脱贫户、低保户") + family("扎西")
    result = run_members(personas["village_clerk_a"], rows)
    assert result.errors == [] and result.imported and result.written == 2
    household = Household.objects.get(head_name="卓玛")
    assert household.region.code == VILLAGE_A
    assert household.number.startswith(VILLAGE_A)
    assert household.member_count == 3 and household.head.name == "卓玛"
    assert household.phone == "13800001111" and household.address == "杰迪村3号"
    assert sorted(household.tags.values_list("code", flat=True)) == ["dibao", "tuopin"]
    head = household.head
    assert head.relation == choices.Relation.HEAD and head.birth_date == date(1970, 3, 4)
    assert Person.objects.filter(id_number_hash=head.id_number_hash).get() == head  # hash computed in bulk
    assert PersonEvent.objects.filter(household=household, kind=choices.PersonEventKind.REGISTERED).count() == 3
    assert Household.objects.get(head_name="扎西").number != household.number


def test_a_bad_check_digit_is_reported_by_row_and_column_and_nothing_is_imported(personas):
    rows = family("卓玛") + family("扎西")
    rows[3]["身份证号"] = wrong_check_digit(rows[3]["身份证号"])
    result = run_members(personas["village_clerk_a"], rows)
    assert (5, "身份证号", "id_checksum") in errors_of(result)
    assert result.errors[0].message
    assert not result.imported and Household.objects.count() == 0 and Person.objects.count() == 0


def test_only_valid_rows_imports_the_other_households_but_not_the_bad_ones(personas):
    rows = family("卓玛") + family("扎西")
    rows[3]["身份证号"] = wrong_check_digit(rows[3]["身份证号"])
    result = run_members(personas["village_clerk_a"], rows, mode=excel.Mode.VALID_ONLY)
    assert result.imported and result.written == 1
    assert list(Household.objects.values_list("head_name", flat=True)) == ["卓玛"]
    # The head of the failed household is reported too: a household stands or falls with its members.
    assert (4, "", "group_failed") in errors_of(result)
    assert result.valid == 2 and result.invalid == 2


@pytest.mark.parametrize(("column", "value", "code"), [
    ("身份证号", "12345", "id_format"),
    ("性别", "女", "id_sex_mismatch"),
    ("出生日期", "1991-01-01", "id_birth_mismatch"),
    ("出生日期", "2999-01-01", "date_future"),
    ("出生日期", "2024-02-30", "date_invalid"),
    ("出生日期", "1.2.1990", "date_format"),
    ("民族", "火星族", "choice_unknown"),
    ("与户主关系", "邻居", "choice_unknown"),
    ("本人电话", "12345", "phone_format"),
    ("残疾等级", "五级", "choice_unknown"),
    ("姓名", None, "required"),
])
def test_each_kind_of_bad_cell_is_named_by_row_column_and_reason(personas, column, value, code):
    rows = family("卓玛")
    rows[1][column] = value
    result = run_members(personas["village_clerk_a"], rows)
    assert (3, column, code) in errors_of(result)
    assert Household.objects.count() == 0


def test_dates_are_accepted_in_the_forms_counties_write(personas):
    rows = family("卓玛", members=4)
    birth = date(1990, 1, 2)
    for row, written in zip(rows[1:], (birth, "1990/1/2", "19900102"), strict=True):
        row["出生日期"] = written
    assert run_members(personas["village_clerk_a"], rows).errors == []
    assert set(Person.objects.exclude(relation="head").values_list("birth_date", flat=True)) == {birth}


def test_labels_of_the_choices_map_to_the_stored_values(personas):
    rows = family("卓玛")
    rows[1].update({"性别": "男", "民族": "藏族", "文化程度": "初中", "健康状况": "长期慢性病", "残疾等级": "二级",
                    "劳动能力": "弱劳动力", "与户主关系": "儿子"})
    assert run_members(personas["village_clerk_a"], rows).errors == []
    member = Person.objects.get(relation=choices.Relation.CHILD)
    assert (member.ethnicity, member.education, member.health, member.disability_grade, member.labour_ability) == (
        choices.Ethnicity.TIBETAN, choices.Education.JUNIOR, choices.Health.CHRONIC, "2", choices.LabourAbility.WEAK)


def test_a_village_outside_the_clerks_area_reads_like_an_unknown_one(personas):
    other = run_members(personas["village_clerk_a"], family("卓玛", village="狼岔坝村"))
    unknown = run_members(personas["village_clerk_a"], family("扎西", village="不存在村"))
    by_code = run_members(personas["village_clerk_a"], family("拉姆", village=VILLAGE_B))
    assert errors_of(other) == errors_of(unknown) == errors_of(by_code) == [
        (2, "所属村", "village_unknown"), (3, "", "group_failed")]
    assert other.errors[0].message == unknown.errors[0].message
    assert Household.objects.count() == 0


def test_the_county_admin_imports_into_any_village_of_the_county_by_code_or_name(personas):
    rows = family("卓玛", village=VILLAGE_B) + family("扎西", village="杰迪村村民委员会")
    assert run_members(personas["county_admin"], rows).errors == []
    assert sorted(Household.objects.values_list("region__code", flat=True)) == [VILLAGE_B, VILLAGE_A]


def test_a_duplicate_id_in_the_file_and_one_already_registered_are_both_refused(personas, tree):
    registered = make_household(tree[VILLAGE_A]).head
    rows = family("卓玛", members=3)
    rows[2]["身份证号"] = rows[1]["身份证号"]
    rows += family("扎西")
    rows[4]["身份证号"] = registered.id_number
    result = run_members(personas["village_clerk_a"], rows)
    assert (4, "身份证号", "id_duplicate_in_file") in errors_of(result)
    assert (6, "身份证号", "id_duplicate") in errors_of(result)
    assert Household.objects.count() == 1


def test_a_household_needs_exactly_one_head(personas):
    rows = [*family("卓玛"), person("多余户主", "户主", 户编号="A1"),
            person("又一户主", "户主", 户编号="A1", 所属村="杰迪村")]
    rows += [person("无户主", "子女", 户编号="B1", 所属村="杰迪村")]
    result = run_members(personas["village_clerk_a"], rows)
    assert (5, "与户主关系", "head_multiple") in errors_of(result)
    assert (6, "与户主关系", "head_missing") in errors_of(result)


def test_a_member_row_before_any_head_is_reported(personas):
    result = run_members(personas["village_clerk_a"], [person("孤儿行", "子女"), *family("卓玛")])
    assert errors_of(result)[0] == (2, "与户主关系", "head_missing")


def test_given_household_numbers_group_rows_wherever_they_stand_and_must_be_new(personas, tree):
    existing = make_household(tree[VILLAGE_A])
    rows = [person("卓玛", "户主", village="杰迪村", 户编号="J-1"),
            person("扎西", "户主", village="杰迪村", 户编号="J-2"),
            person("卓玛女儿", "子女", 户编号="J-1"), person("旧户", "户主", village="杰迪村", 户编号=existing.number)]
    result = run_members(personas["village_clerk_a"], rows, mode=excel.Mode.VALID_ONLY)
    assert errors_of(result) == [(5, "户编号", "number_taken")]
    assert Household.objects.get(number="J-1").member_count == 2


def test_unknown_tags_and_village_groups_are_reported(personas):
    rows = family("卓玛", 户标签="脱贫户,外星户", 村民小组="九十九组")
    result = run_members(personas["village_clerk_a"], rows)
    assert {(2, "户标签", "tag_unknown"), (2, "村民小组", "group_unknown")} <= set(errors_of(result))


def test_a_missing_required_column_is_reported_on_the_header_row(personas):
    book = Workbook()
    book.active.append(["姓名", "与户主关系"])
    book.active.append(["卓玛", "户主"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = services.households_import(actor=personas["village_clerk_a"], job_or_file=buffer)
    assert errors_of(result) == [(1, "身份证号", "column_missing")]


def test_a_file_that_is_not_excel_is_refused_plainly(personas):
    result = services.households_import(actor=personas["village_clerk_a"], job_or_file=BytesIO(b"name,id\n"))
    assert errors_of(result) == [(1, "", "file_unreadable")]


def test_people_without_the_import_permission_cannot_import(personas):
    for username in ("grid_worker_a", "villager_a", "dept_staff"):
        with pytest.raises(ServiceError) as refused:
            run_members(personas[username], family("卓玛"))
        assert refused.value.code == "permission_denied"
    assert Household.objects.count() == 0


def test_income_rows_are_upserted_per_household_and_year(personas, tree):
    household = make_household(tree[VILLAGE_A], members=2)
    IncomeRecord.objects.create(household=household, year=2024, family_size=2, wage_income=Decimal("100"))
    rows = [{"户编号": household.number, "年度": 2024, "工资性收入": "20000", "生产经营收入": 5000,
             "生产经营支出": "1000", "转移净收入": "2000"},
            {"户编号": household.number, "年度": 2025, "家庭人口": 3, "工资性收入": 30000}]
    result = services.incomes_import(actor=personas["village_clerk_a"], job_or_file=workbook(importing.INCOME, rows))
    assert result.errors == [] and result.written == 2
    record = IncomeRecord.objects.get(household=household, year=2024)
    assert record.net_income == Decimal("26000.00") and record.per_capita == Decimal("13000.00")
    assert IncomeRecord.objects.get(household=household, year=2025).family_size == 3


def test_bad_income_rows_name_their_row_and_column(personas, tree):
    mine, theirs = make_household(tree[VILLAGE_A]), make_household(tree[VILLAGE_B])
    rows = [{"户编号": theirs.number, "年度": 2024}, {"户编号": mine.number, "年度": "去年"},
            {"户编号": mine.number, "年度": 2024, "工资性收入": "-5"}, {"户编号": mine.number, "年度": 2023},
            {"户编号": mine.number, "年度": 2023}]
    result = services.incomes_import(actor=personas["village_clerk_a"], job_or_file=workbook(importing.INCOME, rows))
    assert errors_of(result) == [(2, "户编号", "household_unknown"), (3, "年度", "number_invalid"),
                                 (4, "工资性收入", "number_range"), (6, "年度", "duplicate_in_file")]
    assert IncomeRecord.objects.count() == 0


def test_employment_rows_find_the_person_by_id_and_check_the_dates(personas, tree):
    mine, theirs = make_household(tree[VILLAGE_A]).head, make_household(tree[VILLAGE_B]).head
    rows = [{"身份证号": mine.id_number, "务工省": "江苏省", "务工市": "苏州市", "行业": "制造业",
             "开始日期": "2025-03-01", "月收入": 4500},
            {"身份证号": mine.id_number, "务工省": "甘肃省", "务工县": "舟曲县", "行业": "公益性岗位",
             "开始日期": "2024/1/1", "结束日期": "2024/12/31"},
            {"身份证号": theirs.id_number, "务工省": "江苏省", "行业": "制造业", "开始日期": "2025-03-01"},
            {"身份证号": mine.id_number, "务工省": "江苏省", "行业": "制造业", "开始日期": "2025-05-01",
             "结束日期": "2025-04-01"},
            {"身份证号": mine.id_number, "务工省": "江苏省", "行业": "挖矿", "开始日期": "2025-06-01"}]
    result = services.employments_import(actor=personas["village_clerk_a"],
                                         job_or_file=workbook(importing.EMPLOYMENT, rows), mode=excel.Mode.VALID_ONLY)
    assert errors_of(result) == [(4, "身份证号", "person_unknown"), (5, "结束日期", "date_order"),
                                 (6, "行业", "choice_unknown")]
    jobs = {job.destination_province: job for job in Employment.objects.filter(person=mine)}
    assert jobs["江苏省"].place == livelihood_choices.WorkPlace.OUT_PROVINCE
    assert jobs["江苏省"].method == livelihood_choices.CollectionMethod.IMPORT
    assert jobs["甘肃省"].place == livelihood_choices.WorkPlace.IN_COUNTY
    assert not Employment.objects.filter(person=theirs).exists()


def test_each_template_opens_in_excel_and_imports_cleanly_once_filled(personas, tree, client_as):
    client = client_as("village_clerk_a")
    household = make_household(tree[VILLAGE_A])
    filled = {"members": family("卓玛"),
              "income": [{"户编号": household.number, "年度": 2025, "工资性收入": 1000}],
              "employment": [{"身份证号": household.head.id_number, "务工省": "新疆维吾尔自治区", "行业": "农业",
                              "开始日期": "2025-09-01"}]}
    for kind, importer in importing.IMPORTERS.items():
        response = client.get(reverse("households:import-template", args=[kind]))
        assert response.status_code == 200 and response["Content-Type"] == excel.XLSX
        book = load_workbook(BytesIO(response.content))
        assert book.sheetnames == [importer.sheet_title, "说明"]
        sheet = book[importer.sheet_title]
        headers = [cell.value.rstrip("*") for cell in sheet[1]]
        assert headers == [column.header for column in importer.columns]
        empty = BytesIO(response.content)
        assert importer_service(kind)(actor=personas["village_clerk_a"], job_or_file=empty).errors == []
        for row in filled[kind]:
            sheet.append([row.get(header) for header in headers])
        buffer = BytesIO()
        book.save(buffer)
        buffer.seek(0)
        result = importer_service(kind)(actor=personas["village_clerk_a"], job_or_file=buffer)
        assert result.errors == [] and result.written == 1, kind


def importer_service(kind: str):
    return {"members": services.households_import, "income": services.incomes_import,
            "employment": services.employments_import}[kind]


# --- the pages -------------------------------------------------------------------------------------------

def upload(client, rows: list[dict], mode: str = "all", kind: str = "members"):
    file = workbook(importing.IMPORTERS[kind], rows)
    file.name = "户籍.xlsx"
    return client.post(reverse("households:import"), {"kind": kind, "mode": mode, "file": file})


def test_the_import_page_shows_the_report_of_a_short_file_at_once(personas, client_as):
    client = client_as("village_clerk_a")
    assert client.get(reverse("households:import")).status_code == 200
    rows = family("卓玛") + family("扎西")
    rows[3]["身份证号"] = wrong_check_digit(rows[3]["身份证号"])
    response = upload(client, rows)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("households:import-job",
                                                                           args=[job.uuid])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert {"row": 5, "column": "身份证号", "code": "id_checksum"}.items() <= job.report[-1].items()
    assert job.error_count == 2 and job.valid_count == 2 and job.created_count == 0
    assert 'data-testid="report-row-5"' in page.content.decode()
    assert Household.objects.count() == 0
    assert not list((excel._jobs_dir()).glob(job.stored_file))  # the uploaded file is gone


def test_a_job_is_seen_only_by_its_uploader(personas, client_as):
    upload(client_as("village_clerk_a"), family("卓玛"))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and Household.objects.count() == 1
    url = reverse("households:import-job", args=[job.uuid])
    assert client_as("village_clerk_a").get(url).status_code == 200
    assert client_as("county_admin").get(url).status_code == 404
    assert client_as("village_clerk_b").get(url).status_code == 404


def test_the_import_page_is_refused_without_the_import_permission(personas, client_as):
    assert client_as("grid_worker_a").get(reverse("households:import")).status_code == 403
    response = upload(client_as("grid_worker_a"), family("卓玛"))
    assert response.status_code == 403 and ImportJob.objects.count() == 0


def test_a_long_file_runs_in_the_background_and_its_page_polls_the_progress(
        personas, client_as, settings, monkeypatch, django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    settings.IMPORT_SYNC_ROWS = 2
    client = client_as("village_clerk_a")
    queued = []
    monkeypatch.setattr(HUEY, "enqueue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, family("卓玛", members=3), mode="valid")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED and len(queued) == 1 and Household.objects.count() == 0
    polled = client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'hx-trigger="every' in polled.content.decode() and 'role="progressbar"' in polled.content.decode()
    excel.import_job_run(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.processed == job.total == 3 and job.created_count == 1
    done = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every' not in done


def test_a_child_imported_without_a_labour_ability_is_not_counted_as_labour_force(personas):
    rows = family("卓玛")
    rows[1]["身份证号"] = make_id_number(date(date.today().year - 3, 1, 1), "F")
    assert run_members(personas["village_clerk_a"], rows).errors == []
    assert Person.objects.get(relation=choices.Relation.CHILD).labour_ability == choices.LabourAbility.NONE
    assert Person.objects.get(relation=choices.Relation.HEAD).labour_ability == choices.LabourAbility.NORMAL


def test_the_result_of_an_import_links_to_exactly_the_households_it_wrote(personas, tree, client_as):
    before = make_household(tree[VILLAGE_A], head_name="早已登记")
    client = client_as("village_clerk_a")
    response = upload(client, family("卓玛") + family("扎西"))
    page = client.get(response["Location"]).content.decode()
    job = ImportJob.objects.get()
    link = f'{reverse("households:household-list")}?import={job.uuid}'
    assert f'href="{link}"' in page and 'data-testid="imported-households"' in page
    listed = client.get(link)
    imported = set(Household.objects.exclude(pk=before.pk))
    assert len(imported) == 2 and set(listed.context["object_list"]) == imported
    assert before.number not in listed.content.decode() and 'data-testid="import-filter"' in listed.content.decode()
    # the same list for another clerk's eyes: not their import, nothing shown
    assert list(client_as("village_clerk_b").get(link).context["object_list"]) == []


def test_an_income_import_links_to_the_households_it_recorded_income_for(personas, tree, client_as):
    chosen, other = make_household(tree[VILLAGE_A]), make_household(tree[VILLAGE_A])
    client = client_as("village_clerk_a")
    upload(client, [{"户编号": chosen.number, "年度": 2025, "工资性收入": 1000}], kind="income")
    job = ImportJob.objects.get()
    assert job.written_ids == [chosen.pk] and other.pk not in job.written_ids
    listed = client.get(reverse("households:household-list"), {"import": str(job.uuid)})
    assert list(listed.context["object_list"]) == [chosen]
