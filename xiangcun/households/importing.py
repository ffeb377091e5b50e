"""Excel 导入 of the registry: the three sheets counties keep (户籍成员, 收入, 务工), their checks and bulk writes.

The sheets are :class:`xiangcun.core.excel.Importer` subclasses; the services in
``households.services.importing`` run them after checking the permission. Choice columns take the Chinese
labels counties write (the zh_Hans texts, plus the usual variants) and the stored codes.

Writing is fast on purpose (10,000 rows ≥ 2,000 rows/s): rows are validated in Python with a few batched
queries, then written with one ``executemany`` per table (``_insert_many``; ids read back by a unique key).
That skips ``save()``, so the keyed hashes of the encrypted columns are computed here; encryption itself
happens in the field's ``get_prep_value``, as for any save.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangcun.core import excel
from xiangcun.core.crypto import lookup_hash
from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.excel import Column, Row
from xiangcun.core.services import Actor, require_region_in_scope
from xiangcun.core.validators import parse_id_card
from xiangcun.households import choices
from xiangcun.households.errors import ErrorCode
from xiangcun.households.models import Household, HouseholdTag, Person, PersonEvent
from xiangcun.households.validation import check_identity, check_phone, duplicate_id_error
from xiangcun.livelihoods import choices as livelihood_choices
from xiangcun.livelihoods.models import Employment, IncomeRecord
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

BATCH = 500  # rows per INSERT and per IN (…) lookup; well under SQLite's variable limit

# --- the labels counties write, mapped to the stored codes (first label of each code is the listed one) ---

SEX = {"男": choices.Sex.MALE, "女": choices.Sex.FEMALE, "男性": choices.Sex.MALE, "女性": choices.Sex.FEMALE}
RELATION = {
    "户主": choices.Relation.HEAD, "本人": choices.Relation.HEAD,
    "配偶": choices.Relation.SPOUSE, "妻": choices.Relation.SPOUSE, "妻子": choices.Relation.SPOUSE,
    "夫": choices.Relation.SPOUSE, "丈夫": choices.Relation.SPOUSE,
    "子女": choices.Relation.CHILD, "子": choices.Relation.CHILD, "女": choices.Relation.CHILD,
    "儿子": choices.Relation.CHILD, "女儿": choices.Relation.CHILD, "之子": choices.Relation.CHILD,
    "之女": choices.Relation.CHILD, "长子": choices.Relation.CHILD, "次子": choices.Relation.CHILD,
    "长女": choices.Relation.CHILD, "次女": choices.Relation.CHILD,
    "儿媳或女婿": choices.Relation.CHILD_IN_LAW, "儿媳": choices.Relation.CHILD_IN_LAW,
    "女婿": choices.Relation.CHILD_IN_LAW, "之儿媳": choices.Relation.CHILD_IN_LAW,
    "孙子女": choices.Relation.GRANDCHILD, "孙子": choices.Relation.GRANDCHILD, "孙女": choices.Relation.GRANDCHILD,
    "之孙子": choices.Relation.GRANDCHILD, "之孙女": choices.Relation.GRANDCHILD,
    "外孙子": choices.Relation.GRANDCHILD, "外孙女": choices.Relation.GRANDCHILD,
    "父母": choices.Relation.PARENT, "父亲": choices.Relation.PARENT, "母亲": choices.Relation.PARENT,
    "之父": choices.Relation.PARENT, "之母": choices.Relation.PARENT,
    "祖父母": choices.Relation.GRANDPARENT, "祖父": choices.Relation.GRANDPARENT,
    "祖母": choices.Relation.GRANDPARENT,
    "兄弟姐妹": choices.Relation.SIBLING, "兄弟": choices.Relation.SIBLING, "姐妹": choices.Relation.SIBLING,
    "其他亲属": choices.Relation.OTHER, "其他": choices.Relation.OTHER,
}
RELATION_SHOWN = ("户主", "配偶", "子女", "儿媳或女婿", "孙子女", "父母", "祖父母", "兄弟姐妹", "其他亲属")
ETHNICITY = {"汉族": choices.Ethnicity.HAN, "藏族": choices.Ethnicity.TIBETAN, "回族": choices.Ethnicity.HUI,
             "其他民族": choices.Ethnicity.OTHER, "汉": choices.Ethnicity.HAN, "藏": choices.Ethnicity.TIBETAN,
             "回": choices.Ethnicity.HUI}
# The other 53 nationalities of China: stored as "other ethnicity" until the county needs them apart.
for _name in ("蒙古", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
              "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔",
              "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
              "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴",
              "基诺"):
    ETHNICITY[_name + "族"] = choices.Ethnicity.OTHER
EDUCATION = {
    "学龄前儿童": choices.Education.PRESCHOOL, "学龄前": choices.Education.PRESCHOOL,
    "文盲或半文盲": choices.Education.ILLITERATE, "文盲": choices.Education.ILLITERATE,
    "半文盲": choices.Education.ILLITERATE,
    "小学": choices.Education.PRIMARY, "初中": choices.Education.JUNIOR, "高中": choices.Education.SENIOR,
    "中专或中职": choices.Education.VOCATIONAL, "中专": choices.Education.VOCATIONAL,
    "中职": choices.Education.VOCATIONAL, "技校": choices.Education.VOCATIONAL,
    "大专": choices.Education.COLLEGE, "本科及以上": choices.Education.BACHELOR, "本科": choices.Education.BACHELOR,
    "研究生": choices.Education.BACHELOR,
}
HEALTH = {"健康": choices.Health.HEALTHY, "长期慢性病": choices.Health.CHRONIC, "慢性病": choices.Health.CHRONIC,
          "患有大病": choices.Health.SERIOUS, "大病": choices.Health.SERIOUS, "残疾": choices.Health.DISABLED}
DISABILITY = {"一级": "1", "二级": "2", "三级": "3", "四级": "4", "1": "1", "2": "2", "3": "3", "4": "4"}
LABOUR = {"普通劳动力": choices.LabourAbility.NORMAL, "技能劳动力": choices.LabourAbility.NORMAL,
          "弱劳动力或半劳动力": choices.LabourAbility.WEAK, "弱劳动力": choices.LabourAbility.WEAK,
          "半劳动力": choices.LabourAbility.WEAK, "丧失劳动力": choices.LabourAbility.LOST,
          "无劳动力": choices.LabourAbility.NONE}
INDUSTRY = {"建筑业": livelihood_choices.Industry.CONSTRUCTION, "制造业": livelihood_choices.Industry.MANUFACTURING,
            "服务业": livelihood_choices.Industry.SERVICES, "住宿和餐饮业": livelihood_choices.Industry.CATERING,
            "餐饮业": livelihood_choices.Industry.CATERING, "交通运输和物流": livelihood_choices.Industry.TRANSPORT,
            "交通运输": livelihood_choices.Industry.TRANSPORT, "物流": livelihood_choices.Industry.TRANSPORT,
            "农业": livelihood_choices.Industry.AGRICULTURE, "农林牧渔业": livelihood_choices.Industry.AGRICULTURE,
            "采矿业": livelihood_choices.Industry.MINING, "公益性岗位": livelihood_choices.Industry.PUBLIC_WELFARE,
            "公益岗位": livelihood_choices.Industry.PUBLIC_WELFARE, "其他行业": livelihood_choices.Industry.OTHER,
            "其他": livelihood_choices.Industry.OTHER}


def _first_labels(mapping: dict[str, str]) -> list[str]:
    """One label per stored code, the first one written in the mapping."""
    seen: dict[str, str] = {}
    for label, code in mapping.items():
        seen.setdefault(code, label)
    return list(seen.values())


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- lookups shared by the sheets ------------------------------------------------------------------------

class Villages:
    """The villages (and their groups) a user may add households to, by code, official and short name."""

    def __init__(self, actor: Actor) -> None:
        regions = Region.objects.filter(level__in=(Level.VILLAGE, Level.GROUP))
        if actor is not None:
            regions = regions.restrict(actor, "households.add_household")
        self.by_code: dict[str, Region] = {}
        names: dict[str, list[Region]] = defaultdict(list)
        self.groups: dict[tuple[int, str], Region] = {}
        rows = list(regions.only("id", "code", "name", "short_name", "level", "parent_id"))
        for region in rows:
            self.by_code[region.code] = region
            if region.level == Level.VILLAGE:
                for name in {region.name, region.short_name}:
                    if name:
                        names[name].append(region)
        for region in rows:
            if region.level == Level.GROUP and region.parent_id:
                for name in {region.name, region.short_name, region.code}:
                    if name:
                        self.groups[(region.parent_id, name)] = region
        self.by_name = dict(names)

    def village(self, value: str) -> Region:
        value = value.strip()
        region = self.by_code.get(value)
        if region is not None and region.level == Level.VILLAGE:
            return region
        found = self.by_name.get(value, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(_("Several villages have this name; write the 12-digit village code."),
                                  code="village_ambiguous")
        # Unknown and out of scope read the same: nothing tells whether another area has such a village.
        raise ValidationError(_("Unknown village, or not in your area; write its name or 12-digit code."),
                              code="village_unknown")

    def group(self, village: Region, value: str) -> Region:
        group = self.groups.get((village.pk, value.strip()))
        if group is None:
            raise ValidationError(_("This village has no such village group."), code="group_unknown")
        return group


def _insert_many(rows: list) -> None:
    """INSERT rows with one ``executemany`` (the caller reads back the ids it needs by a unique key).

    ``bulk_create`` spends most of its time preparing each value through the SQL compiler in statements of a
    few dozen rows (SQLite's parameter limit); here each value is prepared by its field exactly as Django
    does it (``pre_save`` fills the timestamps, ``get_db_prep_save`` converts and encrypts), so a field
    added later with a default is still written.
    """
    if not rows:
        return
    meta = rows[0]._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
                                 for row in rows])


def _registered_hashes(hashes: list[str]) -> set[str]:
    """Which of these ID hashes belong to registered persons anywhere (one person is registered once)."""
    taken: set[str] = set()
    for chunk in _chunks(hashes):
        taken.update(Person.objects.filter(id_number_hash__in=chunk, status=choices.PersonStatus.REGISTERED)
                     .values_list("id_number_hash", flat=True))
    return taken


def _split_tags(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、;；\s]+", value or "") if part.strip()]


# --- 户籍成员: households and their members, one row per person ----------------------------------------------

class HouseholdRowsMixin:
    """The households an import wrote to are its result (the job page links to them in the household list)."""

    def written_ids(self, rows: list[Row]) -> list[int]:
        return sorted({row.data["household_id"] for row in rows if "household_id" in row.data})


class MembersImporter(HouseholdRowsMixin, excel.Importer):
    """户籍成员: one row per person; the household's columns on the head's row (or repeated on every row).

    A row with 户编号 belongs to that household wherever it stands; a row without one belongs to the
    household of the 户主 row above it. A household without 户编号 gets the village code and a serial.
    """

    kind = "households.members"
    sheet_title = "户籍成员"
    title = gettext_lazy("Households and members")
    service = "xiangcun.households.services.importing.households_import"
    notes = (
        "户籍成员导入模板：每人一行。户的信息（户编号、所属村、村民小组、住址、联系电话、户标签）填在户主所在行，也可在成员行重复填写。",
        "户编号可不填：系统按“村代码+序号”生成；不填户编号时，成员行紧跟在本户户主行之后。每户有且只有一名户主。",
        "身份证号、电话请设为文本格式；性别、出生日期可不填，按身份证号自动填写，填写时须与身份证号一致。",
    )
    columns = (
        Column("number", "户编号", excel.text(32), note="可不填，系统按“村代码+序号”生成", example="6230231032030001",
               width=20, as_text=True),
        Column("village", "所属村", excel.text(100), note="村名或12位村代码，须在本人管辖范围内（户主行必填）",
               example="杰迪村", width=16),
        Column("group", "村民小组", excel.text(100), note="村民小组名称或15位代码，可不填", example="一组"),
        Column("address", "住址", excel.text(200), note="户的住址", example="立节镇杰迪村12号", width=24),
        Column("phone", "联系电话", excel.text(), note="户的联系电话（11位手机号）", example="13800000000",
               as_text=True),
        Column("tags", "户标签", excel.text(), note="多个标签用逗号或顿号分隔", example="脱贫户、低保户", width=18),
        Column("name", "姓名", excel.text(50), required=True, example="卓玛"),
        Column("id_number", "身份证号", excel.text(), required=True, note="18位，校验位须正确",
               example="62302319800517001X", width=22, as_text=True),
        Column("sex", "性别", excel.choice(SEX, shown=("男", "女")), note="可不填，按身份证号填写", example="女",
               width=8),
        Column("birth_date", "出生日期", excel.parse_date, note="可不填；格式 1980-05-17、1980/5/17 或 19800517",
               example="1980-05-17", width=12),
        Column("relation", "与户主关系", excel.choice(RELATION, shown=RELATION_SHOWN), required=True, example="户主"),
        Column("ethnicity", "民族", excel.choice(ETHNICITY, shown=("汉族", "藏族", "回族", "其他民族")),
               note="不填为汉族", example="藏族", width=10),
        Column("education", "文化程度", excel.choice(EDUCATION, shown=_first_labels(EDUCATION)), example="初中"),
        Column("health", "健康状况", excel.choice(HEALTH, shown=_first_labels(HEALTH)), note="不填为健康",
               example="健康"),
        Column("disability", "残疾等级", excel.choice(DISABILITY, shown=("一级", "二级", "三级", "四级")),
               note="无残疾不填", example="", width=10),
        Column("labour", "劳动能力", excel.choice(LABOUR, shown=_first_labels(LABOUR)),
               note="不填按年龄：未满16岁为无劳动力，其余为普通劳动力", example="普通劳动力", width=16),
        Column("mobile", "本人电话", excel.text(), note="11位手机号，可不填", example="", as_text=True),
    )
    household_fields = ("village", "group", "address", "phone", "tags")

    def validate(self, rows: list[Row], *, actor: Actor) -> None:
        villages = Villages(actor)
        tags = {}
        for tag in HouseholdTag.objects.all():
            tags[tag.name] = tags[tag.code] = tag
        today = date.today()
        for row in rows:
            self._check_person(row, today)
        self._group(rows)
        households: dict[object, list[Row]] = defaultdict(list)
        for row in rows:
            if row.group is not None:
                households[row.group].append(row)
        numbers = [key[1] for key in households if key[0] == "n"]
        taken_numbers: set[str] = set()
        for chunk in _chunks(numbers):
            taken_numbers.update(Household.objects.filter(number__in=chunk).values_list("number", flat=True))
        for key, members in households.items():
            self._check_household(key, members, villages, tags, taken_numbers)
        self._check_duplicates(rows)

    def _check_person(self, row: Row, today: date) -> None:
        values, data = row.values, row.data
        if values["birth_date"] and values["birth_date"] > today:
            row.error(self.header("birth_date"), _("The birth date lies in the future."), "date_future")
            values["birth_date"] = None
        if values["id_number"]:
            try:
                info = parse_id_card(values["id_number"])
            except ValidationError as error:
                row.error_from(self.header("id_number"), error)
            else:
                data["id_number"] = info.number
                for key, argument in (("sex", "sex"), ("birth_date", "birth_date")):
                    if values[key]:
                        try:
                            check_identity(info.number, **{argument: values[key]})
                        except ValidationError as error:
                            row.error_from(self.header(key), error)
                data["sex"], data["birth_date"] = info.sex, info.birth_date
        for key in ("phone", "mobile"):
            if values[key]:
                try:
                    data[key] = check_phone(values[key])
                except ValidationError as error:
                    row.error_from(self.header(key), error)

    def _group(self, rows: list[Row]) -> None:
        """Assign each row to its household: by 户编号, or to the 户主 row above it."""
        current = None
        for row in rows:
            number = row.values["number"]
            if number:
                current = ("n", number)
            elif row.values["relation"] == choices.Relation.HEAD:
                current = ("r", row.number)
            elif current is None:
                row.error(self.header("relation"), _("No head of household above this row; put the 户主 row "
                                                     "first or fill in the household number."), "head_missing")
                continue
            row.group = current

    def _check_household(self, key, members: list[Row], villages: Villages, tags: dict, taken_numbers: set) -> None:
        heads = [row for row in members if row.values["relation"] == choices.Relation.HEAD]
        relation = self.header("relation")
        if not heads:
            if all(row.values["relation"] for row in members):  # a missing relation is already reported
                members[0].error(relation, _("The household has no head of household (户主)."), "head_missing")
            return
        for extra in heads[1:]:
            extra.error(relation, _("The household has more than one head (first on row %(row)d).")
                        % {"row": heads[0].number}, "head_multiple")
        head = heads[0]
        if key[0] == "n" and key[1] in taken_numbers:
            head.error(self.header("number"), _("This household number is already registered."), "number_taken")
        household: dict[str, object] = {}
        for field_name in self.household_fields:
            value = head.values[field_name] or next((row.values[field_name] for row in members
                                                     if row.values[field_name]), None)
            household[field_name] = value
            for row in members:
                if row.values[field_name] and value and row.values[field_name] != value:
                    row.error(self.header(field_name), _("Differs from the head of household's row (row %(row)d).")
                              % {"row": head.number}, "household_mismatch")
        if not household["village"]:
            head.error(self.header("village"), _("The head of household's row needs the village."), "village_required")
        else:
            try:
                village = villages.village(household["village"])
            except ValidationError as error:
                head.error_from(self.header("village"), error)
            else:
                head.data["village"] = village
                if household["group"]:
                    try:
                        head.data["group"] = villages.group(village, household["group"])
                    except ValidationError as error:
                        head.error_from(self.header("group"), error)
        found_tags = []
        for name in _split_tags(household["tags"] or ""):
            if name not in tags:
                head.error(self.header("tags"), _("Unknown household tag “%(tag)s”.") % {"tag": name}, "tag_unknown")
            else:
                found_tags.append(tags[name])
        head.data["tags"] = found_tags
        head.data["phone"] = next((row.data["phone"] for row in members if row.data.get("phone")), "")
        head.data["address"] = household["address"] or ""
        head.data["head"] = True

    def _check_duplicates(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        column = self.header("id_number")
        hashes = []
        for row in rows:
            number = row.data.get("id_number")
            if not number:
                continue
            if number in seen:
                row.error(column, _("The same ID number is on row %(row)d.") % {"row": seen[number]},
                          "id_duplicate_in_file")
                continue
            seen[number] = row.number
            row.data["id_hash"] = lookup_hash(number)
            hashes.append(row.data["id_hash"])
        taken = _registered_hashes(hashes)
        for row in rows:
            if row.data.get("id_hash") in taken:
                row.error_from(column, duplicate_id_error())

    def write(self, rows: list[Row], *, actor: Actor) -> int:
        by_household: dict[object, list[Row]] = defaultdict(list)
        for row in rows:
            by_household[row.group].append(row)
        # Re-checked inside the transaction: a person registered since the validation is refused now.
        if _registered_hashes([row.data["id_hash"] for row in rows]):
            raise ServiceError(_("Some ID numbers were registered meanwhile; nothing was saved. Import the file "
                                 "again to see which."), code=ErrorCode.IMPORT_CONFLICT)
        heads = {key: next(row for row in members if row.data.get("head")) for key, members in by_household.items()}
        for village in {head.data["village"] for head in heads.values()}:
            if actor is not None:
                require_region_in_scope(actor, Household, "add", village)
        serials = self._next_serials({head.data["village"].code for key, head in heads.items() if key[0] == "r"})
        households: list[Household] = []
        for key, head in heads.items():
            village = head.data["village"]
            if key[0] == "n":
                number = key[1]
            else:
                serial = serials[village.code]
                serials[village.code] += 1
                number = f"{village.code}{serial:04d}"
            phone = head.data.get("phone") or ""
            households.append(Household(region=village, number=number, group=head.data.get("group"),
                                        address=head.data["address"], head_name=head.values["name"], phone=phone,
                                        phone_hash=lookup_hash(phone) if phone else "",
                                        member_count=len(by_household[key])))
        _insert_many(households)
        ids: dict[str, int] = {}
        for chunk in _chunks([household.number for household in households]):
            ids.update(Household.objects.filter(number__in=chunk).values_list("number", "pk"))
        for household in households:
            household.pk = ids[household.number]
            household._state.adding = False
        household_of = dict(zip(heads, households, strict=True))
        for key, members in by_household.items():
            for row in members:
                row.data["household_id"] = household_of[key].pk

        persons: list[Person] = []
        head_person: dict[int, Person] = {}
        for key, members in by_household.items():
            household = household_of[key]
            for row in members:
                values, data = row.values, row.data
                health = values["health"] or choices.Health.HEALTHY
                mobile = data.get("mobile") or ""
                person = Person(household=household, name=values["name"], id_number=data["id_number"],
                                id_number_hash=data["id_hash"], sex=data["sex"], birth_date=data["birth_date"],
                                relation=values["relation"], ethnicity=values["ethnicity"] or choices.Ethnicity.HAN,
                                education=values["education"] or "", health=health, health_hash=lookup_hash(health),
                                disability_grade=values["disability"] or "",
                                labour_ability=values["labour"] or choices.default_labour_ability(
                                    data["birth_date"], timezone.localdate()),
                                phone=mobile, phone_hash=lookup_hash(mobile) if mobile else "")
                persons.append(person)
                if data.get("head"):
                    head_person[household.pk] = person
        _insert_many(persons)
        person_ids: dict[tuple[int, str], int] = {}
        for chunk in _chunks([household.pk for household in households]):
            person_ids.update(((household_id, hash_), pk) for household_id, hash_, pk in Person.objects.filter(
                household_id__in=chunk).values_list("household_id", "id_number_hash", "pk"))
        for person in persons:
            person.pk = person_ids[(person.household_id, person.id_number_hash)]
            person._state.adding = False
        table, head_column = Household._meta.db_table, Household._meta.get_field("head").column
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {head_column} = %s WHERE id = %s",
                               [(head_person[household.pk].pk, household.pk) for household in households])
        for household in households:
            household.head = head_person[household.pk]
        through = Household.tags.through
        _insert_many([through(household_id=household_of[key].pk, householdtag_id=tag.pk)
                      for key, head in heads.items() for tag in dict.fromkeys(head.data["tags"])])
        today = timezone.localdate()
        reason = _("Excel import")
        _insert_many([PersonEvent(household_id=person.household_id, person=person, date=today,
                                  kind=choices.PersonEventKind.REGISTERED, actor=actor, reason=reason)
                      for person in persons])
        if actor is not None:
            self._verify_in_scope(actor, households)
        return len(households)

    @staticmethod
    def _next_serials(codes: set[str]) -> dict[str, int]:
        """The next free serial per village for generated numbers (village code + 4 digits)."""
        serials = {}
        for code in codes:
            used = [int(number[len(code):]) for number in
                    Household.objects.filter(number__startswith=code).values_list("number", flat=True)
                    if number[len(code):].isdigit()]
            serials[code] = max(used, default=0) + 1
        return serials

    @staticmethod
    def _verify_in_scope(actor: Actor, households: list[Household]) -> None:
        """Save, then verify (``core.services.verify_saved_in_scope``) for the whole batch at once."""
        ids = [household.pk for household in households]
        visible = 0
        for chunk in _chunks(ids):
            visible += Household.objects.restrict(actor, "add").filter(pk__in=chunk).count()
        if visible != len(ids):
            raise OutOfScope(_("The record would lie outside your jurisdiction; nothing was saved."))


# --- 收入: one row per household and year, upserted ------------------------------------------------------------

def _money(minimum: Decimal | None = Decimal("0")):
    return excel.decimal(minimum)


class IncomeImporter(HouseholdRowsMixin, excel.Importer):
    """收入: a household's income of one year in the national categories; an existing year is replaced."""

    kind = "households.income"
    sheet_title = "收入"
    title = gettext_lazy("Household income")
    service = "xiangcun.households.services.importing.incomes_import"
    notes = ("收入导入模板：每户每年一行，金额单位为元。同一户同一年度已有记录时，以本次导入为准。",
             "家庭人口可不填，按户籍人数计算。")
    columns = (
        Column("number", "户编号", excel.text(32), required=True, example="6230231032030001", width=20, as_text=True),
        Column("year", "年度", excel.integer(2000, 2100), required=True, example=2025, width=8),
        Column("family_size", "家庭人口", excel.integer(1, 99), note="不填按户籍人数", example=4, width=10),
        Column("wage_income", "工资性收入", _money(), example="36000.00"),
        Column("business_income", "生产经营收入", _money(), example="12000.00"),
        Column("business_expense", "生产经营支出", _money(), example="3000.00"),
        Column("property_income", "财产净收入", _money(None), example="0"),
        Column("transfer_income", "转移净收入", _money(None), example="4800.00"),
    )
    amounts = ("wage_income", "business_income", "business_expense", "property_income", "transfer_income")

    def validate(self, rows: list[Row], *, actor: Actor) -> None:
        numbers = sorted({row.values["number"] for row in rows if row.values["number"]})
        households: dict[str, tuple[int, int]] = {}
        visible = Household.objects.all() if actor is None else Household.objects.restrict(
            actor, "livelihoods.add_incomerecord")
        for chunk in _chunks(numbers):
            households.update((number, (pk, count)) for number, pk, count in
                              visible.filter(number__in=chunk).values_list("number", "pk", "member_count"))
        this_year = date.today().year
        seen: dict[tuple[str, int], int] = {}
        for row in rows:
            number, year = row.values["number"], row.values["year"]
            if number:
                if number not in households:
                    row.error(self.header("number"), _("Unknown household number, or not in your area."),
                              "household_unknown")
                else:
                    row.data["household_id"], members = households[number]
                    row.data["family_size"] = row.values["family_size"] or members or 1
            if year and year > this_year:
                row.error(self.header("year"), _("The year lies in the future."), "date_future")
            if number and year:
                if (number, year) in seen:
                    row.error(self.header("year"), _("The same household and year are on row %(row)d.")
                              % {"row": seen[(number, year)]}, "duplicate_in_file")
                seen.setdefault((number, year), row.number)

    def write(self, rows: list[Row], *, actor: Actor) -> int:
        records = []
        for row in rows:
            record = IncomeRecord(household_id=row.data["household_id"], year=row.values["year"],
                                  family_size=row.data["family_size"],
                                  **{key: row.values[key] or Decimal("0") for key in self.amounts})
            record.compute()
            records.append(record)
        IncomeRecord.objects.bulk_create(
            records, batch_size=BATCH, update_conflicts=True, unique_fields=["household", "year"],
            update_fields=["family_size", *self.amounts, "net_income", "per_capita", "updated_at"])
        return len(records)


# --- 务工: one row per job of a registered person ---------------------------------------------------------------

def _bare(name: str) -> str:
    name = (name or "").strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "省", "市", "县", "区"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class EmploymentImporter(HouseholdRowsMixin, excel.Importer):
    """务工: where a registered person works, in what and from when; the person is found by ID number."""

    kind = "households.employment"
    sheet_title = "务工"
    title = gettext_lazy("Employment")
    service = "xiangcun.households.services.importing.employments_import"
    notes = ("务工导入模板：每段务工经历一行，人员按身份证号匹配，须已登记在本人管辖范围内的户中。",
             "结束日期不填表示仍在务工；月收入单位为元。")
    columns = (
        Column("id_number", "身份证号", excel.text(), required=True, example="62302319800517001X", width=22,
               as_text=True),
        Column("province", "务工省", excel.text(40), required=True, example="江苏省", width=12),
        Column("city", "务工市", excel.text(40), example="苏州市", width=12),
        Column("county", "务工县", excel.text(40), example="昆山市", width=12),
        Column("industry", "行业", excel.choice(INDUSTRY, shown=_first_labels(INDUSTRY)), required=True,
               example="制造业"),
        Column("employer", "单位", excel.text(100), example="某电子厂", width=20),
        Column("job", "岗位", excel.text(50), example="操作工"),
        Column("start_date", "开始日期", excel.parse_date, required=True, example="2025-03-01", width=12),
        Column("end_date", "结束日期", excel.parse_date, note="仍在务工不填", example="", width=12),
        Column("monthly_income", "月收入", _money(), example="4500.00", width=10),
    )

    def validate(self, rows: list[Row], *, actor: Actor) -> None:
        column = self.header("id_number")
        today = date.today()
        for row in rows:
            values = row.values
            if values["id_number"]:
                try:
                    row.data["id_hash"] = lookup_hash(parse_id_card(values["id_number"]).number)
                except ValidationError as error:
                    row.error_from(column, error)
            if values["start_date"] and values["start_date"] > today:
                row.error(self.header("start_date"), _("The start date lies in the future."), "date_future")
            if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
                row.error(self.header("end_date"), _("The end date lies before the start date."), "date_order")
        persons = Person.objects.filter(status=choices.PersonStatus.REGISTERED)
        if actor is not None:
            persons = persons.restrict(actor, "livelihoods.add_employment")
        found: dict[str, tuple[int, str]] = {}
        household_of: dict[int, int] = {}
        for chunk in _chunks([row.data["id_hash"] for row in rows if "id_hash" in row.data]):
            for hash_, pk, code, household_id in persons.filter(id_number_hash__in=chunk).values_list(
                    "id_number_hash", "pk", "household__region__code", "household_id"):
                found[hash_] = (pk, code)
                household_of[pk] = household_id
        existing: set[tuple[int, date]] = set()
        for chunk in _chunks([pk for pk, _code in found.values()]):
            existing.update(Employment.objects.filter(person_id__in=chunk).values_list("person_id", "start_date"))
        home = self._home_names({code for _pk, code in found.values()})
        seen: dict[tuple[int, date], int] = {}
        for row in rows:
            if "id_hash" not in row.data:
                continue
            if row.data["id_hash"] not in found:
                row.error(column, _("No registered person with this ID number in your area."), "person_unknown")
                continue
            person_id, code = found[row.data["id_hash"]]
            row.data["person_id"], row.data["household_id"] = person_id, household_of[person_id]
            row.data["place"] = self._place(row.values, home.get(code[:6], ""), home.get(code[:2], ""))
            key = (person_id, row.values["start_date"])
            if row.values["start_date"] and key in existing:
                row.error(self.header("start_date"), _("This job of the person is already recorded."),
                          "employment_duplicate")
            elif row.values["start_date"] and key in seen:
                row.error(self.header("start_date"), _("The same person and start date are on row %(row)d.")
                          % {"row": seen[key]}, "duplicate_in_file")
            seen.setdefault(key, row.number)

    @staticmethod
    def _home_names(codes: set[str]) -> dict[str, str]:
        """Names of the home counties and provinces of these villages, by code."""
        wanted = {code[:6] for code in codes} | {code[:2] for code in codes}
        return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))

    @staticmethod
    def _place(values: dict, county: str, province: str) -> str:
        if not province or _bare(values["province"]) != _bare(province):
            return livelihood_choices.WorkPlace.OUT_PROVINCE
        if county and values["county"] and _bare(values["county"]) == _bare(county):
            return livelihood_choices.WorkPlace.IN_COUNTY
        return livelihood_choices.WorkPlace.IN_PROVINCE

    def write(self, rows: list[Row], *, actor: Actor) -> int:
        jobs = [Employment(person_id=row.data["person_id"], destination_province=row.values["province"],
                           destination_city=row.values["city"] or "", destination_county=row.values["county"] or "",
                           place=row.data["place"], industry=row.values["industry"],
                           employer=row.values["employer"] or "", job=row.values["job"] or "",
                           start_date=row.values["start_date"], end_date=row.values["end_date"],
                           monthly_income=row.values["monthly_income"] or Decimal("0"),
                           method=livelihood_choices.CollectionMethod.IMPORT, recorded_by=actor) for row in rows]
        Employment.objects.bulk_create(jobs, batch_size=BATCH)
        return len(jobs)


MEMBERS = excel.register(MembersImporter())
INCOME = excel.register(IncomeImporter())
EMPLOYMENT = excel.register(EmploymentImporter())
IMPORTERS = {"members": MEMBERS, "income": INCOME, "employment": EMPLOYMENT}
