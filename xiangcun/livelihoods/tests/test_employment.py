"""务工: where the work lies is derived, villagers record only their own household's work, grid workers only
their village's, the lists and summaries stay in scope, and the labour-subsidy list counts months right."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.models import SystemSetting
from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.households import choices as household_choices
from xiangcun.households.models import Person
from xiangcun.households.tests.factories import make_household, make_person
from xiangcun.livelihoods import choices, selectors
from xiangcun.livelihoods import sections as income_sections
from xiangcun.livelihoods.employment_stats import employment_summary
from xiangcun.livelihoods.models import Employment
from xiangcun.livelihoods.services import employment as employment_services

YEAR = date.today().year - 1
HOME = "623023103203"
PLACE = choices.WorkPlace


@pytest.fixture(autouse=True)
def _sections():
    income_sections.register()


@pytest.fixture
def zhuoma(tree, personas):
    """卓玛 (villager_a) is a member of a household of 杰迪村 with her husband."""
    household = make_household(tree[VILLAGE_A], head_name="扎西")
    me = make_person(household, name="卓玛", sex="F", relation=household_choices.Relation.SPOUSE,
                     account=personas["villager_a"])
    return me


def record(actor, person, **changes) -> Employment:
    arguments = {"destination_province": "江苏省", "destination_city": "苏州市", "industry": "manufacturing",
                 "employer": "电子厂", "start_date": date(YEAR, 3, 1), "monthly_income": Decimal("4800"),
                 "method": choices.CollectionMethod.GRID_WORKER, **changes}
    return employment_services.employment_record(actor=actor, person=person, **arguments)


def job(person, place, start, end=None) -> Employment:
    return Employment.objects.create(person=person, destination_province="江苏省", place=place,
                                     industry=choices.Industry.CONSTRUCTION, start_date=start, end_date=end,
                                     method=choices.CollectionMethod.GRID_WORKER)


# --- where the work lies ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("destination", "place", "code"), [
    ({"province": "江苏省", "city": "苏州市"}, PLACE.OUT_PROVINCE, "32"),
    ({"province": "新疆"}, PLACE.OUT_PROVINCE, "65"),
    ({"province": "内蒙古"}, PLACE.OUT_PROVINCE, "15"),
    ({"province": "境外"}, PLACE.OUT_PROVINCE, ""),
    ({"province": "甘肃省", "city": "兰州市"}, PLACE.IN_PROVINCE, "62"),
    ({"province": "甘肃", "city": "甘南藏族自治州", "county": "合作市"}, PLACE.IN_PROVINCE, "6230"),
    ({"province": "甘肃省", "city": "甘南藏族自治州", "county": "舟曲县"}, PLACE.IN_COUNTY, "623023"),
    ({"province": "甘肃省", "county": "舟曲"}, PLACE.IN_COUNTY, "623023"),
    ({"province": "甘肃省", "code": "623023102"}, PLACE.IN_COUNTY, "623023102"),
    ({"province": "", "code": "320506"}, PLACE.OUT_PROVINCE, "320506"),
])
def test_the_place_of_work_is_derived_from_the_destination_and_the_home_county(tree, destination, place, code):
    derived = employment_services.derive_place(home_county_code=HOME, **destination)
    assert derived == (place, code)


def test_an_unknown_province_is_refused_with_a_hint(tree):
    with pytest.raises(ServiceError) as refused:
        employment_services.derive_place(home_county_code=HOME, province="火星")
    assert refused.value.code == "unknown_province"


def test_the_record_keeps_the_derived_place_and_who_recorded_it(tree, personas):
    person = make_household(tree[VILLAGE_A]).head
    job_ = record(personas["grid_worker_a"], person, destination_province="甘肃省", destination_city="甘南藏族自治州",
                  destination_county="舟曲县")
    assert (job_.place, job_.destination_code, job_.recorded_by) == (PLACE.IN_COUNTY, "623023",
                                                                     personas["grid_worker_a"])


@pytest.mark.parametrize(("changes", "code"), [
    ({"end_date": date(YEAR, 2, 1)}, "end_before_start"),
    ({"start_date": date.today() + timedelta(days=3)}, "future_start"),
    ({"monthly_income": Decimal("-1")}, "negative_amount"),
])
def test_invalid_work_is_refused_and_nothing_is_saved(tree, personas, changes, code):
    person = make_household(tree[VILLAGE_A]).head
    with pytest.raises(ServiceError) as refused:
        record(personas["grid_worker_a"], person, **changes)
    assert refused.value.code == code
    assert not Employment.objects.exists()


# --- who may record for whom ----------------------------------------------------------------------------

def test_a_villager_records_work_for_her_own_household_only(tree, personas, zhuoma):
    villager = personas["villager_a"]
    mine = record(villager, zhuoma, method=choices.CollectionMethod.SELF_REPORT)
    husband = record(villager, zhuoma.household.head, method=choices.CollectionMethod.SELF_REPORT)
    assert {mine.person, husband.person} == {zhuoma, zhuoma.household.head}
    neighbour = make_household(tree[VILLAGE_A]).head
    with pytest.raises(OutOfScope):
        record(villager, neighbour)
    assert not Employment.objects.filter(person=neighbour).exists()


def test_a_grid_worker_records_for_persons_of_his_village_only(tree, personas):
    here = make_household(tree[VILLAGE_A]).head
    there = make_household(tree[VILLAGE_A2]).head
    assert record(personas["grid_worker_a"], here).person == here
    with pytest.raises(OutOfScope):
        record(personas["grid_worker_a"], there)
    assert not Employment.objects.filter(person=there).exists()


def test_the_villager_reports_her_work_on_the_phone_page_and_sees_the_confirmation(tree, personas, client_as,
                                                                                   zhuoma):
    client = client_as("villager_a")
    form = client.get(reverse("livelihoods_mobile:work"))
    assert form.status_code == 200 and 'data-testid="dest-xinjiang"' in form.content.decode()
    response = client.post(reverse("livelihoods_mobile:work"), {
        "who": str(zhuoma.uuid), "destination": "xinjiang", "industry": "agriculture", "employer": "棉花农场",
        "start": f"{YEAR}-09", "monthly_income": "5000"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("livelihoods_mobile:work-done")
    assert 'data-testid="work-saved"' in response.content.decode()
    saved = Employment.objects.get(person=zhuoma)
    assert (saved.destination_province, saved.place, saved.method, saved.start_date) == (
        "新疆维吾尔自治区", PLACE.OUT_PROVINCE, choices.CollectionMethod.SELF_REPORT, date(YEAR, 9, 1))


def test_the_phone_page_asks_for_the_province_when_somewhere_else_is_chosen(tree, client_as, zhuoma):
    response = client_as("villager_a").post(reverse("livelihoods_mobile:work"), {
        "destination": "other", "industry": "services", "start": f"{YEAR}-01"})
    assert response.status_code == 400
    assert not Employment.objects.exists()
    saved = client_as("villager_a").post(reverse("livelihoods_mobile:work"), {
        "destination": "other", "province": "四川省", "city": "成都市", "industry": "services", "start": f"{YEAR}-01"})
    assert saved.status_code == 302
    assert Employment.objects.get().place == PLACE.OUT_PROVINCE


def test_a_villager_without_a_household_is_told_so(tree, client_as):
    page = client_as("villager_a").get(reverse("livelihoods_mobile:work"))
    assert 'data-testid="not-linked"' in page.content.decode()


def test_a_grid_worker_finds_a_person_of_his_village_and_records_for_them(tree, personas, client_as):
    here = make_household(tree[VILLAGE_A], head_name="才让").head
    there = make_household(tree[VILLAGE_B], head_name="才让东珠").head
    client = client_as("grid_worker_a")
    found = client.get(reverse("livelihoods_mobile:work-for"), {"q": "才让"}).content.decode()
    assert reverse("livelihoods_mobile:work-for-person", kwargs={"uuid": here.uuid}) in found
    assert str(there.uuid) not in found

    url = reverse("livelihoods_mobile:work-for-person", kwargs={"uuid": here.uuid})
    response = client.post(url, {"destination": "zhouqu", "industry": "construction", "start": f"{YEAR}-04",
                                 "monthly_income": "3000"})
    assert response.status_code == 302
    saved = Employment.objects.get(person=here)
    assert (saved.method, saved.place, saved.recorded_by) == (choices.CollectionMethod.GRID_WORKER, PLACE.IN_COUNTY,
                                                              personas["grid_worker_a"])

    elsewhere = reverse("livelihoods_mobile:work-for-person", kwargs={"uuid": there.uuid})
    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere, {"destination": "zhouqu", "industry": "construction",
                                   "start": f"{YEAR}-04"}).status_code == 404
    assert not Employment.objects.filter(person=there).exists()


def test_ending_a_job_records_the_end_and_refuses_an_end_before_the_start(tree, personas):
    job_ = record(personas["grid_worker_a"], make_household(tree[VILLAGE_A]).head)
    with pytest.raises(ServiceError):
        employment_services.employment_end(actor=personas["grid_worker_a"], employment=job_,
                                           end_date=date(YEAR, 1, 1))
    job_.refresh_from_db()
    assert job_.end_date is None
    employment_services.employment_end(actor=personas["grid_worker_a"], employment=job_, end_date=date(YEAR, 10, 31))
    job_.refresh_from_db()
    assert job_.end_date == date(YEAR, 10, 31)


# --- lists and summaries ----------------------------------------------------------------------------------

def test_the_employment_list_shows_only_the_users_villages_and_filters(tree, client_as):
    mine = job(make_household(tree[VILLAGE_A]).head, PLACE.OUT_PROVINCE, date(YEAR, 3, 1))
    theirs = job(make_household(tree[VILLAGE_B]).head, PLACE.OUT_PROVINCE, date(YEAR, 3, 1))
    local = job(make_household(tree[VILLAGE_A]).head, PLACE.IN_COUNTY, date(YEAR, 6, 1), date(YEAR, 7, 31))
    client = client_as("village_clerk_a")
    page = client.get(reverse("livelihoods:employment-list")).content.decode()
    assert mine.get_absolute_url() in page and local.get_absolute_url() in page
    assert theirs.get_absolute_url() not in page
    outside = client.get(reverse("livelihoods:employment-list"), {"place": PLACE.OUT_PROVINCE}).content.decode()
    assert local.get_absolute_url() not in outside
    august = client.get(reverse("livelihoods:employment-list"), {"month": f"{YEAR}-08"}).content.decode()
    assert mine.get_absolute_url() in august and local.get_absolute_url() not in august
    assert client_as("village_clerk_b").get("/api/v1/employments/", {"page_size": 100}).json()["count"] == 1


def test_the_employment_list_and_api_cost_the_same_queries_for_many_rows(tree, client_as):
    client = client_as("county_admin")

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("livelihoods:employment-list")).status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/employments/").status_code == 200
        return len(page), len(api)

    job(make_household(tree[VILLAGE_A]).head, PLACE.OUT_PROVINCE, date(YEAR, 3, 1))
    counts()
    one = counts()
    for code in (VILLAGE_A, VILLAGE_A2, VILLAGE_B) * 3:
        job(make_household(tree[code]).head, PLACE.IN_PROVINCE, date(YEAR, 5, 1))
    assert counts() == one


def test_summaries_count_persons_of_the_users_scope_by_province_industry_and_month(tree, personas, client_as):
    worker = make_household(tree[VILLAGE_A]).head
    job(worker, PLACE.OUT_PROVINCE, date(YEAR, 3, 1), date(YEAR, 5, 31))
    job(worker, PLACE.OUT_PROVINCE, date(YEAR, 5, 1), date(YEAR, 6, 30))  # overlaps in May: counted once
    job(make_household(tree[VILLAGE_B]).head, PLACE.OUT_PROVINCE, date(YEAR, 1, 1))

    mine = employment_summary(Employment.objects.restrict(personas["village_clerk_a"], "view"), YEAR)
    assert mine.persons == 1
    assert mine.by_province == [("江苏省", 1)]
    assert mine.by_month == [0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    county = employment_summary(Employment.objects.restrict(personas["county_admin"], "view"), YEAR)
    assert county.persons == 2 and county.by_month[0] == 1

    page = client_as("village_clerk_a").get(reverse("livelihoods:employment-summary"), {"year": YEAR})
    assert page.status_code == 200
    assert 'data-testid="persons">1<' in page.content.decode()


# --- labour subsidy -----------------------------------------------------------------------------------------

def test_outside_county_months_count_across_year_boundaries_and_overlaps_once(tree):
    household = make_household(tree[VILLAGE_A], members=3)
    long_haul, short, local = household.members.order_by("id")
    job(long_haul, PLACE.OUT_PROVINCE, date(YEAR - 1, 9, 1), date(YEAR, 3, 31))  # Jan–Mar of YEAR
    job(long_haul, PLACE.IN_PROVINCE, date(YEAR, 6, 1), date(YEAR, 8, 15))  # Jun–Aug
    job(long_haul, PLACE.IN_PROVINCE, date(YEAR, 7, 1), date(YEAR, 7, 31))  # July again: no extra month
    job(short, PLACE.OUT_PROVINCE, date(YEAR, 10, 1))  # Oct–Dec, still there
    job(local, PLACE.IN_COUNTY, date(YEAR - 1, 1, 1))  # inside the county: never counts

    persons = Person.objects.filter(household=household)
    assert selectors.outside_county_months(persons, YEAR) == {long_haul.pk: 6, short.pk: 3}
    assert selectors.outside_county_months(persons, YEAR - 1) == {long_haul.pk: 4}
    assert list(selectors.labour_subsidy_eligible(persons, YEAR, 6)) == [long_haul]
    assert set(selectors.labour_subsidy_eligible(persons, YEAR, 3)) == {long_haul, short}
    assert not selectors.labour_subsidy_eligible(persons, YEAR - 1, 6).exists()


def test_the_subsidy_page_lists_eligible_persons_of_the_scope_with_the_configured_months(tree, client_as):
    here = make_household(tree[VILLAGE_A]).head
    there = make_household(tree[VILLAGE_B]).head
    for person in (here, there):
        job(person, PLACE.OUT_PROVINCE, date(YEAR, 1, 1), date(YEAR, 5, 31))  # 5 months
    url = reverse("livelihoods:labour-subsidy")
    client = client_as("village_clerk_a")
    assert here.get_absolute_url() not in client.get(url, {"year": YEAR}).content.decode()  # N = 6 by default

    SystemSetting.put(selectors.LABOUR_SUBSIDY_SETTING, 5)
    page = client.get(url, {"year": YEAR}).content.decode()
    assert here.get_absolute_url() in page and there.get_absolute_url() not in page
    assert here.id_number not in page and here.masked_id_number in page
    export = client.get(url, {"year": YEAR, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_only_county_level_staff_change_the_required_months(tree, client_as):
    url = reverse("livelihoods:labour-subsidy")
    assert client_as("village_clerk_a").post(url, {"months": 3}).status_code == 403
    assert selectors.labour_subsidy_required_months() == 6
    assert 'data-testid="setting-form"' not in client_as("village_clerk_a").get(url).content.decode()
    assert client_as("county_admin").post(url, {"months": 4}).status_code == 302
    assert selectors.labour_subsidy_required_months() == 4


# --- API and dossier --------------------------------------------------------------------------------------

def test_the_api_records_work_with_the_derived_place_and_a_villager_reports_for_herself(tree, client_as, zhuoma):
    person = make_household(tree[VILLAGE_A]).head
    body = {"person": str(person.uuid), "destination_province": "浙江省", "destination_city": "宁波市",
            "industry": "manufacturing", "start_date": f"{YEAR}-04-01", "monthly_income": "5200"}
    created = client_as("grid_worker_a").post("/api/v1/employments/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["place"] == PLACE.OUT_PROVINCE
    ended = client_as("grid_worker_a").post(f"/api/v1/employments/{created.json()['id']}/end/",
                                            {"end_date": f"{YEAR}-10-31"}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["end_date"] == f"{YEAR}-10-31"

    own = client_as("villager_a").post("/api/v1/employments/", {**body, "person": str(zhuoma.uuid),
                                                                 "method": "department"},
                                       content_type="application/json")
    assert own.status_code == 201 and own.json()["method"] == choices.CollectionMethod.SELF_REPORT
    stranger = client_as("villager_a").post("/api/v1/employments/", body, content_type="application/json")
    assert stranger.status_code == 400
    assert Employment.objects.filter(person=person).count() == 1


def test_the_dossier_shows_the_households_current_and_past_work(tree, client_as):
    household = make_household(tree[VILLAGE_A], members=2)
    head, child = household.members.order_by("id")
    now = job(head, PLACE.OUT_PROVINCE, date(YEAR, 3, 1))
    before = job(child, PLACE.IN_COUNTY, date(YEAR - 2, 3, 1), date(YEAR - 1, 1, 31))
    page = client_as("village_clerk_a").get(household.get_absolute_url()).content.decode()
    assert f'id="employment-{now.pk}"' in page and f'id="employment-{before.pk}"' in page
    assert page.index(f'id="employment-{now.pk}"') < page.index(f'id="employment-{before.pk}"')
