"""家庭收入 and 收入测算: records compute their totals, the estimate adds up, divergent households are listed
inside the user's scope, and only county-level staff change the county's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.households import choices as household_choices
from xiangcun.households.models import LandParcel, LivestockHolding
from xiangcun.households.tests.factories import make_household
from xiangcun.livelihoods import choices, estimation
from xiangcun.livelihoods import sections as income_sections
from xiangcun.livelihoods.models import Employment, IncomeRecord, IncomeRule
from xiangcun.livelihoods.services import income as income_services

YEAR = date.today().year - 1
COUNTY = "623023"


@pytest.fixture(autouse=True)
def _sections():
    income_sections.register()


def declare(household, net_wage: int, *, actor=None, family_size: int = 1, **amounts) -> IncomeRecord:
    return income_services.income_record_save(actor=actor, household=household, year=YEAR, family_size=family_size,
                                              wage_income=Decimal(net_wage), **amounts)


@pytest.fixture
def rules(db):
    def rule(kind, item, **figures):
        return IncomeRule.objects.create(county_code=COUNTY, kind=kind, item=item, **figures)

    return {
        "pepper": rule(choices.RuleKind.CROP, "花椒", unit_yield=Decimal("60"), unit_price=Decimal("80"),
                       unit_cost=Decimal("1200")),
        "pig": rule(choices.RuleKind.LIVESTOCK, household_choices.Livestock.BLACK_PIG, unit_income=Decimal("2500"),
                    unit_cost=Decimal("1000")),
        "outside": rule(choices.RuleKind.WORK, choices.WorkPlace.OUT_PROVINCE, unit_income=Decimal("4500")),
    }


def job(person, place, start, end=None, monthly=Decimal("0")) -> Employment:
    return Employment.objects.create(person=person, destination_province="江苏省", place=place,
                                     industry=choices.Industry.MANUFACTURING, start_date=start, end_date=end,
                                     monthly_income=monthly, method=choices.CollectionMethod.GRID_WORKER)


# --- records ------------------------------------------------------------------------------------------

def test_a_clerk_records_a_years_income_and_gets_net_and_per_capita_income(tree, personas):
    household = make_household(tree[VILLAGE_A], members=3)
    record = income_services.income_record_save(
        actor=personas["village_clerk_a"], household=household, year=YEAR, family_size=3,
        wage_income=Decimal("20000"), business_income=Decimal("10000"), business_expense=Decimal("4000"),
        property_income=Decimal("-500"), transfer_income=Decimal("3000"), notes="入户核实")
    assert record.business_net == Decimal("6000")
    assert record.net_income == Decimal("28500")
    assert record.per_capita == Decimal("9500.00")


def test_saving_the_same_year_again_corrects_the_record_instead_of_adding_one(tree, personas):
    household = make_household(tree[VILLAGE_A])
    declare(household, 10000, actor=personas["village_clerk_a"])
    declare(household, 12000, actor=personas["village_clerk_a"], family_size=2)
    record = IncomeRecord.objects.get(household=household)
    assert (record.net_income, record.per_capita) == (Decimal("12000"), Decimal("6000.00"))


@pytest.mark.parametrize(("changes", "code"), [
    ({"wage_income": Decimal("-1")}, "negative_amount"),
    ({"business_expense": Decimal("-100")}, "negative_amount"),
    ({"family_size": 0}, "bad_family_size"),
    ({"year": date.today().year + 1}, "future_year"),
])
def test_an_invalid_record_is_refused_and_nothing_is_saved(tree, personas, changes, code):
    household = make_household(tree[VILLAGE_A])
    arguments = {"actor": personas["village_clerk_a"], "household": household, "year": YEAR, "family_size": 1,
                 "wage_income": Decimal("1000"), **changes}
    with pytest.raises(ServiceError) as refused:
        income_services.income_record_save(**arguments)
    assert refused.value.code == code
    assert not IncomeRecord.objects.exists()


def test_net_property_and_transfer_income_may_be_negative(tree, personas):
    record = declare(make_household(tree[VILLAGE_A]), 5000, actor=personas["village_clerk_a"],
                     property_income=Decimal("-200"), transfer_income=Decimal("-300"))
    assert record.net_income == Decimal("4500")


def test_a_clerk_cannot_record_income_of_another_village(tree, personas):
    household = make_household(tree[VILLAGE_B])
    with pytest.raises(OutOfScope):
        declare(household, 5000, actor=personas["village_clerk_a"])
    assert not IncomeRecord.objects.exists()


def test_the_income_form_saves_and_the_dossier_shows_the_year(tree, personas, client_as):
    household = make_household(tree[VILLAGE_A], members=2)
    client = client_as("village_clerk_a")
    url = reverse("livelihoods:income-record", kwargs={"uuid": household.uuid})
    assert client.get(url).status_code == 200
    response = client.post(url, {"year": YEAR, "family_size": 2, "wage_income": "18000", "business_income": "6000",
                                 "business_expense": "2000", "property_income": "0", "transfer_income": "1000"})
    assert response.status_code == 302
    assert IncomeRecord.objects.get(household=household).per_capita == Decimal("11500.00")
    page = client.get(household.get_absolute_url()).content.decode()
    assert 'data-testid="income-chart"' in page
    assert "11500.00" in page
    assert client_as("village_clerk_b").get(url).status_code == 404


# --- the estimate -------------------------------------------------------------------------------------

def test_the_estimate_multiplies_land_livestock_and_work_by_the_rules(tree, rules):
    household = make_household(tree[VILLAGE_A], members=2)
    LandParcel.objects.create(household=household, land_type=household_choices.LandType.CULTIVATED,
                              area_mu=Decimal("1.5"), crop="花椒")
    LandParcel.objects.create(household=household, land_type=household_choices.LandType.GARDEN, area_mu=Decimal("1"),
                              crop="花椒")
    LandParcel.objects.create(household=household, land_type=household_choices.LandType.CULTIVATED,
                              area_mu=Decimal("2"), crop="土豆")
    LivestockHolding.objects.create(household=household, kind=household_choices.Livestock.BLACK_PIG, heads=3)
    head, other = household.members.order_by("id")
    # March to December at the rule's 4,500 a month; November and December at a declared 3,000.
    job(head, choices.WorkPlace.OUT_PROVINCE, date(YEAR, 3, 1))
    job(other, choices.WorkPlace.IN_COUNTY, date(YEAR, 11, 1), date(YEAR, 12, 15), monthly=Decimal("3000"))
    job(other, choices.WorkPlace.IN_COUNTY, date(YEAR - 2, 1, 1), date(YEAR - 1, 12, 31), monthly=Decimal("9000"))
    declare(household, 40000, family_size=2, transfer_income=Decimal("2000"))

    estimate = estimation.estimate_household(household, YEAR)

    by_item = {(line.kind, line.item): line for line in estimate.lines}
    assert by_item[("crop", "花椒")].quantity == Decimal("2.5")
    assert by_item[("crop", "花椒")].amount == Decimal("9000.00")  # 2.5 mu × (60 kg × 80 − 1,200)
    assert by_item[("crop", "土豆")].source == estimation.Source.NO_RULE
    assert by_item[("crop", "土豆")].amount == 0
    assert by_item[("livestock", "black_pig")].amount == Decimal("4500.00")  # 3 × (2,500 − 1,000)
    work = sorted((line.amount, line.source) for line in estimate.lines if line.kind == "work")
    assert work == [(Decimal("6000.00"), "declared"), (Decimal("45000.00"), "rule")]
    assert estimate.total == Decimal("9000") + Decimal("4500") + Decimal("51000") + Decimal("2000")
    assert estimate.per_capita == (estimate.total / 2).quantize(Decimal("0.01"))
    assert estimate.difference == Decimal("42000") - estimate.total
    assert estimate.diverges(30)


def test_an_estimate_without_a_declaration_has_no_difference(tree, rules):
    household = make_household(tree[VILLAGE_A])
    LivestockHolding.objects.create(household=household, kind=household_choices.Livestock.BLACK_PIG, heads=2)
    estimate = estimation.estimate_household(household, YEAR)
    assert estimate.total == Decimal("3000.00")
    assert estimate.difference is None and not estimate.diverges(30)


def test_the_check_lists_divergent_households_of_the_users_scope_only(tree, personas, client_as, rules):
    far, near, other_village, other_township = (make_household(tree[code]) for code in
                                                (VILLAGE_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B))
    for household in (far, near, other_village, other_township):
        LivestockHolding.objects.create(household=household, kind=household_choices.Livestock.BLACK_PIG,
                                        heads=10)  # 15,000
    declare(far, 5000)
    declare(near, 14000)
    declare(other_village, 1000)
    declare(other_township, 1000)
    url = reverse("livelihoods:income-check")

    listed = client_as("village_clerk_a").get(url, {"year": YEAR, "threshold": 30}).content.decode()
    assert far.get_absolute_url() in listed
    assert near.get_absolute_url() not in listed
    assert other_village.get_absolute_url() not in listed
    assert other_township.get_absolute_url() not in listed

    township = client_as("township_officer").get(url, {"year": YEAR, "threshold": 30}).content.decode()
    assert other_village.get_absolute_url() in township and other_township.get_absolute_url() not in township
    county = client_as("county_admin").get(url, {"year": YEAR, "threshold": 30}).content.decode()
    assert other_township.get_absolute_url() in county

    lenient = client_as("village_clerk_a").get(url, {"year": YEAR, "threshold": 90}).content.decode()
    assert far.get_absolute_url() not in lenient
    strict = client_as("village_clerk_a").get(url, {"year": YEAR, "threshold": 5}).content.decode()
    assert near.get_absolute_url() in strict


def test_the_check_costs_the_same_queries_for_many_households(tree, client_as, rules):
    def add(count: int) -> None:
        for _index in range(count):
            household = make_household(tree[VILLAGE_A])
            LivestockHolding.objects.create(household=household, kind=household_choices.Livestock.BLACK_PIG, heads=4)
            LandParcel.objects.create(household=household, land_type=household_choices.LandType.CULTIVATED,
                                      area_mu=Decimal("1"), crop="花椒")
            job(household.head, choices.WorkPlace.OUT_PROVINCE, date(YEAR, 1, 1))
            declare(household, 100)

    client = client_as("village_clerk_a")
    url = reverse("livelihoods:income-check")
    add(1)
    client.get(url, {"year": YEAR, "threshold": 30})
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"year": YEAR, "threshold": 30}).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"year": YEAR, "threshold": 30})
    assert page.content.decode().count("#section-income") == 9
    assert len(many) == len(one)


# --- rules: county-level only ---------------------------------------------------------------------------

def test_a_village_clerk_cannot_change_the_county_rules(tree, personas, client_as, rules):
    with pytest.raises(ServiceError) as refused:
        income_services.income_rule_save(actor=personas["village_clerk_a"], county_code=COUNTY,
                                         kind=choices.RuleKind.CROP, item="核桃", unit_income=Decimal("900"))
    assert refused.value.code == "county_level_required"
    page = client_as("village_clerk_a").post(reverse("livelihoods:income-rules"), {
        "action": "add", "county": COUNTY, "new-kind": "crop", "new-item": "核桃", "new-unit_income": "900",
        "new-unit_cost": "0", "new-active": "on"})
    assert page.status_code == 403
    api = client_as("village_clerk_a").post("/api/v1/income-rules/", {
        "county_code": COUNTY, "kind": "crop", "item": "核桃", "unit_income": "900"}, content_type="application/json")
    assert api.status_code == 403
    assert not IncomeRule.objects.filter(item="核桃").exists()


def test_the_county_admin_adds_changes_and_deletes_rules_and_everybody_reads_them(tree, personas, client_as, rules):
    client = client_as("county_admin")
    url = reverse("livelihoods:income-rules")
    response = client.post(url, {"action": "add", "county": COUNTY, "new-kind": "crop", "new-item": "核桃",
                                 "new-unit_yield": "100", "new-unit_price": "16", "new-unit_cost": "300",
                                 "new-active": "on"})
    assert response.status_code == 302
    walnut = IncomeRule.objects.get(item="核桃")
    assert walnut.net_per_unit == Decimal("1300")
    prefix = f"rule-{walnut.pk}"
    client.post(url, {"action": "save", "rule": walnut.pk, "county": COUNTY, f"{prefix}-kind": "crop",
                      f"{prefix}-item": "核桃", f"{prefix}-unit_yield": "100", f"{prefix}-unit_price": "20",
                      f"{prefix}-unit_cost": "300", f"{prefix}-active": "on"})
    walnut.refresh_from_db()
    assert walnut.net_per_unit == Decimal("1700")
    duplicate = client.post(url, {"action": "add", "county": COUNTY, "new-kind": "crop", "new-item": "核桃",
                                  "new-unit_income": "1", "new-unit_cost": "0"}, follow=True)
    assert IncomeRule.objects.filter(item="核桃").count() == 1
    assert duplicate.status_code == 200
    client.post(url, {"action": "delete", "rule": walnut.pk, "county": COUNTY})
    assert not IncomeRule.objects.filter(item="核桃").exists()

    for reader in ("villager_a", "village_clerk_b", "grid_worker_a"):
        page = client_as(reader).get(url, {"county": COUNTY})
        assert page.status_code == 200 and "花椒" in page.content.decode()
        assert 'data-testid="rule-new"' not in page.content.decode()


def test_the_usual_rules_are_added_once(tree, personas):
    added = income_services.income_rules_load_defaults(actor=personas["county_admin"], county_code=COUNTY)
    assert added == len(income_services.DEFAULT_RULES)
    assert income_services.income_rules_load_defaults(actor=personas["county_admin"], county_code=COUNTY) == 0


def test_a_county_admin_cannot_write_rules_of_another_county(tree, personas):
    with pytest.raises(OutOfScope):
        income_services.income_rule_save(actor=personas["county_admin"], county_code="623024",
                                         kind=choices.RuleKind.CROP, item="核桃", unit_income=Decimal("900"))
    assert not IncomeRule.objects.exists()


# --- API ---------------------------------------------------------------------------------------------

def test_the_api_records_income_and_answers_the_estimate(tree, personas, client_as, rules):
    household = make_household(tree[VILLAGE_A])
    LivestockHolding.objects.create(household=household, kind=household_choices.Livestock.BLACK_PIG, heads=2)
    client = client_as("village_clerk_a")
    created = client.post("/api/v1/income-records/", {
        "household": str(household.uuid), "year": YEAR, "family_size": 2, "wage_income": "8000",
        "business_income": "3000", "business_expense": "1000"}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["per_capita"] == "5000.00"
    estimate = client.get("/api/v1/income-records/estimate/", {"household": str(household.uuid), "year": YEAR})
    assert estimate.status_code == 200
    body = estimate.json()
    assert body["total"] == "3000.00" and body["declared_net"] == "10000.00" and body["difference"] == "7000.00"
    assert client_as("village_clerk_b").get("/api/v1/income-records/estimate/",
                                            {"household": str(household.uuid)}).status_code == 404

    other = make_household(tree[VILLAGE_B])
    forged = client.post("/api/v1/income-records/", {"household": str(other.uuid), "year": YEAR, "family_size": 1},
                         content_type="application/json")
    assert forged.status_code == 400
    assert not IncomeRecord.objects.filter(household=other).exists()


def test_the_income_record_api_costs_the_same_queries_for_many_rows(tree, client_as):
    client = client_as("county_admin")
    declare(make_household(tree[VILLAGE_A]), 1000)
    client.get("/api/v1/income-records/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/income-records/")
    for _index in range(6):
        declare(make_household(tree[VILLAGE_B]), 1000)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/income-records/").json()["results"]) == 7
    assert len(many) == len(one)
