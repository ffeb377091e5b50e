"""Demo incidents (网格事件) for the demo county — invented reports, NOT real events in 舟曲县.

``seed_incidents(county=…, count=…, seed=…)`` writes a few months of a county's incidents: 垃圾, 道路,
纠纷 and the rest weighted as a grid office sees them, 地质灾害 and 防溺水 in the rainy summer and 森林防火
in the dry months; mostly 村民随手拍 and 网格员巡查, some 12345 calls; every state of the loop, with
the timeline each state implies (who accepted, dispatched, handled, closed, rated and when), late steps
marked overdue and — per the category's rule — supervised, a few escalations to the township or the
county, duplicates merged, ratings mostly 4–5 with a few low ones, a few photos (small JPEGs drawn here),
and some notifications for the demo personas. It also makes the county's departments, a few dispatch
rules, and puts ``grid_worker_a`` on a grid of 杰迪村.

Rows are written in bulk (the services would take minutes and could not backdate a timeline); the
columns are the ones the services would have written, so the loop carries on from here through the
services. Times are relative to ``now``: everything else follows from the seed.

``bench_rows(n)`` is the fast generator for the console benchmark: n incidents without events.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xiangcun.core.crypto import lookup_hash
from xiangcun.core.demo import DemoContext, DemoOption, DemoStep
from xiangcun.core.demo import register as register_demo
from xiangcun.incidents import choices
from xiangcun.incidents.choices import AssigneeKind, HoldingLevel, OverdueAction, Source, State
from xiangcun.incidents.models import Category, DailyCounter, DispatchRule, Incident, IncidentEvent
from xiangcun.incidents.services.deadlines import deadline_for
from xiangcun.regions.choices import CODE_LENGTH, Level
from xiangcun.regions.models import Grid, Region

DAYS = 120
VILLAGE_A = "623023103203"  # 杰迪村, where the demo personas work
# Shares of the final states (the open ones first).
STATES = {State.REPORTED: 6, State.ACCEPTED: 4, State.DISPATCHED: 8, State.IN_PROGRESS: 10, State.RESOLVED: 5,
          State.CLOSED: 22, State.RATED: 37, State.REJECTED: 5}
MERGED_SHARE = 0.03
SOURCES = {Source.VILLAGER: 45, Source.PATROL: 35, Source.HOTLINE: 12, Source.DEPUTY: 3, Source.VIDEO_AI: 3,
           Source.DEVICE: 2}
CATEGORIES = {"env-garbage": 18, "env-sewage": 5, "env-toilet": 3, "env-livestock": 4, "road-damage": 9,
              "road-light": 6, "road-water": 6, "dispute-land": 5, "dispute-family": 6, "dispute-wage": 2,
              "safety-house": 5, "safety-power": 3, "fire": 2, "geohazard": 2, "drowning": 1, "other": 3}
# Month -> factor: landslides and drowning in the rainy summer, forest fires in the dry months.
SEASON = {"geohazard": {5: 2, 6: 4, 7: 6, 8: 6, 9: 3}, "drowning": {6: 4, 7: 6, 8: 6},
          "fire": {1: 3, 2: 4, 3: 4, 4: 3, 11: 2, 12: 3}, "road-damage": {7: 2, 8: 2}}
RATINGS = {5: 55, 4: 28, 3: 9, 2: 5, 1: 3}
# The demo's routing (county rules): top category code -> (handler kind, department name).
DISPATCH_RULES = {
    "geohazard": (AssigneeKind.DEPARTMENT, "县自然资源局"),
    "fire": (AssigneeKind.DEPARTMENT, "县林业和草原局"),
    "dispute": (AssigneeKind.VILLAGE, ""),
    "road": (AssigneeKind.DEPARTMENT, "县交通运输局"),
}

PLACES = ("村口", "小学旁", "白龙江边", "村委会后面", "二组路口", "桥头", "后山坡", "泉水旁", "老庄子", "三组巷道",
          "磨坊附近", "便民桥下", "核桃林边", "文化广场")
DESCRIPTIONS = {
    "env-garbage": ("{place}垃圾堆放多日无人清运", "{place}垃圾箱满了，垃圾散落一地", "{place}有人乱倒建筑垃圾"),
    "env-sewage": ("{place}污水直排进沟渠，气味很大", "{place}排水沟堵塞，污水漫到路面"),
    "env-toilet": ("{place}公厕无人打扫，门也坏了", "改厕后化粪池满溢，{place}臭气很重"),
    "env-livestock": ("{place}养殖户粪污直接堆在路边", "{place}牛羊粪便堆积影响通行"),
    "road-damage": ("{place}道路塌陷一段，车辆无法通行", "{place}路面出现大坑，摩托车容易摔倒",
                    "连日降雨，{place}道路边坡垮塌"),
    "road-light": ("{place}路灯不亮已有一周", "{place}太阳能路灯被风刮倒"),
    "road-water": ("{place}自来水管破裂，水流到路上", "{place}停水两天了，村民吃水困难"),
    "dispute-land": ("两户村民因{place}耕地地界发生争执", "{place}核桃树林权属有争议，双方互不相让"),
    "dispute-family": ("邻里因宅基地排水问题发生口角", "家庭矛盾激烈，需要村里调解"),
    "dispute-wage": ("在工地务工的村民被拖欠工资三个月", "包工头拖欠花椒采摘工钱"),
    "safety-house": ("{place}老人居住的土木房墙体开裂", "{place}危房屋顶漏雨，有倒塌风险"),
    "safety-power": ("{place}电线老化垂到路边", "{place}私拉电线给电动车充电"),
    "fire": ("{place}林边有人焚烧秸秆", "{place}山上冒烟，疑似野外用火", "上坟烧纸，火星飘进{place}林地"),
    "geohazard": ("{place}山体出现裂缝，有滑坡危险", "连续降雨后{place}泥石流沟水位上涨",
                  "{place}落石砸坏护栏，路面有碎石"),
    "drowning": ("{place}河边有小孩玩水，无人看管", "{place}防溺水警示牌损坏"),
    "other": ("{place}广播喇叭坏了", "{place}健身器材损坏"),
}
RESULTS = {
    "env": "已组织保洁员清运并清理现场",
    "road": "已联系施工队修复，恢复通行",
    "dispute": "经村调委会调解，双方达成一致并签订调解协议",
    "safety": "已通知户主并安排临时转移，设立警示标志",
    "fire": "已扑灭火情并对当事人进行教育",
    "geohazard": "已设置警戒区，群众已转移，自然资源局派员监测",
    "drowning": "已增设警示牌并安排专人巡查",
    "other": "已处理完毕",
}
REJECT_REASONS = ("经核实属于个人私事，不属于受理范围", "信息不全，多次联系反映人未果", "经现场核实，未发现所反映问题")
RATING_COMMENTS = {
    5: ("处理很及时，满意", "感谢网格员", "当天就解决了"),
    4: ("处理得不错", "基本满意"),
    3: ("处理有点慢",),
    2: ("拖了很久才处理",),
    1: ("问题没有彻底解决",),
}
ESCALATE_REASONS = ("涉及多个村，需镇里协调", "村里无力处置，请求镇上支援")
HAN = ("杨", "王", "张", "李", "赵", "马", "刘", "陈", "何", "苏")
GIVEN = ("文斌", "秀兰", "建国", "玉梅", "志强", "桂英", "小军", "春花", "永福", "海燕")
TIBETAN = ("卓玛", "才让", "扎西", "拉毛", "尕藏", "贡保", "索南", "拉姆")
PHOTO_COLOURS = {"env": (110, 140, 90), "road": (120, 110, 100), "dispute": (150, 130, 160), "safety": (190, 120, 60),
                 "fire": (200, 80, 50), "geohazard": (140, 100, 70), "drowning": (70, 120, 180),
                 "other": (128, 128, 128)}
# The demo's cadres by the division code they hold.
PERSONA_OF_CODE = {"623023103203": "village_clerk_a", "623023102214": "village_clerk_b",
                   "623023103": "township_officer"}
MAX_PHOTOS = 24
AFTER_ACCEPT = (State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.CLOSED, State.RATED)
AFTER_DISPATCH = AFTER_ACCEPT[1:]


@dataclass
class _Draft:
    """One incident before it is written: the row, its timeline, and its photos and notifications."""

    incident: Incident
    events: list[IncidentEvent] = field(default_factory=list)
    photos: list[tuple[str, datetime, object]] = field(default_factory=list)  # (stage, time, actor)
    original: _Draft | None = None  # for a merged duplicate
    merged_at: datetime | None = None


def _weighted(rng: random.Random, table: dict) -> object:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _top(category: Category) -> str:
    return category.code.split("-")[0]


class _Generator:
    def __init__(self, *, county: Region, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.county = county
        self.now = now
        self.categories = {c.code: c for c in Category.objects.select_related("parent")}
        self.villages = list(Region.objects.under(county.code).filter(level=Level.VILLAGE).order_by("code"))
        weights = [self.rng.paretovariate(1.6) for _village in self.villages]
        for position, village in enumerate(self.villages):  # the personas' township and village report more
            if village.code == VILLAGE_A:
                weights[position] += sum(weights) * 0.25
            elif village.code.startswith(VILLAGE_A[:9]):
                weights[position] *= 3
        self.village_weights = weights
        self.grids: dict[int, list] = {}
        for grid in Grid.objects.filter(village__in=self.villages).prefetch_related("workers").order_by("code"):
            self.grids.setdefault(grid.village_id, []).append(grid)
        self.shapes: dict[int, object] = {}
        from xiangcun.accounts.models import User

        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "village_clerk_a", "village_clerk_b", "township_officer", "county_admin", "grid_worker_a", "villager_a",
            "dept_staff"])}
        self.counter = 0

    # --- who ------------------------------------------------------------------------------------------

    def dispatcher(self, village: Region, level: int):
        code = village.code[: CODE_LENGTH[level]]
        username = "county_admin" if code == self.county.code else PERSONA_OF_CODE.get(code, "")
        return self.users.get(username)

    def handler(self, incident: Incident):
        kind = incident.assignee_kind
        if kind == AssigneeKind.USER:
            return incident.assigned_user
        if kind == AssigneeKind.GRID and incident.grid is not None:
            workers = list(incident.grid.workers.all())
            return workers[0] if workers else None
        if kind == AssigneeKind.DEPARTMENT and incident.assigned_department.name == "县民政局":
            return self.users.get("dept_staff")
        if kind in (AssigneeKind.VILLAGE, AssigneeKind.TOWNSHIP) and incident.assigned_region is not None:
            return self.dispatcher(incident.region, Level.VILLAGE if kind == AssigneeKind.VILLAGE else Level.TOWNSHIP)
        return None

    def reporter(self, incident: Incident) -> None:
        rng = self.rng
        source = incident.source
        in_a = incident.region.code == VILLAGE_A
        if source == Source.VILLAGER and in_a and rng.random() < 0.5 and "villager_a" in self.users:
            incident.reporter = self.users["villager_a"]
            incident.reporter_name = incident.reporter.full_name
        elif source == Source.PATROL and in_a and "grid_worker_a" in self.users:
            incident.reporter = self.users["grid_worker_a"]
            incident.reporter_name = incident.reporter.full_name
        elif source in (Source.VILLAGER, Source.HOTLINE, Source.DEPUTY, Source.PATROL):
            name = rng.choice(TIBETAN) if rng.random() < 0.35 else rng.choice(HAN) + rng.choice(GIVEN)
            incident.reporter_name = f"人大代表{name}" if source == Source.DEPUTY else name
            if source in (Source.VILLAGER, Source.HOTLINE):
                phone = "1" + rng.choice(("38", "39", "58", "77", "87", "89", "99")) + f"{rng.randrange(10**8):08d}"
                incident.reporter_phone, incident.reporter_phone_hash = phone, lookup_hash(phone)

    # --- where ------------------------------------------------------------------------------------------

    def place(self, incident: Incident) -> None:
        """A grid of the village and a point inside it (inside the village where grids have no boundary)."""
        import shapely
        from shapely.geometry import shape

        rng = self.rng
        village = incident.region
        grids = self.grids.get(village.pk, [])
        grid = rng.choice(grids) if grids else None
        boundary = (grid.boundary if grid is not None and grid.boundary else None) or village.boundary
        incident.grid = grid
        incident.address = f"{village.name}{rng.choice(PLACES)}"
        if not boundary:
            centre = village.centroid
            if centre is not None:
                incident.lng, incident.lat = centre[0] + rng.gauss(0, 0.003), centre[1] + rng.gauss(0, 0.002)
            return
        key = id(boundary)
        polygon = self.shapes.get(key)
        if polygon is None:
            polygon = self.shapes[key] = shape(boundary)
            shapely.prepare(polygon)
        min_x, min_y, max_x, max_y = polygon.bounds
        for _attempt in range(30):
            x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            if shapely.contains_xy(polygon, x, y):
                break
        else:
            inside = polygon.representative_point()
            x, y = inside.x, inside.y
        incident.lng, incident.lat = round(x, 7), round(y, 7)

    # --- what -------------------------------------------------------------------------------------------

    def category(self, month: int) -> Category:
        weights = {code: weight * SEASON.get(code, {}).get(month, 1) for code, weight in CATEGORIES.items()
                   if code in self.categories}
        return self.categories[_weighted(self.rng, weights)] if weights else next(iter(self.categories.values()))

    def fraction(self, category: Category, *, open_stage: bool = False) -> float:
        """How much of a step's allowed time it took; urgent categories (escalated when late) keep time."""
        rng = self.rng
        if category.overdue_action == OverdueAction.ESCALATE:
            return rng.uniform(0.05, 0.9)
        if open_stage:
            return rng.uniform(0.05, 1.4)
        roll = rng.random()
        return rng.uniform(0.05, 0.8) if roll < 0.72 else rng.uniform(0.8, 1.0) if roll < 0.9 else rng.uniform(1.1, 3)

    # --- one incident ------------------------------------------------------------------------------------

    def draft(self) -> _Draft:
        rng = self.rng
        state = _weighted(rng, STATES)
        created_guess = self.now if state in choices.OPEN_STATES else self.now - timedelta(days=rng.uniform(0, DAYS))
        category = self.category(timezone.localtime(created_guess).month)
        village = rng.choices(self.villages, weights=self.village_weights)[0]
        source = _weighted(rng, SOURCES)
        priority = category.default_priority
        if priority == choices.Priority.NORMAL and rng.random() < 0.1:
            priority = choices.Priority.HIGH
        incident = Incident(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), source=source, category=category, priority=priority,
            is_public=category.default_public, region=village, state=State.REPORTED, level=HoldingLevel.VILLAGE,
            description=rng.choice(DESCRIPTIONS.get(category.code, DESCRIPTIONS["other"])).format(
                place=rng.choice(PLACES)))
        self.place(incident)
        self.reporter(incident)
        return _Timeline(self, _Draft(incident), state).run()


class _Timeline:
    """Walks one incident from its report to its final state, writing the columns and events of each step."""

    def __init__(self, generator: _Generator, draft: _Draft, final: str) -> None:
        self.g, self.draft, self.final = generator, draft, final
        self.incident = draft.incident
        self.rng = generator.rng

    def hours(self, stage: str, *, open_stage: bool = False) -> float:
        category = self.incident.category
        factor = choices.PRIORITY_DEADLINE_FACTOR.get(self.incident.priority, 1.0)
        return max(category.hours_for(stage) * factor * self.g.fraction(category, open_stage=open_stage), 0.1)

    def event(self, at: datetime, action: str, *, actor=None, to_state: str | None = None, comment: str = "",
              data: dict | None = None, public: bool | None = None) -> None:
        from xiangcun.incidents.workflow import INTERNAL_ACTIONS

        incident = self.incident
        self.draft.events.append(IncidentEvent(
            action=action, from_state="" if action in ("create", "overdue") else incident.state,
            to_state=to_state if to_state is not None else ("" if action == "overdue" else incident.state),
            actor=actor, comment=comment, data=data or {}, created_at=at,
            is_public=(action not in INTERNAL_ACTIONS) if public is None else public))
        if to_state is not None:
            incident.state = to_state

    def plan(self) -> list[tuple[str, float]]:
        """The steps to the final state with their durations (hours since the step before)."""
        final = self.final
        steps: list[tuple[str, float]] = []
        if final == State.REJECTED:
            return [("reject", self.hours(choices.Stage.ACCEPT))]
        order = [State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.CLOSED, State.RATED]
        durations = {State.ACCEPTED: ("accept", choices.Stage.ACCEPT),
                     State.DISPATCHED: ("dispatch", choices.Stage.DISPATCH), State.IN_PROGRESS: ("start", None),
                     State.RESOLVED: ("resolve", choices.Stage.HANDLE), State.CLOSED: ("close", choices.Stage.CHECK),
                     State.RATED: ("rate", None)}
        for state in order[: order.index(final) + 1] if final != State.REPORTED else []:
            action, stage = durations[state]
            if stage is None:
                hours = self.hours(choices.Stage.HANDLE) * 0.3 if action == "start" else self.rng.uniform(2, 96)
            else:
                hours = self.hours(stage)
            steps.append((action, hours))
        return steps

    def run(self) -> _Draft:
        incident, rng, now = self.incident, self.rng, self.g.now
        if self.final == State.RATED and not self.can_rate():
            self.final = State.CLOSED  # a camera, a device or a patrol finding has nobody to rate it
        steps = self.plan()
        escalations = 0
        if self.final not in (State.REPORTED, State.REJECTED) and rng.random() < (
                0.5 if _top(incident.category) == "geohazard" else 0.06):
            escalations = 2 if _top(incident.category) == "geohazard" and rng.random() < 0.5 else 1
        gaps = [rng.uniform(10, 60) / 60 for _level in range(escalations)]  # hours from acceptance to 上报
        busy = sum(hours for _action, hours in steps) + sum(gaps)
        stage = choices.STAGE_OF_STATE.get(self.final)
        tail = self.hours(stage, open_stage=True) if stage else rng.uniform(0, max(DAYS * 24 - busy, 1))
        created = now - timedelta(hours=busy + tail)
        incident.created_at = created
        actor = incident.reporter
        self.event(created, "create", actor=actor, to_state=State.REPORTED, data={"source": incident.source})
        if incident.source in (Source.VILLAGER, Source.PATROL) and rng.random() < 0.3:
            self.draft.photos.append((choices.PhotoStage.REPORT, created, actor))
        at = created
        incident.stage_deadline = deadline_for(incident, State.REPORTED, at)
        for action, hours in steps:
            at = self.late_check(at + timedelta(hours=hours))
            getattr(self, f"do_{action}")(at)
            if action == "accept":
                for gap in gaps:
                    at = self.late_check(at + timedelta(hours=gap))
                    self.do_escalate(at)
        self.finish_open_stage()
        incident.updated_at = max(event.created_at for event in self.draft.events)
        return self.draft

    # --- the clock ---------------------------------------------------------------------------------------

    def late_check(self, at: datetime) -> datetime:
        """The step at ``at`` came after the deadline: the job had marked it overdue (and applied the rule)."""
        deadline = self.incident.stage_deadline
        if deadline is not None and at > deadline + timedelta(minutes=5):
            self.overdue(deadline + timedelta(minutes=self.rng.uniform(0.5, 5)), until=at)
        return at

    def overdue(self, since: datetime, *, until: datetime) -> bool:
        incident, category = self.incident, self.incident.category
        incident.overdue_count += 1
        self.event(since, "overdue", public=False, comment=_("The deadline of the %(stage)s step has passed.") % {
            "stage": choices.Stage(choices.STAGE_OF_STATE[incident.state]).label},
            data={"state": incident.state, "deadline": incident.stage_deadline.isoformat()})
        acts_at = since + timedelta(hours=category.escalate_after_hours)
        if acts_at >= until:
            return False
        hours = category.escalate_after_hours
        if category.overdue_action == OverdueAction.NOTIFY:
            self.event(acts_at, "overdue", public=False, data={"rule": "notify"},
                       comment=_("Still overdue after %(hours)d hours.") % {"hours": hours})
        else:  # supervise (escalating categories keep their time, see _Generator.fraction)
            if not incident.supervised:
                incident.supervised, incident.supervised_at = True, acts_at
            self.event(acts_at, "supervise", public=False, data={"rule": "supervise"},
                       comment=_("Supervised automatically: overdue for %(hours)d hours.") % {"hours": hours})
        return True

    def finish_open_stage(self) -> None:
        incident, now = self.incident, self.g.now
        if incident.state not in choices.OPEN_STATES:
            incident.stage_deadline = None
            return
        deadline = incident.stage_deadline
        if deadline is not None and deadline < now:  # as the job, which runs every five minutes, found it
            since = min(deadline + timedelta(minutes=self.rng.uniform(0.5, 5)), now)
            incident.overdue, incident.overdue_since = True, since
            incident.overdue_acted = self.overdue(since, until=now)

    def step(self, at: datetime, action: str, to_state: str, *, actor=None, comment: str = "",
             data: dict | None = None) -> None:
        self.event(at, action, actor=actor, to_state=to_state, comment=comment, data=data)
        self.incident.stage_deadline = deadline_for(self.incident, to_state, at)

    # --- the steps ----------------------------------------------------------------------------------------

    def holder(self):
        return self.g.dispatcher(self.incident.region, {HoldingLevel.VILLAGE: Level.VILLAGE,
                                                        HoldingLevel.TOWNSHIP: Level.TOWNSHIP}.get(
            self.incident.level, Level.COUNTY))

    def do_reject(self, at: datetime) -> None:
        reason = self.rng.choice(REJECT_REASONS)
        self.incident.reject_reason, self.incident.closed_at = reason, at
        self.step(at, "reject", State.REJECTED, actor=self.holder(), comment=reason)

    def do_accept(self, at: datetime) -> None:
        self.incident.accepted_at = at
        self.step(at, "accept", State.ACCEPTED, actor=self.holder())

    def do_escalate(self, at: datetime) -> None:
        incident = self.incident
        actor = self.holder()
        incident.level = HoldingLevel.TOWNSHIP if incident.level == HoldingLevel.VILLAGE else HoldingLevel.COUNTY
        self.step(at, "escalate", State.ACCEPTED, actor=actor, comment=self.rng.choice(ESCALATE_REASONS),
                  data={"to_level": int(incident.level)})

    def do_dispatch(self, at: datetime) -> None:
        from xiangcun.incidents.services.handling import suggest_assignment

        incident = self.incident
        assignment = suggest_assignment(incident)
        kind = assignment.kind
        if kind == AssigneeKind.VILLAGE and incident.level != HoldingLevel.VILLAGE:
            kind = AssigneeKind.TOWNSHIP  # what the township holds it sends to its own office
        incident.assignee_kind = kind
        if kind == AssigneeKind.DEPARTMENT:
            incident.assigned_department = assignment.department
        elif kind == AssigneeKind.TOWNSHIP:
            incident.assigned_region = incident.region.parent
        elif kind == AssigneeKind.VILLAGE:
            incident.assigned_region = incident.region
        elif kind == AssigneeKind.GRID and incident.grid is not None and self.rng.random() < 0.4:
            worker = self.g.handler(incident)
            if worker is not None:
                incident.assignee_kind, incident.assigned_user = AssigneeKind.USER, worker
        incident.dispatched_at = at
        target = (incident.assigned_user or incident.assigned_department or incident.assigned_region
                  or incident.grid)
        label = choices.AssigneeKind(incident.assignee_kind).label
        self.step(at, "dispatch", State.DISPATCHED, actor=self.holder(),
                  data={"assignee_kind": incident.assignee_kind, "assignee": f"{label}: {target}"})

    def do_start(self, at: datetime) -> None:
        self.incident.started_at = at
        self.step(at, "start", State.IN_PROGRESS, actor=self.g.handler(self.incident))

    def do_resolve(self, at: datetime) -> None:
        incident = self.incident
        result = RESULTS.get(_top(incident.category), RESULTS["other"])
        incident.result, incident.resolved_at = result, at
        handler = self.g.handler(incident)
        self.step(at, "resolve", State.RESOLVED, actor=handler, comment=result)
        if self.rng.random() < 0.25:
            self.draft.photos.append((choices.PhotoStage.HANDLING, at, handler))

    def do_close(self, at: datetime) -> None:
        self.incident.closed_at, self.incident.closed_level = at, self.incident.level
        self.step(at, "close", State.CLOSED, actor=self.holder())

    def can_rate(self) -> bool:
        incident = self.incident
        return bool(incident.reporter_phone) or (incident.reporter is not None and incident.source == Source.VILLAGER)

    def do_rate(self, at: datetime) -> None:
        incident, rng = self.incident, self.rng
        rating = _weighted(rng, RATINGS)
        comment = rng.choice(RATING_COMMENTS[rating]) if rng.random() < 0.7 else ""
        callback = incident.reporter is None or incident.source != Source.VILLAGER  # 回访 by telephone
        incident.rating, incident.rating_comment, incident.rated_at = rating, comment, at
        incident.rated_by_callback, incident.low_rating = callback, rating <= 2
        self.step(at, "rate_callback" if callback else "rate", State.RATED,
                  actor=self.holder() if callback else incident.reporter, comment=comment, data={"rating": rating})


# --- writing ---------------------------------------------------------------------------------------------------

def insert_rows(model, rows: Iterable, *, batch: int = 2000) -> int:
    """INSERT model rows as they are (no ``save()``, no ``auto_now``), many per ``executemany``.

    ``bulk_create`` would overwrite the backdated ``created_at`` (``auto_now_add``) and cut the rows into
    statements of a few dozen on SQLite; this prepares each value as ``bulk_create`` does and sends the
    batch in one ``executemany``.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    written, chunk = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append([f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields])
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                written, chunk = written + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written


def _assign_codes(drafts: list[_Draft]) -> None:
    """Tracking codes in the order of reporting, continuing each day's counter (DailyCounter)."""
    drafts.sort(key=lambda d: d.incident.created_at)
    days: dict = {}
    for draft in drafts:
        days.setdefault(timezone.localdate(draft.incident.created_at), []).append(draft)
    counters = {c.day: c for c in DailyCounter.objects.filter(day__in=list(days))}
    for day, group in days.items():
        counter = counters.get(day) or DailyCounter.objects.create(day=day)
        for number, draft in enumerate(group, start=counter.last + 1):
            draft.incident.code = f"{settings.INCIDENT_CODE_PREFIX}-{day:%Y%m%d}-{number:04d}"
        DailyCounter.objects.filter(pk=counter.pk).update(last=counter.last + len(group))


def _merged_duplicates(generator: _Generator, drafts: list[_Draft], count: int) -> list[_Draft]:
    """Second reports of the same problem, merged into the first while it was still open."""
    rng, now = generator.rng, generator.now
    originals = [d for d in drafts if d.incident.state != State.REJECTED]
    duplicates = []
    for original in rng.sample(originals, min(count, len(originals))):
        first = original.incident
        created = first.created_at + timedelta(minutes=rng.uniform(10, 300))
        merged_at = created + timedelta(hours=rng.uniform(0.5, 4))
        if merged_at >= now or (first.closed_at and merged_at >= first.closed_at) or (
                first.accepted_at is None or merged_at < first.accepted_at):
            continue
        twin = Incident(uuid=uuid.UUID(int=rng.getrandbits(128), version=4), source=Source.VILLAGER,
                        category=first.category, priority=first.priority, is_public=first.is_public,
                        region=first.region, grid=first.grid, address=first.address,
                        description=first.description, state=State.REPORTED, created_at=created)
        if first.lat is not None:  # within a few dozen metres of the first report
            twin.lat = round(first.lat + rng.uniform(-3e-4, 3e-4), 7)
            twin.lng = round(first.lng + rng.uniform(-3e-4, 3e-4), 7)
        generator.reporter(twin)
        draft = _Draft(twin, original=original, merged_at=merged_at)
        timeline = _Timeline(generator, draft, State.MERGED)
        timeline.event(created, "create", actor=twin.reporter, to_state=State.REPORTED, data={"source": twin.source})
        twin.state, twin.closed_at, twin.stage_deadline, twin.updated_at = State.MERGED, merged_at, None, merged_at
        duplicates.append(draft)
    return duplicates


def _demo_photo(draft: _Draft, stage: str):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    incident = draft.incident
    colour = PHOTO_COLOURS.get(_top(incident.category), PHOTO_COLOURS["other"])
    if stage == choices.PhotoStage.HANDLING:
        colour = tuple(min(c + 60, 255) for c in colour)
    image = Image.new("RGB", (480, 360), colour)
    pen = ImageDraw.Draw(image)
    pen.rectangle((16, 16, 464, 344), outline=(255, 255, 255), width=3)
    pen.text((32, 32), f"{incident.code}\n{incident.category.code}\n{stage}\nDEMO", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{incident.code}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _write_photos(drafts: list[_Draft]) -> int:
    from xiangcun.core.images import process_image
    from xiangcun.incidents.models import IncidentPhoto
    from xiangcun.incidents.services.reporting import save_photos

    written = 0
    for draft in drafts:
        for stage, at, actor in draft.photos:
            if written >= MAX_PHOTOS:
                return written
            for photo in save_photos(draft.incident, [process_image(_demo_photo(draft, stage))], stage=stage,
                                     actor=actor):
                IncidentPhoto.objects.filter(pk=photo.pk).update(created_at=at)
            written += 1
    return written


def _notifications(generator: _Generator, drafts: list[_Draft]) -> int:
    """A few messages on the demo personas' bells, as the services would have sent them."""
    from xiangcun.core.models import Notification

    users = generator.users
    rows = []

    def add(user, draft: _Draft, kind: str, title: str, at: datetime, read: bool) -> None:
        if user is None:
            return
        incident = draft.incident
        url = (reverse("incidents_mobile:mine-detail", args=[incident.code]) if kind == "incident_status"
               else incident.get_absolute_url())
        rows.append(Notification(recipient=user, kind=kind, title=title[:200], body=incident.description[:140],
                                 url=url, data={"incident": incident.code,
                                                                        "state": incident.state},
                                 created_at=at, read_at=at + timedelta(hours=1) if read else None))

    in_a = [d for d in drafts if d.incident.region.code == VILLAGE_A]  # in the order of reporting
    for position, draft in enumerate(in_a[-40:], start=-min(len(in_a), 40)):
        incident, created = draft.incident, draft.incident.created_at
        recent = generator.now - created < timedelta(days=3)
        add(users.get("village_clerk_a"), draft, "incident_reported",
            _("New report %(code)s: %(category)s") % {"code": incident.code, "category": incident.category.name},
            created, read=position < -3 and (not recent or incident.state != State.REPORTED))
        if incident.overdue:
            add(users.get("village_clerk_a"), draft, "incident_overdue",
                _("Overdue: %(code)s %(category)s (%(stage)s)") % {
                    "code": incident.code, "category": incident.category.name,
                    "stage": choices.Stage(choices.STAGE_OF_STATE[incident.state]).label},
                incident.overdue_since, read=False)
        worker = users.get("grid_worker_a")
        if incident.dispatched_at and worker is not None and generator.handler(incident) == worker:
            add(worker, draft, "incident_assigned", _("Dispatched to you: %(code)s %(category)s")
                % {"code": incident.code, "category": incident.category.name}, incident.dispatched_at,
                read=incident.state not in (State.DISPATCHED,))
        if incident.reporter_id and incident.reporter == users.get("villager_a") and incident.state != State.REPORTED:
            add(incident.reporter, draft, "incident_status", _("Your report %(code)s: %(state)s")
                % {"code": incident.code, "state": incident.get_state_display()}, incident.updated_at,
                read=not recent)
    for draft in drafts:
        incident = draft.incident
        if incident.supervised and incident.region.code.startswith(VILLAGE_A[:9]) and incident.is_open:
            add(users.get("township_officer"), draft, "incident_supervised",
                _("Supervised: %(code)s is overdue") % {"code": incident.code}, incident.supervised_at, read=False)
    return insert_rows(Notification, rows)


def ensure_configuration(county: Region) -> dict:
    """The county's departments, the demo's dispatch rules, grid_worker_a on a grid of 杰迪村."""
    from xiangcun.accounts.demo import DEPARTMENTS, ensure_department
    from xiangcun.accounts.models import User

    departments = {name: ensure_department(county, name) for _code, name in DEPARTMENTS}
    rules = 0
    categories = {c.code: c for c in Category.objects.filter(code__in=list(DISPATCH_RULES))}
    for code, (kind, department) in DISPATCH_RULES.items():
        if code in categories:
            _rule, created = DispatchRule.objects.get_or_create(
                region=county, category=categories[code],
                defaults={"assignee_kind": kind, "department": departments.get(department), "note": "demo"})
            rules += created
    worker = User.objects.filter(username="grid_worker_a").first()
    grid = Grid.objects.filter(village__code=VILLAGE_A).order_by("code").first()
    if worker is not None and grid is not None:
        grid.workers.add(worker)
    return {"departments": len(departments), "rules": rules}


@transaction.atomic
def seed_incidents(*, county: Region, count: int = 300, seed: int = 2026, now: datetime | None = None) -> dict:
    """Write ``count`` demo incidents in the county with their timelines; nothing when it already has some."""
    configuration = ensure_configuration(county)
    existing = Incident.objects.filter(region__code__startswith=county.code).count()
    if existing or count <= 0:
        return {"skipped": existing, **configuration}
    with translation.override(settings.LANGUAGE_CODE):
        generator = _Generator(county=county, seed=seed, now=now or timezone.now())
        if not generator.villages:
            return {"skipped": 0, **configuration}
        merged = max(int(count * MERGED_SHARE), 1 if count >= 20 else 0)
        drafts = [generator.draft() for _n in range(count - merged)]
        drafts += _merged_duplicates(generator, drafts, merged)
        while len(drafts) < count:  # a twin that could not be placed is replaced by another report
            drafts.append(generator.draft())
        _assign_codes(drafts)
        insert_rows(Incident, (d.incident for d in drafts))
        ids = dict(Incident.objects.filter(code__in=[d.incident.code for d in drafts]).values_list("code", "pk"))
        for draft in drafts:
            draft.incident.pk = ids[draft.incident.code]
        _link_duplicates(generator, drafts)
        events = [event for draft in drafts for event in _bound(draft)]
        IncidentEvent.objects.bulk_create(events, batch_size=500)
        photos = _write_photos(drafts)
        notifications = _notifications(generator, drafts)
    states: dict[str, int] = {}
    for draft in drafts:
        states[str(draft.incident.state)] = states.get(str(draft.incident.state), 0) + 1
    return {"incidents": len(drafts), "events": len(events), "photos": photos, "notifications": notifications,
            "overdue": sum(d.incident.overdue for d in drafts), "states": states, **configuration}


def _bound(draft: _Draft) -> list[IncidentEvent]:
    for event in draft.events:
        event.incident = draft.incident
    return draft.events


def _link_duplicates(generator: _Generator, drafts: list[_Draft]) -> None:
    """Point each merged twin at its original, with the merge rows on both timelines."""
    for draft in drafts:
        if draft.original is None:
            continue
        twin, first = draft.incident, draft.original.incident
        Incident.objects.filter(pk=twin.pk).update(duplicate_of=first, possible_duplicate_of=first)
        actor = generator.dispatcher(twin.region, Level.VILLAGE)
        draft.events.append(IncidentEvent(action="merge", from_state=State.REPORTED, to_state=State.MERGED,
                                          actor=actor, created_at=draft.merged_at, data={"into": first.code}))
        draft.original.events.append(IncidentEvent(action="merged_in", actor=actor, created_at=draft.merged_at,
                                                   data={"from": twin.code}, is_public=False))
        twin.duplicate_of = twin.possible_duplicate_of = first


# --- the benchmark's bulk -------------------------------------------------------------------------------------

def bench_rows(n: int, *, county: Region | None = None, seed: int = 2026, batch: int = 5000) -> int:
    """``n`` incidents over a year for the console benchmark: the columns only (no events, photos or
    notifications), states spread as a year of work leaves them, tracking codes ``BN-YYYYMMDD-NNNNNNN``."""
    rng = random.Random(seed)
    county = county or Region.objects.filter(level=Level.COUNTY).order_by("code").first()
    villages = list(Region.objects.under(county.code).filter(level=Level.VILLAGE).values_list("id", flat=True))
    if not villages or n <= 0:
        return 0
    weights = [rng.paretovariate(1.5) for _village in villages]
    grids: dict[int, list[int]] = {}
    for grid_id, village_id in Grid.objects.filter(village_id__in=villages).values_list("id", "village_id"):
        grids.setdefault(village_id, []).append(grid_id)
    categories = list(Category.objects.filter(active=True).values_list("id", "code"))
    # A year of work: fewer open incidents than in the demo's few months.
    states = {state: share * (0.5 if state in choices.OPEN_STATES else 1)
              for state, share in {**STATES, State.MERGED: 1}.items()}
    sources = list(SOURCES)
    now = timezone.now()
    first = Incident.objects.filter(code__startswith="BN-").count()

    def rows():
        for number in range(first, first + n):
            state = _weighted(rng, states)
            village = rng.choices(villages, weights=weights)[0]
            category_id, code = rng.choice(categories)
            age = rng.uniform(0, 365 * 24) if state not in choices.OPEN_STATES else rng.uniform(0, 240)
            created = now - timedelta(hours=age)
            step = timedelta(hours=min(age, 240) / 8)
            incident = Incident(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4), code=f"BN-{created:%Y%m%d}-{number:07d}",
                source=rng.choice(sources), category_id=category_id, priority=choices.Priority.NORMAL,
                description=rng.choice(DESCRIPTIONS.get(code, DESCRIPTIONS["other"])).format(place=rng.choice(PLACES)),
                region_id=village, grid_id=rng.choice(grids[village]) if village in grids else None, state=state,
                created_at=created, updated_at=created + 5 * step)
            if state in AFTER_ACCEPT:
                incident.accepted_at = created + step
            if state in AFTER_DISPATCH:
                incident.dispatched_at, incident.assignee_kind = created + 2 * step, AssigneeKind.VILLAGE
                incident.assigned_region_id = village
            if state in (State.RESOLVED, State.CLOSED, State.RATED):
                incident.resolved_at, incident.result = created + 3 * step, RESULTS["other"]
            if state in (State.CLOSED, State.RATED, State.REJECTED, State.MERGED):
                incident.closed_at, incident.closed_level = created + 4 * step, HoldingLevel.VILLAGE
            if state == State.RATED:
                incident.rating = _weighted(rng, RATINGS)
                incident.rated_at, incident.low_rating = created + 5 * step, incident.rating <= 2
            if state in choices.OPEN_STATES:
                incident.stage_deadline = created + 2 * step + timedelta(hours=72)
                if incident.stage_deadline < now:
                    incident.overdue, incident.overdue_since, incident.overdue_count = True, incident.stage_deadline, 1
            yield incident

    with transaction.atomic():
        return insert_rows(Incident, rows(), batch=batch)



def _demo_incidents(context: DemoContext) -> dict:
    return seed_incidents(county=context.county, count=context.options["incidents"], seed=context.seed)


register_demo(DemoStep("incidents", _demo_incidents, order=60, options=(
    DemoOption("incidents", int, 300, "demo incidents with their timelines (default 300; 0: none)"),)))
