"""Configuration rows and monitoring cases of the synthetic demo (demo.py): the parts that are not households.

- ``ensure_configuration``: Gansu's monitoring lines and the county's income rules, DEMO VALUES from
  demo_names.py that a county replaces on its configuration pages;
- ``seed_cases``: a few 监测帮扶 cases in every state of the workflow, with their timelines, measures
  and clues, so the monitoring pages have something to show.

Cases are written row by row (there are a few dozen); the timeline's ``at`` is ``auto_now_add``, so the
days of the timeline are set afterwards with ``bulk_update``.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from xiangcun.households import choices as C
from xiangcun.households import demo_names as names
from xiangcun.households.models import (
    AssistanceMeasure,
    CaseEvent,
    Household,
    IncomeRule,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    MonitoringLine,
    RiskClue,
)
from xiangcun.regions.models import Region

CLERK_VILLAGE = "623023103203"  # 杰迪村: its steps are signed by the persona village_clerk_a
CLERK_TOWNSHIP = "623023103"  # 立节镇: township_officer

CASE_PATH = (  # (action, from, to, comment) of an inclusion case from the clue to assistance
    ("open", "", C.CaseState.CLUE, "预警：家庭收入接近监测线"),
    ("verify", C.CaseState.CLUE, C.CaseState.VERIFYING, "入户核实家庭成员、收入和刚性支出"),
    ("compare", C.CaseState.VERIFYING, C.CaseState.COMPARING, "已签署授权承诺书，提交部门信息比对"),
    ("deliberate", C.CaseState.COMPARING, C.CaseState.DELIBERATION, "比对无异常，提交村民代表会议评议"),
    ("publish_notice", C.CaseState.DELIBERATION, C.CaseState.NOTICE, "评议通过，村内公示"),
    ("submit_township", C.CaseState.NOTICE, C.CaseState.TOWNSHIP_REVIEW, "公示期满无异议"),
    ("approve_township", C.CaseState.TOWNSHIP_REVIEW, C.CaseState.COUNTY_REVIEW, "乡镇审核同意"),
    ("approve_county", C.CaseState.COUNTY_REVIEW, C.CaseState.ASSISTING, "县级审定，纳入监测，落实帮扶"),
    ("eliminate", C.CaseState.ASSISTING, C.CaseState.ELIMINATED, "收入持续稳定高于监测线，风险消除"),
)


def ensure_configuration(county: Region) -> dict[str, int]:
    """The demo monitoring lines of the province and income rules of the county (kept if they exist)."""
    for year, amount in names.MONITORING_LINES.items():
        MonitoringLine.objects.get_or_create(province_code=county.code[:2], year=year,
                                             defaults={"amount": Decimal(amount)})
    for kind, item, unit_yield, price, income, cost, note in names.INCOME_RULES:
        IncomeRule.objects.get_or_create(county_code=county.code[:6], kind=kind, item=item, defaults={
            "unit_yield": None if unit_yield is None else Decimal(str(unit_yield)),
            "unit_price": None if price is None else Decimal(str(price)),
            "unit_income": None if income is None else Decimal(income), "unit_cost": Decimal(cost),
            "notes": f"demo value: {note}"})
    return {"monitoring_lines": len(names.MONITORING_LINES), "income_rules": len(names.INCOME_RULES)}


def seed_cases(*, rng: random.Random, users: dict, categories: dict[str, LowIncomeCategory],
               candidates: dict[str, list[Household]], limit: int) -> int:
    """A few monitoring cases in every state, with their timelines, measures and clues."""
    S = C.CaseState
    plans: list[tuple[Household, int, str]] = []  # (household, steps along CASE_PATH, end state)
    for household in candidates["monitored"][: limit]:
        plans.append((household, 8, S.ASSISTING))
    in_progress = (S.CLUE, S.VERIFYING, S.COMPARING, S.DELIBERATION, S.NOTICE, S.NOTICE_PAUSED,
                   S.TOWNSHIP_REVIEW, S.COUNTY_REVIEW)
    for index, household in enumerate(candidates["drop"][: limit]):
        state = in_progress[index % len(in_progress)]
        plans.append((household, 5 if state == S.NOTICE_PAUSED else [p[2] for p in CASE_PATH].index(state) + 1,
                      state))
    for household in candidates["near"][: max(1, limit // 4)]:
        plans.append((household, 3, S.REJECTED))
    for household in candidates["ended"][: max(1, limit // 3)]:
        plans.append((household, 9, S.ELIMINATED))
    for household, steps, state in plans:
        in_village_a = household.region.code == CLERK_VILLAGE
        registered = LowIncomeRegistration.objects.filter(household=household, category__is_monitoring=True)
        current = registered.select_related("category").first()
        opened = datetime(2025, rng.randint(1, 10), rng.randint(1, 28), 9, tzinfo=UTC)
        sudden = state in in_progress
        case = MonitoringCase.objects.create(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), region=household.region, household=household,
            category=categories["sudden"] if sudden or current is None else current.category, state=state,
            summary="家庭成员患病、务工中断，人均纯收入低于上年三成以上" if sudden else "家庭收入接近防返贫监测线",
            consent_signed_on=opened.date() + timedelta(days=3) if steps >= 3 else None,
            comparison="民政、人社、医保、不动产、车辆信息比对无异常" if steps >= 4 else "",
            deliberation="村民代表会议评议同意" if steps >= 5 else "",
            notice_started_on=opened.date() + timedelta(days=20) if steps >= 5 else None,
            notice_ends_on=opened.date() + timedelta(days=25) if steps >= 5 else None,
            decided_on=opened.date() + timedelta(days=40) if steps >= 8 else None,
            reason="经核实家庭收入高于监测线，不予纳入" if state == S.REJECTED else "",
            opened_by=users.get("village_clerk_a") if in_village_a else None,
        )
        events, at = [], opened
        path = list(CASE_PATH[: min(steps, 9)])
        if state == S.REJECTED:
            path = [*path[:2], ("reject", S.VERIFYING, S.REJECTED, "入户核实收入高于监测线，不予纳入")]
        elif state == S.NOTICE_PAUSED:
            path.append(("object", S.NOTICE, S.NOTICE_PAUSED, "公示期间收到异议，暂停公示复核"))
        for action, before, after, comment in path:
            actor = (users.get("county_admin") if action == "approve_county"
                     else users.get("township_officer") if action == "approve_township" and household.region.code
                     .startswith(CLERK_TOWNSHIP) else users.get("village_clerk_a") if in_village_a else None)
            events.append(CaseEvent(case=case, action=action, from_state=before, to_state=after, actor=actor,
                                    comment=comment))
        CaseEvent.objects.bulk_create(events)
        for event in events:  # ``at`` is auto_now_add: give the timeline its days afterwards
            event.at, at = at, at + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
        CaseEvent.objects.bulk_update(events, ["at"])
        MonitoringCase.objects.filter(pk=case.pk).update(created_at=opened)
        if state in (S.ASSISTING, S.ELIMINATED):
            for kind, text, amount in rng.sample(names.MEASURES, 2):
                AssistanceMeasure.objects.create(
                    case=case, kind=kind, description=text, start_date=case.decided_on or opened.date(),
                    responsible_name=rng.choice(names.CADRES), amount=None if amount is None else Decimal(amount),
                    status=C.MeasureStatus.DONE if state == S.ELIMINATED else C.MeasureStatus.ACTIVE)
            registered.filter(case__isnull=True).update(case=case)
        if sudden or state == S.REJECTED:
            RiskClue.objects.create(household=household, source=C.ClueSource.SYSTEM, case=case,
                                    signal=C.RiskSignal.INCOME_DROP if sudden else C.RiskSignal.NEAR_LINE,
                                    occurred_on=opened.date(), status=C.ClueStatus.IN_CASE,
                                    description=case.summary)
    return len(plans)
