"""Importing the national division files: the shipped 舟曲县 tree, idempotence, bad files, --root."""

from __future__ import annotations

import gzip
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from xiangcun.regions.choices import Level
from xiangcun.regions.importing import DivisionFilesInvalid, load_units
from xiangcun.regions.models import Region
from xiangcun.regions.services import region_import_tree

ZHOUQU = Path(__file__).resolve().parent.parent / "data" / "zhouqu"
NATIONAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "admin-divisions"

HEADERS = {
    "provinces": "code,name",
    "cities": "code,name,provinceCode",
    "areas": "code,name,cityCode,provinceCode",
    "streets": "code,name,areaCode,provinceCode,cityCode",
    "villages": "code,name,streetCode,provinceCode,cityCode,areaCode",
}
# Two counties in two provinces, and Beijing's "市辖区" placeholder city.
SMALL_TREE = {
    "provinces": ['11,"北京市"', '62,"甘肃省"'],
    "cities": ['1101,"市辖区",11', '6230,"甘南藏族自治州",62'],
    "areas": ['110101,"东城区",1101,11', '623021,"临潭县",6230,62', '623023,"舟曲县",6230,62'],
    "streets": ['110101001,"东华门街道",110101,11,1101', '623021100,"城关镇",623021,62,6230',
                '623023103,"立节镇",623023,62,6230'],
    "villages": ['110101001001,"多福巷社区居委会",110101001,11,1101,110101',
                 '623021100001,"城关社区居民委员会",623021100,62,6230,623021',
                 '623023103203,"杰迪村村民委员会",623023103,62,6230,623023',
                 '623023103202,"水地村村民委员会",623023103,62,6230,623023'],
}


def write_files(directory: Path, files: dict[str, list[str]]) -> Path:
    directory.mkdir(exist_ok=True)
    for stem, rows in files.items():
        (directory / f"{stem}.csv").write_text("\n".join([HEADERS[stem], *rows]) + "\n", encoding="utf-8")
    return directory


def import_dir(directory: Path, root: str | None = None):
    return region_import_tree(actor=None, units=load_units(directory, root=root))


@pytest.mark.django_db
def test_shipped_zhouqu_tree_has_19_townships_and_212_villages_with_parents_and_short_names():
    out = StringIO()
    call_command("import_regions", str(ZHOUQU), stdout=out, stderr=StringIO())

    county = Region.objects.get(code="623023")
    assert county.name == "舟曲县" and county.level == Level.COUNTY
    assert county.parent.code == "6230" and county.parent.parent.code == "62"
    assert Region.objects.filter(parent=county, level=Level.TOWNSHIP).count() == 19
    assert Region.objects.filter(code__startswith="623023", level=Level.VILLAGE).count() == 212
    jiedi = Region.objects.get(code="623023103203")
    assert (jiedi.name, jiedi.short_name, jiedi.level) == ("杰迪村村民委员会", "杰迪村", Level.VILLAGE)
    assert jiedi.parent.name == "立节镇"
    assert Region.objects.get(code="623023102214").parent.name == "峰迭镇"
    # Every village hangs under the township its code starts with.
    for code, parent_code in Region.objects.filter(level=Level.VILLAGE).values_list("code", "parent__code"):
        assert parent_code == code[:9]
    assert "234" in out.getvalue()


@pytest.mark.django_db
def test_second_import_changes_nothing_and_duplicates_nothing():
    first = import_dir(ZHOUQU)
    stamps = dict(Region.objects.values_list("code", "updated_at"))

    second = import_dir(ZHOUQU)

    assert first.created == 234
    assert (second.created, second.updated, second.unchanged) == (0, 0, 234)
    assert Region.objects.count() == 234
    assert dict(Region.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_a_renamed_unit_is_updated_in_place(tmp_path):
    import_dir(ZHOUQU)
    jiedi_id = Region.objects.get(code="623023103203").pk
    renamed = tmp_path / "renamed"
    shutil.copytree(ZHOUQU, renamed)
    with gzip.open(renamed / "villages.csv.gz", "rt", encoding="utf-8") as handle:
        text = handle.read().replace("杰迪村村民委员会", "新杰迪村村民委员会")
    with gzip.open(renamed / "villages.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(text)

    result = import_dir(renamed)

    assert (result.created, result.updated) == (0, 1)
    assert result.levels[Level.VILLAGE].updated == 1
    jiedi = Region.objects.get(code="623023103203")
    assert (jiedi.pk, jiedi.name, jiedi.short_name) == (jiedi_id, "新杰迪村村民委员会", "新杰迪村")
    assert Region.objects.count() == 234


@pytest.mark.django_db
def test_a_bad_line_in_the_middle_imports_nothing_and_names_the_line(tmp_path):
    files = {**SMALL_TREE, "villages": [*SMALL_TREE["villages"]]}
    files["villages"].insert(1, '62302310320X,"坏村村民委员会",623023103,62,6230,623023')  # line 3
    directory = write_files(tmp_path / "bad", files)
    err = StringIO()

    refused = pytest.raises(CommandError, match="1 error in the division files; nothing was imported")
    with translation.override("en"), refused:
        call_command("import_regions", str(directory), stdout=StringIO(), stderr=err)

    assert Region.objects.count() == 0
    assert "villages.csv:3: The code '62302310320X' must be 12 digits" in err.getvalue()


@pytest.mark.django_db
def test_every_kind_of_bad_row_is_reported_with_file_and_line(tmp_path):
    files = {**SMALL_TREE}
    files["villages"] = [
        '623023103203,"杰迪村村民委员会",623023103,62,6230,623023',  # 2: fine
        '623023103204,"少一列",623023103,62,6230',  # 3: five columns
        '62302310320,"短码",623023103,62,6230,623023',  # 4: eleven digits
        '623023103205,"",623023103,62,6230,623023',  # 5: empty name
        '623023999001,"无主村",623023999,62,6230,623023',  # 6: township 623023999 exists nowhere
        '623023103203,"另一个名字",623023103,62,6230,623023',  # 7: same code, other name
        '623023103206,"错乡村",623023104,62,6230,623023',  # 8: streetCode does not match the code
        '623023103203,"杰迪村村民委员会",623023103,62,6230,623023',  # 9: exact repeat, harmless
    ]
    write_files(tmp_path / "bad", files)

    with translation.override("en"), pytest.raises(DivisionFilesInvalid) as caught:
        load_units(tmp_path / "bad")

    errors = {error.line: error for error in caught.value.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert all(error.file == "villages.csv" for error in errors.values())
    assert "Expected 6 columns, found 5" in errors[3].reason
    assert "12 digits" in errors[4].reason
    assert "name is empty" in errors[5].reason
    assert "623023999" in errors[6].reason
    assert "first on line 2" in errors[7].reason
    assert "streetCode" in errors[8].reason


@pytest.mark.django_db
def test_a_file_saved_in_gbk_names_the_line_of_each_bad_name(tmp_path):
    directory = write_files(tmp_path / "gbk", {"provinces": []})
    (directory / "provinces.csv").write_bytes(b'code,name\n11,"Beijing"\n62,"' + "甘肃省".encode("gbk") + b'"\n')

    with pytest.raises(DivisionFilesInvalid) as caught:
        load_units(directory)

    assert [(e.file, e.line) for e in caught.value.errors] == [("provinces.csv", 3)]


@pytest.mark.django_db
def test_a_parent_already_in_the_database_is_accepted_and_an_unknown_one_refused(tmp_path):
    import_dir(write_files(tmp_path / "upper", {k: SMALL_TREE[k] for k in ("provinces", "cities", "areas",
                                                                           "streets")}))
    villages_only = write_files(tmp_path / "villages", {"villages": SMALL_TREE["villages"]})
    result = import_dir(villages_only)
    assert result.created == 4
    assert Region.objects.get(code="623023103203").parent.code == "623023103"

    orphan = write_files(tmp_path / "orphan", {"villages": ['623023105001,"无主村",623023105,62,6230,623023']})
    with pytest.raises(DivisionFilesInvalid) as caught:
        load_units(orphan)
    assert [(e.file, e.line) for e in caught.value.errors] == [("villages.csv", 2)]
    assert "623023105" in caught.value.errors[0].reason


@pytest.mark.django_db
def test_root_keeps_the_county_and_its_ancestors_only(tmp_path):
    directory = write_files(tmp_path / "tree", SMALL_TREE)
    out = StringIO()

    call_command("import_regions", str(directory), root="623023", stdout=out, stderr=StringIO())

    assert sorted(Region.objects.values_list("code", flat=True)) == [
        "62", "6230", "623023", "623023103", "623023103202", "623023103203"]


@pytest.mark.django_db
def test_without_root_the_whole_file_is_imported_including_city_placeholders(tmp_path):
    import_dir(write_files(tmp_path / "tree", SMALL_TREE))

    assert Region.objects.count() == 14
    placeholder = Region.objects.get(code="1101")
    assert placeholder.name == "市辖区"
    assert Region.objects.get(code="110101").parent == placeholder


@pytest.mark.django_db
@pytest.mark.parametrize("root", ["6230x", "62302", "62302310320399"])
def test_a_malformed_root_is_refused(tmp_path, root):
    with pytest.raises(DivisionFilesInvalid) as caught:
        load_units(write_files(tmp_path / "tree", SMALL_TREE), root=root)
    assert caught.value.errors[0].file == "--root"


@pytest.mark.django_db
def test_a_wrong_header_and_a_missing_directory_are_refused(tmp_path):
    directory = write_files(tmp_path / "tree", {"provinces": SMALL_TREE["provinces"]})
    (directory / "provinces.csv").write_text('11,"北京市"\n62,"甘肃省"\n', encoding="utf-8")
    with pytest.raises(DivisionFilesInvalid) as caught:
        load_units(directory)
    assert [(e.file, e.line) for e in caught.value.errors] == [("provinces.csv", 1)]

    with pytest.raises(CommandError):
        call_command("import_regions", str(tmp_path / "nowhere"), stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
@pytest.mark.skipif(not (NATIONAL / "villages.csv.gz").exists(), reason="national division files not present")
def test_root_on_the_national_files_imports_exactly_the_shipped_county():
    result = import_dir(NATIONAL, root="623023")

    assert result.created == 234
    assert set(Region.objects.values_list("code", flat=True)) == {unit.code for unit in load_units(ZHOUQU)}
