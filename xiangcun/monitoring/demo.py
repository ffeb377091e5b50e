"""The monitoring app's part of the synthetic demo county (households/demo.py): the parts that are not households.

- ``ensure_configuration``: Gansu's monitoring lines, DEMO VALUES from households/demo_names.py that a county
  replaces on its configuration page, and the types of the low-income register;
- the 低收入人口 register of each household, drawn with the household from its band (``_Draft.band``);
- ``seed_cases``: a few 监测帮扶 cases in every state of the workflow, with their timelines, measures
  and clues, so the monitoring pages have something to show.

Cases are written row by row (there are a few dozen); the timeline's ``at`` is ``auto_now_add``, so the
days of the timeline are set afterwards with ``bulk_update``.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from xiangcun.households import demo_names as names
from xiangcun.households.demo import DemoPart, _Draft, register_part
from xiangcun.households.models import Household
from xiangcun.monitoring import choices as C
from xiangcun.monitoring.models import (
    AssistanceMeasure,
    CaseEvent,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    MonitoringLine,
    NoticeObjection,
    RiskClue,
)
from xiangcun.monitoring.reference import load_categories
from xiangcun.regions.models import Region

CLERK_VILLAGE = "623023103203"  # 杰迪村: its steps are signed by the persona village_clerk_a
CLERK_TOWNSHIP = "623023103"  # 立节镇: township_officer

S = C.CaseState
# (action, from, to, comment) of an inclusion case from the clue to assistance: the actions of workflow.py.
CASE_PATH = (
    ("open", S.CLUE, S.CLUE, "预警：家庭收入接近监测线"),
    ("start_verification", S.CLUE, S.VERIFYING, "入户核实家庭成员、收入和刚性支出"),
    ("record_consent_and_verify", S.VERIFYING, S.COMPARING, "已签署授权承诺书，提交部门信息比对"),
    ("record_comparison", S.COMPARING, S.DELIBERATION, "比对无异常，提交村民代表会议评议"),
    ("record_deliberation", S.DELIBERATION, S.NOTICE, "评议通过，村内公示"),
    ("end_notice", S.NOTICE, S.TOWNSHIP_REVIEW, "公示期满无异议"),
    ("township_approve", S.TOWNSHIP_REVIEW, S.COUNTY_REVIEW, "乡镇审核同意"),
    ("county_approve", S.COUNTY_REVIEW, S.ASSISTING, "县级审定，纳入监测，落实帮扶"),
    ("eliminate", S.ASSISTING, S.ELIMINATED, "风险消除审定通过"),
)
ELIMINATION_PATH = (
    ("open", S.DELIBERATION, S.DELIBERATION, "收入持续稳定高于监测线，申请风险消除"),
    ("record_deliberation", S.DELIBERATION, S.NOTICE, "评议同意风险消除，村内公示"),
    ("end_notice", S.NOTICE, S.TOWNSHIP_REVIEW, "公示期满无异议"),
    ("township_approve", S.TOWNSHIP_REVIEW, S.COUNTY_REVIEW, "乡镇审核同意"),
    ("county_approve", S.COUNTY_REVIEW, S.ELIMINATED, "县级审定，风险消除"),
)
IN_PROGRESS = (S.CLUE, S.VERIFYING, S.COMPARING, S.DELIBERATION, S.NOTICE, S.NOTICE_PAUSED, S.TOWNSHIP_REVIEW,
               S.COUNTY_REVIEW)


def ensure_configuration(county: Region) -> dict[str, int]:
    """The register's types and the demo monitoring lines of the province (kept if they exist)."""
    load_categories(LowIncomeCategory)
    for year, amount in names.MONITORING_LINES.items():
        MonitoringLine.objects.get_or_create(province_code=county.code[:2], year=year,
                                             defaults={"amount": Decimal(amount)})
    return {"monitoring_lines": len(names.MONITORING_LINES)}


@register_part
class MonitoringPart(DemoPart):
    key = "monitoring"
    order = 20  # after livelihoods: the register is drawn after the income, as before the split

    @classmethod
    def configure(cls, county: Region) -> dict[str, int]:
        return ensure_configuration(county)

    def __init__(self, generator) -> None:
        super().__init__(generator)
        self.categories = {category.code: category for category in LowIncomeCategory.objects.all()}
        self.case_candidates: dict[str, list[Household]] = {"monitored": [], "drop": [], "near": [], "ended": []}
        self.households = 0

    def rows(self, drafts: list[_Draft]) -> dict[type, list]:
        self.households += len(drafts)
        return {LowIncomeRegistration: [row for d in drafts for row in self.registrations(d)]}

    def finish(self) -> dict[str, int]:
        generator = self.generator
        return {"cases": seed_cases(rng=generator.rng, users=generator.users, categories=self.categories,
                                    candidates=self.case_candidates, limit=max(4, self.households // 400))}

    def registrations(self, draft: _Draft) -> list[LowIncomeRegistration]:
        rng, rows, categories = self.generator.rng, [], self.categories

        def register(code: str, start: date, end: date | None = None, reason: str = "") -> None:
            rows.append(LowIncomeRegistration(household=draft.household, category=categories[code], start_date=start,
                                              end_date=end, end_reason=reason))

        if draft.band == "monitored":
            register("unstable" if "tuopin" in draft.tags else "edge",
                     date(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28)))
        if draft.band == "ended":
            start = date(rng.randint(2021, 2022), rng.randint(1, 12), 10)
            register("unstable", start, date(start.year + rng.randint(1, 3), rng.randint(1, 12), 20), "风险消除")
        for code in ("dibao", "tekun"):
            if code in draft.tags:
                register(code, date(rng.randint(2012, 2024), rng.randint(1, 12), 1))
        if draft.band in self.case_candidates:
            self.case_candidates[draft.band].append(draft.household)
        return rows


def seed_cases(*, rng: random.Random, users: dict, categories: dict[str, LowIncomeCategory],
               candidates: dict[str, list[Household]], limit: int) -> int:
    """A few monitoring cases in every state, with their timelines, measures, objections and clues."""
    plans: list[tuple[Household, int, str]] = []  # (household, steps along CASE_PATH, end state)
    plans += [(household, 8, S.ASSISTING) for household in candidates["monitored"][:limit]]
    for index, household in enumerate(candidates["drop"][:limit]):
        state = IN_PROGRESS[index % len(IN_PROGRESS)]
        steps = 5 if state == S.NOTICE_PAUSED else [step[2] for step in CASE_PATH].index(state) + 1
        plans.append((household, steps, state))
    plans += [(household, 2, S.REJECTED) for household in candidates["near"][: max(1, limit // 4)]]
    plans += [(household, 9, S.ELIMINATED) for household in candidates["ended"][: max(1, limit // 3)]]
    made = 0
    for household, steps, state in plans:
        registered = LowIncomeRegistration.objects.filter(household=household, category__is_monitoring=True)
        current = registered.select_related("category").order_by("start_date").first()
        sudden = state in IN_PROGRESS
        if current is not None and not sudden:  # the case that led to the registration
            opened = datetime.combine(current.start_date - timedelta(days=45), time(9), tzinfo=UTC)
        else:
            opened = datetime(2026, rng.randint(1, 5), rng.randint(1, 28), 9, tzinfo=UTC)
        day = opened.date()
        case = MonitoringCase.objects.create(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), region=household.region, household=household,
            category=categories["sudden"] if sudden or current is None else current.category, state=state,
            summary="家庭成员患病、务工中断，人均纯收入低于上年三成以上" if sudden else "家庭收入接近防返贫监测线",
            consent_signed_on=day + timedelta(days=3) if steps >= 3 else None,
            comparison="民政、人社、医保、不动产、车辆信息比对无异常" if steps >= 4 else "",
            deliberation="村民代表会议评议同意" if steps >= 5 else "",
            notice_started_on=day + timedelta(days=20) if steps >= 5 else None,
            notice_ends_on=day + timedelta(days=25) if steps >= 5 else None,
            decided_on=day + timedelta(days=40) if steps >= 8 else None,
            reason="入户核实家庭收入高于监测线，不予纳入" if state == S.REJECTED else "",
            opened_by=_signer(users, household, "open"),
        )
        path = list(CASE_PATH[:steps])
        eliminated_on = current.end_date if state == S.ELIMINATED and current is not None else None
        if eliminated_on:  # the last step is dated by the elimination case, below
            path = path[:-1]
        if state == S.REJECTED:
            path.append(("reject", S.VERIFYING, S.REJECTED, case.reason))
        elif state == S.NOTICE_PAUSED:
            path.append(("raise_objection", S.NOTICE, S.NOTICE_PAUSED, "村民对家庭收入提出异议"))
            NoticeObjection.objects.create(case=case, raised_by="村民代表", content="村民对家庭收入提出异议，申请复核")
        _timeline(case, path, opened, rng=rng, users=users)
        made += 1
        if state in (S.ASSISTING, S.ELIMINATED):
            for kind, text, amount in rng.sample(names.MEASURES, 2):
                AssistanceMeasure.objects.create(
                    case=case, kind=kind, description=text, start_date=case.decided_on or day,
                    responsible_name=rng.choice(names.CADRES), amount=None if amount is None else Decimal(amount),
                    status=C.MeasureStatus.DONE if state == S.ELIMINATED else C.MeasureStatus.ACTIVE)
            registered.filter(case__isnull=True).update(case=case)
        if eliminated_on:
            ended = datetime.combine(eliminated_on - timedelta(days=30), time(9), tzinfo=UTC)
            elimination = MonitoringCase.objects.create(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4), region=household.region, household=household,
                kind=C.CaseKind.ELIMINATION, category=current.category, state=S.ELIMINATED, inclusion=case,
                summary=ELIMINATION_PATH[0][3], deliberation="村民代表会议评议同意风险消除",
                notice_started_on=ended.date() + timedelta(days=5), notice_ends_on=ended.date() + timedelta(days=10),
                decided_on=eliminated_on, opened_by=_signer(users, household, "open"))
            _timeline(elimination, list(ELIMINATION_PATH), ended, rng=rng, users=users)
            last = CaseEvent.objects.create(case=case, action="eliminate", from_state=S.ASSISTING,
                                            to_state=S.ELIMINATED, comment=CASE_PATH[-1][3])
            CaseEvent.objects.filter(pk=last.pk).update(at=datetime.combine(eliminated_on, time(10), tzinfo=UTC))
            made += 1
        if sudden or state == S.REJECTED:
            RiskClue.objects.create(household=household, source=C.ClueSource.SYSTEM, case=case,
                                    signal=C.RiskSignal.INCOME_DROP if sudden else C.RiskSignal.NEAR_LINE,
                                    occurred_on=day, status=C.ClueStatus.IN_CASE, description=case.summary)
    return made


def _signer(users: dict, household: Household, action: str):
    """Who signs a step: the personas where the case lies in their region, the system elsewhere."""
    if action == "county_approve":
        return users.get("county_admin")
    if action == "township_approve":
        return users.get("township_officer") if household.region.code.startswith(CLERK_TOWNSHIP) else None
    return users.get("village_clerk_a") if household.region.code == CLERK_VILLAGE else None


def _timeline(case: MonitoringCase, path: list[tuple], opened: datetime, *, rng: random.Random, users: dict) -> None:
    """The case's events, a few days apart from ``opened`` (``at`` is auto_now_add, so it is set afterwards)."""
    events = [CaseEvent(case=case, action=action, from_state=before, to_state=after, comment=comment,
                        actor=_signer(users, case.household, action)) for action, before, after, comment in path]
    CaseEvent.objects.bulk_create(events)
    at = opened
    for event in events:
        event.at, at = at, at + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
    CaseEvent.objects.bulk_update(events, ["at"])
    MonitoringCase.objects.filter(pk=case.pk).update(created_at=opened)
