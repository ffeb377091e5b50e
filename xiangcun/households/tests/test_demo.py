"""The synthetic demo households (demo.py): deterministic, valid, shaped like a mountain county."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from xiangcun.core.testing import VILLAGE_A
from xiangcun.core.validators import parse_id_card
from xiangcun.households import choices
from xiangcun.households.demo import SURVEY_DATE, seed_households
from xiangcun.households.models import (
    House,
    Household,
    LandParcel,
    Person,
    PersonEvent,
)
from xiangcun.livelihoods.models import (
    Employment,
    IncomeRecord,
)
from xiangcun.monitoring.models import (
    LowIncomeRegistration,
    MonitoringCase,
)

COUNT = 200


@pytest.fixture
def seeded(personas, tree):
    return seed_households(county=tree["623023"], count=COUNT, seed=7)


def digest() -> str:
    rows = Person.objects.order_by("household__number", "id").values_list(
        "household__number", "household__uuid", "name", "birth_date", "sex", "id_number_hash", "phone_hash")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def age(person: Person) -> int:
    return person.age(SURVEY_DATE)


class _RolledBack(Exception):
    pass


def digest_of_a_run(county, seed: int) -> str:
    """Seed, take the digest and roll the run back, leaving the database as it was."""
    result = ""
    try:
        with transaction.atomic():
            seed_households(county=county, count=COUNT, seed=seed)
            result = digest()
            raise _RolledBack
    except _RolledBack:
        return result


def test_the_same_seed_gives_the_same_households_and_another_seed_others(personas, tree):
    first = digest_of_a_run(tree["623023"], 7)
    assert not Household.objects.exists()
    assert digest_of_a_run(tree["623023"], 7) == first
    assert digest_of_a_run(tree["623023"], 8) != first


def test_a_second_run_adds_nothing(seeded, tree):
    again = seed_households(county=tree["623023"], count=COUNT, seed=7)
    assert again == {"skipped": COUNT}
    assert Household.objects.count() == COUNT


def test_it_makes_the_requested_households_with_about_four_persons_each(seeded):
    assert Household.objects.count() == COUNT
    persons = Person.objects.count()
    assert 3.2 * COUNT <= persons <= 4.8 * COUNT
    assert seeded["persons"] == persons
    for household in Household.objects.select_related("head")[:50]:
        assert household.head is not None and household.head.household_id == household.pk
        assert household.member_count == household.members.count()
        assert household.number.startswith(household.region.code) and len(household.number) == 16


def test_every_id_number_is_valid_unique_and_matches_birth_date_and_sex(seeded):
    numbers = []
    for person in Person.objects.all():
        info = parse_id_card(person.id_number)
        assert info.region_code == "623023"
        assert info.birth_date == person.birth_date
        assert info.sex == person.sex
        numbers.append(person.id_number)
    assert len(numbers) == len(set(numbers))


def test_phones_are_valid_mobile_numbers_and_searchable_by_their_hash(seeded):
    from xiangcun.core.crypto import lookup_hash
    from xiangcun.core.validators import validate_phone

    with_phone = [p for p in Person.objects.exclude(phone="") if p.phone]
    assert len(with_phone) > COUNT
    for person in with_phone[:100]:
        validate_phone(person.phone)
        assert person.phone_hash == lookup_hash(person.phone)
        assert person.id_number_hash == lookup_hash(person.id_number)
        assert person.health_hash == lookup_hash(person.health)


def test_seeded_rows_pass_the_models_own_validation(seeded):
    samples = [*Household.objects.all()[:20], *Person.objects.all()[:60], *House.objects.all()[:20],
               *LandParcel.objects.all()[:40], *Employment.objects.all()[:30], *IncomeRecord.objects.all()[:30],
               *LowIncomeRegistration.objects.all()[:10], *MonitoringCase.objects.all()[:5]]
    for row in samples:
        try:
            row.full_clean(validate_unique=False)
        except ValidationError as error:  # pragma: no cover - the message says which row and why
            pytest.fail(f"{type(row).__name__} {row.pk}: {error.message_dict}")


def test_names_and_ethnicity_agree_and_the_tibetan_share_is_plausible(seeded):
    households = Household.objects.select_related("head")
    tibetan = sum(1 for h in households if h.head.ethnicity == choices.Ethnicity.TIBETAN)
    # The test tree holds 立节镇 (about half Tibetan) and 峰迭镇 (a quarter).
    assert 0.25 * COUNT <= tibetan <= 0.7 * COUNT
    han_surnames = set("杨王张李赵马刘陈何雷苏任韩魏孙高薛梁安董白闫曹罗朱杜宋邱石汪包尹丁穆沙")
    for person in Person.objects.filter(ethnicity=choices.Ethnicity.HAN)[:200]:
        assert person.name[0] in han_surnames and 2 <= len(person.name) <= 3


def test_the_age_pyramid_is_old_and_thin_in_the_middle(seeded):
    ages = [age(p) for p in Person.objects.all()]
    elderly = sum(1 for a in ages if a >= 60) / len(ages)
    children = sum(1 for a in ages if a < 16) / len(ages)
    assert 0.15 <= elderly <= 0.4
    assert 0.12 <= children <= 0.35
    assert max(ages) <= 100 and min(ages) >= 0


def test_elderly_living_alone_and_left_behind_children_are_there_and_tagged(seeded):
    alone = Person.objects.filter(lives_alone=True)
    assert alone.exists()
    for person in alone.select_related("household"):
        assert age(person) >= 65 and person.household.member_count == 1
        assert person.household.tags.filter(code="dujulaoren").exists()
    left = Person.objects.filter(left_behind=True)
    assert left.exists()
    for person in left.select_related("household"):
        assert age(person) < 16
        assert person.household.tags.filter(code="liushouertong").exists()


def test_labour_ability_follows_age_and_health(seeded):
    for person in Person.objects.all():
        if age(person) < 16:
            assert person.labour_ability == choices.LabourAbility.NONE
        if person.health == choices.Health.SERIOUS and age(person) > 22:  # children and students: none
            assert person.labour_ability == choices.LabourAbility.LOST
        if person.health == choices.Health.DISABLED:
            assert person.disability_grade in {"1", "2", "3", "4"}
    assert Employment.objects.filter(person__labour_ability=choices.LabourAbility.NONE).count() == 0


def test_villager_a_is_linked_to_a_member_named_zhuoma_in_jiedi(seeded, personas):
    person = Person.objects.select_related("household__region").get(account=personas["villager_a"])
    assert person.name == "卓玛" and person.household.region.code == VILLAGE_A
    visible = Household.objects.restrict(personas["villager_a"], "view")
    assert list(visible) == [person.household]


def test_county_admin_sees_every_seeded_household_and_a_clerk_only_her_village(seeded, client_as, personas):
    assert Household.objects.restrict(personas["county_admin"], "view").count() == COUNT
    in_a = Household.objects.filter(region__code=VILLAGE_A).count()
    assert Household.objects.restrict(personas["village_clerk_a"], "view").count() == in_a
    response = client_as("county_admin").get("/households/")
    assert response.status_code == 200
    first = Household.objects.order_by("number").first()
    assert first.number in response.content.decode()


def test_every_member_has_a_registered_event(seeded):
    assert PersonEvent.objects.filter(kind=choices.PersonEventKind.REGISTERED).count() == Person.objects.count()
    assert not PersonEvent.objects.filter(date__gt=date.today()).exists()


def test_the_stored_rows_hold_no_plaintext_id_number_phone_or_health(seeded):
    stored = []
    with connection.cursor() as cursor:
        for table in (Person._meta.db_table, Household._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # the raw column values, not decrypted
            stored.extend(str(value) for row in cursor.fetchall() for value in row)
    text = "\n".join(stored)
    people = list(Person.objects.all())
    assert people
    for person in people:
        assert person.id_number not in text
        if person.phone:
            assert person.phone not in text
    assert "chronic" not in text and "healthy" not in text


def test_seed_demo_loads_the_county_with_the_requested_households(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", households=40, seed=5, stdout=out)
    assert Household.objects.count() == 40
    assert Household.objects.filter(grid__isnull=True).count() == 0  # the demo grids exist: each household has one
    assert "households: 40/40" in out.getvalue()
    assert Person.objects.filter(account__username="villager_a", name="卓玛").exists()
