"""A small registry with known figures for the dashboard's tests (every number below is counted by hand).

杰迪村 (VILLAGE_A):
- household h1 (registered; tags 脱贫户 + 监测户): 男 35 汉, 女 33 藏, 男 9 藏 (10th birthday tomorrow), 女 80 藏
  (80th birthday today); income 2025 per capita 5,000 (below the line 7,600), 2024 per capita 15,000;
  a monitoring case in 帮扶 (assisting).
- household h2 (registered; 脱贫户): 男 45 藏, 女 44 藏, 男 10 回 (birthday today), 女 20 moved out (not counted);
  income 2025 per capita 9,000 (near the line: ≤ 7,600 × 1.2 = 9,120); a case at the clue stage.
- household h3 (cancelled; 脱贫户): 男 50 汉 — counted nowhere but in households by status; income 2025 ignored.
  => 2 households, 7 persons; M by band [1,1,0,1,1,0,0,0,0], F [0,0,0,1,1,0,0,0,1]; 汉 1, 藏 5, 回 1.

水地村 (VILLAGE_A2): three registered households of one person each (男 40 汉), no tags, no income.
狼岔坝村 (VILLAGE_B): one registered household of six persons (女 30 藏), tag 低保户.

立节镇 = 杰迪村 + 水地村: 5 households (each village alone is under 5), 10 persons; 男 40–49: 1 + 3 = 4 → null.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from xiangcun.core.testing import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from xiangcun.households import choices
from xiangcun.households.figures import years_before
from xiangcun.households.models import Household, HouseholdTag
from xiangcun.households.tests.factories import make_person
from xiangcun.incidents import choices as incident_choices
from xiangcun.incidents.models import Incident, Patrol
from xiangcun.incidents.tests.factories import make_incident
from xiangcun.livelihoods.models import IncomeRecord
from xiangcun.monitoring import choices as monitoring_choices
from xiangcun.monitoring.models import MonitoringLine
from xiangcun.monitoring.tests.factories import make_case
from xiangcun.regions.models import Grid


def born(age: int, *, days: int = 0):
    """The birth date of someone who turns ``age`` today (``days`` later: not yet)."""
    return years_before(timezone.localdate(), age) + timedelta(days=days)


def household(village, number: str, *, status: str = choices.HouseholdStatus.ACTIVE, tags: tuple[str, ...] = (),
              members: tuple[tuple, ...] = ()) -> Household:
    house = Household.objects.create(region=village, number=number, head_name="户主", status=status)
    for index, (sex, age, ethnicity, *rest) in enumerate(members):
        extra = rest[0] if rest else {}
        make_person(house, name=f"成员{index}", sex=sex, birth=born(age, days=extra.pop("days", 0)),
                    ethnicity=ethnicity, relation=choices.Relation.HEAD if index == 0 else choices.Relation.CHILD,
                    **extra)
    if tags:
        house.tags.set(HouseholdTag.objects.filter(code__in=tags))
    return house


def income(house: Household, year: int, per_capita: int, family_size: int = 1) -> IncomeRecord:
    return IncomeRecord.objects.create(household=house, year=year, family_size=family_size,
                                       wage_income=Decimal(per_capita * family_size))


def build_registry(tree) -> dict:
    M, F = choices.Sex.MALE, choices.Sex.FEMALE
    HAN, TIBETAN, HUI = choices.Ethnicity.HAN, choices.Ethnicity.TIBETAN, choices.Ethnicity.HUI
    MonitoringLine.objects.create(province_code="62", year=2025, amount=Decimal("7600"), near_ratio=Decimal("1.20"))
    village_a, village_a2, village_b = tree[VILLAGE_A], tree[VILLAGE_A2], tree[VILLAGE_B]
    h1 = household(village_a, "A-1", tags=("tuopin", "jiance"), members=(
        (M, 35, HAN), (F, 33, TIBETAN), (M, 10, TIBETAN, {"days": 1}), (F, 80, TIBETAN)))
    h2 = household(village_a, "A-2", tags=("tuopin",), members=(
        (M, 45, TIBETAN), (F, 44, TIBETAN), (M, 10, HUI),
        (F, 20, TIBETAN, {"status": choices.PersonStatus.MOVED_OUT})))
    h3 = household(village_a, "A-3", status=choices.HouseholdStatus.CANCELLED, tags=("tuopin",),
                   members=((M, 50, HAN),))
    income(h1, 2025, 5000, family_size=4)
    income(h1, 2024, 15000, family_size=4)
    income(h2, 2025, 9000, family_size=3)
    income(h3, 2025, 1000)
    make_case(village_a, household=h1, state=monitoring_choices.CaseState.ASSISTING)
    make_case(village_a, household=h2, state=monitoring_choices.CaseState.CLUE)
    for number in range(3):
        household(village_a2, f"A2-{number}", members=((M, 40, HAN),))
    household(village_b, "B-1", tags=("dibao",), members=tuple((F, 30, TIBETAN) for _ in range(6)))
    return {"h1": h1, "h2": h2, "h3": h3}


def build_incidents(tree, personas) -> dict:
    """杰迪村: three incidents today (one open and late, one closed at the village on time, one closed at the
    township after running late), one open from 40 days ago; 狼岔坝村: one today. A grid with two workers."""
    village_a, village_b = tree[VILLAGE_A], tree[VILLAGE_B]
    now = timezone.now()
    grid = Grid.objects.create(code=f"{VILLAGE_A}G01", name="杰迪一网格", village=village_a)
    grid.workers.add(personas["grid_worker_a"], personas["village_clerk_a"])
    S, L = incident_choices.State, incident_choices.HoldingLevel
    old = make_incident(village_a, state=S.DISPATCHED, reporter_name="李四", grid=grid,
                        stage_deadline=now + timedelta(days=3))
    Incident.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=40))
    closed_village = make_incident(village_a, state=S.CLOSED, closed_level=L.VILLAGE, reporter_name="王五", grid=grid)
    closed_township = make_incident(village_a, state=S.RATED, closed_level=L.TOWNSHIP, overdue_count=1,
                                    reporter_name="赵六", category_code="dispute-family", is_public=False)
    late = make_incident(village_a, state=S.REPORTED, reporter_name="张三丰", grid=grid,
                         stage_deadline=now - timedelta(hours=1), lat=33.79, lng=104.37)
    other = make_incident(village_b, state=S.REPORTED, reporter_name="钱七")
    Patrol.objects.create(region=village_a, worker=personas["grid_worker_a"], grid=grid)
    return {"old": old, "closed_village": closed_village, "closed_township": closed_township, "late": late,
            "other": other, "grid": grid}
