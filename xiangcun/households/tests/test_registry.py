"""The registry: registering households, members' dated events, scope, search, pages and the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiangcun.accounts.models import SecurityEvent
from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.households import choices
from xiangcun.households.models import Household, HouseholdTag, Person, PersonEvent
from xiangcun.households.services import registry
from xiangcun.households.services.registry import MemberInput
from xiangcun.households.tests.factories import make_household, make_id_number, make_person

pytestmark = pytest.mark.django_db


def head(name="扎西", birth=date(1975, 3, 2), sex="M", **extra) -> MemberInput:
    return MemberInput(name=name, id_number=make_id_number(birth, sex), relation=choices.Relation.HEAD,
                       ethnicity=choices.Ethnicity.TIBETAN, **extra)


def member(name="卓玛", birth=date(1978, 8, 9), sex="F", relation=choices.Relation.SPOUSE, **extra) -> MemberInput:
    return MemberInput(name=name, id_number=make_id_number(birth, sex), relation=relation, **extra)


def test_a_clerk_registers_a_household_with_its_members(tree, personas):
    household = registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_A],
                                          members=[head(), member()], address="杰迪村一组3号", phone="13912345678",
                                          tags=HouseholdTag.objects.filter(code="tuopin"))
    assert household.number == f"{VILLAGE_A}0001"
    assert household.member_count == 2 and household.head.name == "扎西" and household.head_name == "扎西"
    wife = household.members.get(name="卓玛")
    assert wife.sex == "F" and wife.birth_date == date(1978, 8, 9)
    assert list(household.tags.values_list("code", flat=True)) == ["tuopin"]
    assert PersonEvent.objects.filter(household=household, kind=choices.PersonEventKind.REGISTERED).count() == 2
    second = registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_A], members=[head()])
    assert second.number == f"{VILLAGE_A}0002"


def test_a_clerk_cannot_register_a_household_in_another_village(tree, personas):
    with pytest.raises(OutOfScope):
        registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_B], members=[head()])
    assert not Household.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    (lambda m: setattr(m, "id_number", m.id_number[:17] + ("0" if m.id_number[17] != "0" else "1")), "id_number"),
    (lambda m: setattr(m, "sex", "M"), "id_number"),
    (lambda m: setattr(m, "birth_date", date(1990, 1, 1)), "id_number"),
    (lambda m: setattr(m, "phone", "12345"), "phone"),
    (lambda m: (setattr(m, "health", choices.Health.DISABLED)), "disability_grade"),
])
def test_a_bad_member_is_refused_with_the_field_named_and_nothing_saved(tree, personas, change, field):
    wife = member()
    change(wife)
    with pytest.raises(ValidationError) as error:
        registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_A], members=[head(), wife])
    assert f"members.1.{field}" in error.value.message_dict
    assert not Household.objects.exists() and not Person.objects.exists()


def test_an_id_number_is_registered_only_once_in_the_county(tree, personas):
    existing = make_household(tree[VILLAGE_B]).head
    duplicate = head()
    duplicate.id_number = existing.id_number
    with pytest.raises(ValidationError) as error:
        registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_A], members=[duplicate])
    assert "members.0.id_number" in error.value.message_dict
    assert Household.objects.count() == 1


def test_a_household_needs_exactly_one_head(tree, personas):
    with pytest.raises(ValidationError):
        registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_A], members=[member()])
    with pytest.raises(ValidationError):
        registry.household_create(actor=personas["village_clerk_a"], village=tree[VILLAGE_A],
                                  members=[head(), head("多杰", date(1980, 1, 1))])
    assert not Household.objects.exists()


def test_moving_out_and_death_are_dated_events_not_deletions(tree, personas):
    clerk = personas["village_clerk_a"]
    household = registry.household_create(actor=clerk, village=tree[VILLAGE_A], members=[
        head(), member(), member("才让", date(2001, 4, 4), "M", choices.Relation.CHILD)])
    son = household.members.get(name="才让")
    registry.person_move_out(actor=clerk, person=son, on=date(2025, 6, 1), reason="迁往兰州")
    son.refresh_from_db()
    household.refresh_from_db()
    assert son.status == choices.PersonStatus.MOVED_OUT and son.status_date == date(2025, 6, 1)
    assert household.member_count == 2
    with pytest.raises(ServiceError):  # the head cannot leave while others stay
        registry.person_die(actor=clerk, person=household.head, on=date(2025, 7, 1))
    wife = household.members.get(name="卓玛")
    registry.household_set_head(actor=clerk, household=household, person=wife, on=date(2025, 7, 1),
                                former_relation=choices.Relation.SPOUSE)
    registry.person_die(actor=clerk, person=Person.objects.get(name="扎西"), on=date(2025, 7, 1))
    household.refresh_from_db()
    assert household.head_name == "卓玛" and household.member_count == 1
    kinds = list(PersonEvent.objects.filter(household=household).values_list("kind", flat=True))
    assert {"moved_out", "died", "head_changed"} <= set(kinds)
    assert Person.objects.filter(household=household).count() == 3  # nobody deleted


def test_splitting_and_merging_keep_both_households_history(tree, personas):
    clerk = personas["village_clerk_a"]
    household = registry.household_create(actor=clerk, village=tree[VILLAGE_A], members=[
        head(), member(), member("才让", date(1998, 4, 4), "M", choices.Relation.CHILD),
        member("拉姆", date(2000, 2, 2), "F", choices.Relation.CHILD_IN_LAW)])
    son, daughter_in_law = household.members.get(name="才让"), household.members.get(name="拉姆")
    new = registry.household_split(actor=clerk, household=household, persons=[son, daughter_in_law], new_head=son,
                                   on=date(2026, 1, 10), reason="成家分户")
    household.refresh_from_db()
    assert household.member_count == 2 and new.member_count == 2 and new.head_name == "才让"
    assert PersonEvent.objects.filter(kind="split").count() == 4
    registry.household_merge(actor=clerk, source=new, target=household, on=date(2026, 5, 1), reason="合户")
    new.refresh_from_db()
    household.refresh_from_db()
    assert new.status == choices.HouseholdStatus.CANCELLED and household.member_count == 4
    assert household.members.filter(relation=choices.Relation.HEAD).count() == 1


def test_search_finds_by_exact_id_number_phone_number_and_name(tree, personas, client_as):
    household = make_household(tree[VILLAGE_A], head_name="杨卓玛")
    other = make_household(tree[VILLAGE_A], head_name="王扎西")
    wife = make_person(household, name="李梅", sex="F", phone="13800001111")
    client = client_as("village_clerk_a")

    def found(q):
        return {row["number"] for row in client.get("/api/v1/households/", {"q": q}).json()["results"]}

    assert found(wife.id_number) == {household.number}
    assert found(wife.id_number[:17]) == set()  # no partial ID matching
    assert found("13800001111") == {household.number}
    assert found("李梅") == {household.number}
    assert found("扎西") == {other.number}
    assert household.number in client.get("/households/", {"q": wife.id_number}).content.decode()


def test_another_villages_household_is_not_found_even_by_exact_id(tree, personas, client_as):
    hidden = make_household(tree[VILLAGE_B])
    client = client_as("village_clerk_a")
    assert client.get("/api/v1/households/", {"q": hidden.head.id_number}).json()["count"] == 0
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_the_household_list_costs_the_same_queries_for_many_rows(tree, personas, client_as):
    client = client_as("county_admin")
    make_household(tree[VILLAGE_A]).tags.set(HouseholdTag.objects.all()[:2])
    client.get("/households/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/households/").status_code == 200
    for _ in range(6):
        make_household(tree[VILLAGE_B], members=3).tags.set(HouseholdTag.objects.all()[:3])
    with CaptureQueriesContext(connection) as many:
        client.get("/households/")
    assert len(many) == len(one)
    with CaptureQueriesContext(connection) as api_one:
        client.get("/api/v1/households/", {"page_size": 1})
    with CaptureQueriesContext(connection) as api_many:
        client.get("/api/v1/households/")
    assert len(api_many) == len(api_one)


def test_the_dossier_shows_members_masked_and_the_sections(tree, personas, client_as):
    household = make_household(tree[VILLAGE_A], members=2)
    html = client_as("village_clerk_a").get(household.get_absolute_url()).content.decode()
    for key in ("members", "houses", "land", "livestock", "events"):
        assert f'data-testid="dossier-{key}"' in html
    id_number = household.head.id_number
    assert id_number not in html and household.head.masked_id_number in html


def test_revealing_an_id_number_needs_the_permission_and_leaves_a_security_event(tree, personas, client_as):
    person = make_household(tree[VILLAGE_A]).head
    url = f"/households/persons/{person.uuid}/reveal/"
    assert client_as("village_clerk_a").post(url).status_code == 403
    assert not SecurityEvent.objects.filter(kind="personal_data_revealed").exists()
    response = client_as("county_admin").post(url)
    assert person.id_number in response.content.decode()
    event = SecurityEvent.objects.get(kind="personal_data_revealed")
    assert event.actor == personas["county_admin"] and person.id_number not in str(event.detail)
    assert client_as("village_clerk_b").post(url).status_code == 404


def test_the_registration_page_registers_a_household_with_two_members(tree, personas, client_as):
    client = client_as("grid_worker_a")
    form = client.get("/m/households/new/")
    assert form.status_code == 200
    wife_id = make_id_number(date(1990, 1, 2), "F")
    data = {"village": tree[VILLAGE_A].pk, "address": "一组", "phone": "",
            "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
            "members-MAX_NUM_FORMS": "20",
            "members-0-name": "扎西", "members-0-id_number": make_id_number(date(1988, 1, 1), "M"),
            "members-0-relation": "head", "members-0-ethnicity": "tibetan", "members-0-health": "healthy",
            "members-0-labour_ability": "normal",
            "members-1-name": "卓玛", "members-1-id_number": wife_id[:17] + ("1" if wife_id[17] != "1" else "2"),
            "members-1-relation": "spouse", "members-1-ethnicity": "tibetan", "members-1-health": "healthy",
            "members-1-labour_ability": "normal"}
    refused = client.post("/m/households/new/", data)
    assert refused.status_code == 200 and 'data-testid="field-error"' in refused.content.decode()
    assert not Household.objects.exists()
    data["members-1-id_number"] = wife_id
    created = client.post("/m/households/new/", data)
    assert created.status_code == 302
    assert Household.objects.get().member_count == 2


def test_the_api_registers_a_household_and_refuses_a_village_out_of_scope(tree, personas, client_as):
    client = client_as("village_clerk_a")
    body = {"region": VILLAGE_A, "address": "二组", "members": [
        {"name": "多杰", "id_number": make_id_number(date(1970, 1, 1), "M"), "relation": "head"},
        {"name": "央金", "id_number": make_id_number(date(1972, 1, 1), "F"), "relation": "spouse"}]}
    created = client.post("/api/v1/households/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["member_count"] == 2
    body["region"] = VILLAGE_B
    refused = client.post("/api/v1/households/", body, content_type="application/json")
    assert refused.status_code == 400 and Household.objects.count() == 1
    person = client.get("/api/v1/persons/").json()["results"][0]
    assert "id_number" not in person and "*" in person["masked_id_number"]


def test_the_dossier_costs_the_same_queries_for_a_large_household(tree, personas, client_as):
    from decimal import Decimal

    from xiangcun.households.models import House, LandParcel
    from xiangcun.livelihoods.models import Employment, IncomeRecord

    def fill(household, years):
        for year in years:
            House.objects.create(household=household, structure="brick_wood", floor_area=Decimal("80"))
            LandParcel.objects.create(household=household, land_type="cultivated", area_mu=Decimal("1.5"))
            IncomeRecord.objects.create(household=household, year=year, family_size=2, wage_income=Decimal("9000"))
            Employment.objects.create(person=household.members.last(), destination_province="新疆维吾尔自治区",
                                      place="out_province", industry="construction", start_date=date(year, 3, 1),
                                      end_date=date(year, 10, 31), monthly_income=Decimal("5000"), method="import")
        return household

    client = client_as("village_clerk_a")
    small = fill(make_household(tree[VILLAGE_A]), [2025])
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        assert client.get(small.get_absolute_url()).status_code == 200
    large = fill(make_household(tree[VILLAGE_A], members=6), [2023, 2024, 2025])
    with CaptureQueriesContext(connection) as many:
        assert client.get(large.get_absolute_url()).status_code == 200
    assert len(many) == len(one)


def test_editing_a_household_on_its_page_goes_through_the_checks(tree, personas, client_as):
    household = make_household(tree[VILLAGE_A])
    url = f"/households/{household.uuid}/edit/"
    client = client_as("village_clerk_a")
    tuopin = HouseholdTag.objects.get(code="tuopin").pk
    refused = client.post(url, {"address": "新地址", "phone": "12345", "tags": [tuopin]})
    assert refused.status_code == 200 and 'data-testid="field-error"' in refused.content.decode()
    assert "phone" in refused.context["form"].errors
    household.refresh_from_db()
    assert household.address == "测试地址" and not household.tags.exists()
    saved = client.post(url, {"address": "杰迪村三组 5 号", "phone": "139 1234 5678",
                              "tags": [tuopin]})
    assert saved.status_code == 302
    household.refresh_from_db()
    assert household.address == "杰迪村三组 5 号" and household.phone == "13912345678"
    assert list(household.tags.values_list("code", flat=True)) == ["tuopin"]
    assert client_as("village_clerk_b").get(url).status_code == 404
