"""The nightly early warning: signals with their reasons, the line per province and year, the scoped risk list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiangcun.core.testing import VILLAGE_A, VILLAGE_B
from xiangcun.households.choices import Health, SafetyRating
from xiangcun.households.models import House
from xiangcun.households.tests.factories import make_household, make_person
from xiangcun.livelihoods.models import IncomeRecord
from xiangcun.monitoring import risk
from xiangcun.monitoring import services as monitoring
from xiangcun.monitoring.choices import ClueSource, RiskSignal
from xiangcun.monitoring.models import MonitoringLine, RiskFlag

ON = date(2026, 3, 1)


def income(household, year: int, per_capita: int, size: int = 2) -> IncomeRecord:
    return IncomeRecord.objects.create(household=household, year=year, family_size=size,
                                       wage_income=Decimal(per_capita * size))


def signals_of(household) -> set[str]:
    return {signal["code"] for signal in RiskFlag.objects.get(household=household).signals}


@pytest.fixture
def lines(db):
    MonitoringLine.objects.create(province_code="62", year=2024, amount=Decimal("7000"))
    MonitoringLine.objects.create(province_code="62", year=2025, amount=Decimal("7600"), drop_percent=30)


def test_income_below_the_line_of_its_own_year_is_a_risk(tree, lines):
    poor = make_household(tree[VILLAGE_A])
    income(poor, 2025, 7300)
    risk.risk_compute_all(on=ON)
    flag = RiskFlag.objects.get(household=poor)
    assert signals_of(poor) == {RiskSignal.BELOW_LINE}
    assert flag.line == Decimal("7600") and flag.per_capita == Decimal("7300") and flag.level == 3
    assert "7300.00" in risk.signal_text(flag.signals[0]) and "7600.00" in risk.signal_text(flag.signals[0])


def test_the_same_income_is_above_an_earlier_years_line(tree, lines):
    household = make_household(tree[VILLAGE_A])
    income(household, 2024, 7300)
    risk.risk_compute_all(on=ON)
    assert signals_of(household) == {RiskSignal.NEAR_LINE}  # 7300 ≥ 7000 but ≤ 7000 × 1.2


def test_the_line_is_the_provinces_not_a_constant(tree, lines):
    MonitoringLine.objects.filter(province_code="62", year=2025).update(amount=Decimal("5000"))
    household = make_household(tree[VILLAGE_A])
    income(household, 2025, 7300)
    risk.risk_compute_all(on=ON)
    assert not RiskFlag.objects.filter(household=household).exists()  # 7300 > 5000 × 1.2


def test_a_missing_line_skips_the_income_signals_and_says_so(tree, db, caplog):
    household = make_household(tree[VILLAGE_A])
    income(household, 2025, 3000)
    run = risk.risk_compute_all(on=ON)
    assert run.missing_lines == [("62", 2025)]
    assert not RiskFlag.objects.filter(household=household).exists()
    assert "no monitoring line for province 62 in 2025" in caplog.text


def test_a_sharp_drop_against_the_year_before_is_a_risk(tree, lines):
    household = make_household(tree[VILLAGE_A])
    income(household, 2024, 20000)
    income(household, 2025, 12000)
    risk.risk_compute_all(on=ON)
    flag = RiskFlag.objects.get(household=household)
    assert signals_of(household) == {RiskSignal.INCOME_DROP}
    assert "40%" in risk.signal_text(flag.signals[0])


def test_illness_new_disability_dangerous_house_and_reported_risks_are_signals(tree, lines, personas):
    household = make_household(tree[VILLAGE_A])
    make_person(household, name="病人", health=Health.SERIOUS)
    make_person(household, name="残疾人", health=Health.DISABLED)  # created now, so recorded in the change log
    House.objects.create(household=household, structure="earth_wood", floor_area=Decimal("60"),
                         safety_rating=SafetyRating.D)
    monitoring.clue_report(actor=personas["village_clerk_a"], household=household, source=ClueSource.CADRE_CHECK,
                           signal=RiskSignal.LARGE_EXPENSE, amount=Decimal("52000"), occurred_on=ON)
    healthy = make_household(tree[VILLAGE_A])
    risk.risk_compute_all(on=ON)
    assert signals_of(household) == {RiskSignal.SERIOUS_ILLNESS, RiskSignal.NEW_DISABILITY,
                                     RiskSignal.DANGEROUS_HOUSE, RiskSignal.LARGE_EXPENSE}
    assert RiskFlag.objects.get(household=household).level == 3
    assert not RiskFlag.objects.filter(household=healthy).exists()


def test_a_disability_known_before_the_change_log_is_not_new(tree, lines):
    household = make_household(tree[VILLAGE_A])
    from auditlog.models import LogEntry

    person = make_person(household, name="老残疾", health=Health.DISABLED)
    LogEntry.objects.filter(object_pk=str(person.pk)).update(timestamp="2020-01-01T00:00:00Z")
    risk.risk_compute_all(on=ON)
    assert not RiskFlag.objects.filter(household=household).exists()


def test_a_dismissed_clue_is_no_longer_a_risk(tree, lines, personas):
    household = make_household(tree[VILLAGE_A])
    clue = monitoring.clue_report(actor=personas["village_clerk_a"], household=household,
                                  source=ClueSource.CADRE_CHECK, signal=RiskSignal.LOST_WORK)
    monitoring.clue_dismiss(actor=personas["village_clerk_a"], clue=clue, reason="已重新就业")
    risk.risk_compute_all(on=ON)
    assert not RiskFlag.objects.filter(household=household).exists()


def test_a_recomputation_replaces_yesterdays_list(tree, lines):
    household = make_household(tree[VILLAGE_A])
    record = income(household, 2025, 5000)
    risk.risk_compute_all(on=ON)
    record.wage_income = Decimal("40000")
    record.save()
    risk.risk_compute_all(on=ON)
    assert not RiskFlag.objects.filter(household=household).exists()


def test_the_computation_costs_the_same_queries_for_many_households(tree, lines):
    for index in range(3):
        income(make_household(tree[VILLAGE_A]), 2025, 5000 + index)
    with CaptureQueriesContext(connection) as few:
        risk.risk_compute_all(on=ON)
    for index in range(20):
        income(make_household(tree[VILLAGE_B]), 2025, 5000 + index)
    with CaptureQueriesContext(connection) as many:
        risk.risk_compute_all(on=ON)
    assert len(many) == len(few)
    assert RiskFlag.objects.count() == 23


def test_the_risk_list_shows_a_clerk_only_their_village_with_reasons(tree, lines, client_as):
    mine = make_household(tree[VILLAGE_A], head_name="本村户")
    theirs = make_household(tree[VILLAGE_B], head_name="外村户")
    income(mine, 2025, 5000)
    income(theirs, 2025, 5000)
    risk.risk_compute_all(on=ON)
    page = client_as("village_clerk_a").get(reverse("monitoring:risk-list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "本村户" in html and "外村户" not in html
    assert "5000.00" in html and "7600.00" in html


def test_the_risk_list_costs_the_same_queries_for_many_rows(tree, lines, client_as):
    client = client_as("county_admin")
    income(make_household(tree[VILLAGE_A]), 2025, 5000)
    risk.risk_compute_all(on=ON)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("monitoring:risk-list"))
    for index in range(15):
        income(make_household(tree[VILLAGE_B]), 2025, 5000 + index)
    risk.risk_compute_all(on=ON)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("monitoring:risk-list")).status_code == 200
    assert len(many) == len(one)
