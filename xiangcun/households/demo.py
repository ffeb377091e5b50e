"""Synthetic households (户) for the demo county — invented people, NOT real residents of 舟曲县.

``seed_households(county=…, count=…, seed=…)`` fills the county's villages with households whose
shape follows a mountain county of southern Gansu: many elderly people, elderly living alone and
left-behind children, young adults registered at home but working in 新疆, 苏州, 宁波, 东莞, 兰州,
合作 or the county seat; Han and Tibetan families (their share by township, demo_names.TOWNSHIPS);
花椒, 核桃, 中药材 and 羊肚菌 on small plots; pigs and chickens, yaks and sheep in the high villages;
houses of earth and wood next to the brick houses rebuilt after 2010; three years of income with
some households near or below the monitoring line and a few with a sharp drop; the 低收入人口
register and a few monitoring cases with their timelines. The same seed gives the same rows.

A household is drawn whole, in one random stream: who works away decides which children are left
behind, the income band decides the register and the cases. So the apps of income and 务工
(``livelihoods/demo.py``) and of monitoring (``monitoring/demo.py``) do not draw in a later step:
each registers a :class:`DemoPart` that adds its rows to every household as it is drawn.

Speed matters (``--households 35000`` is the benchmark county, about 140,000 persons): rows are
built in memory and written with ``bulk_create`` in batches. ``bulk_create`` skips ``save()``, so
the keyed hashes (``lookup_hash``) and the income totals (``IncomeRecord.compute``) are set here
exactly as those ``save()`` methods set them. This is the system writing (``actor=None`` in the
services' terms); nothing here runs for a person.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import shapely
from django.db import connection, transaction
from shapely.geometry import Point, shape

from xiangcun.core.crypto import lookup_hash
from xiangcun.core.demo import DemoContext, DemoOption, DemoStep
from xiangcun.core.demo import register as register_demo
from xiangcun.core.demo import steps as demo_steps
from xiangcun.core.scoping import prefix_q
from xiangcun.core.validators import id_check_digit
from xiangcun.households import choices
from xiangcun.households import demo_names as names
from xiangcun.households.models import (
    House,
    Household,
    HouseholdTag,
    LandParcel,
    LivestockHolding,
    Person,
    PersonEvent,
)
from xiangcun.households.reference import load_tags
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

SURVEY_DATE = date(2026, 6, 30)  # ages and dates are as of this day, so the data does not age with the clock
BATCH = 1000
VILLAGER_USERNAME = "villager_a"  # the persona 卓玛 of 杰迪村 (accounts/demo.py)
VILLAGER_VILLAGE = "623023103203"
DEFAULT_CENTRE = (104.37, 33.78)  # (lng, lat) of the synthetic county (regions/demo.py)
M_PER_DEGREE = 111_320.0
C = choices
# Household shapes: kind -> weight (percent). Sizes average about four persons.
SHAPES = {"elder_alone": 8, "elder_couple": 9, "single": 3, "nuclear": 29, "three_generations": 39, "grown": 12}


def _parcel_polygon(key: str, kind: str, area_mu: float, lng: float, lat: float) -> dict:
    """A rectangle of the parcel's area near the house: fields close by, forest further up the slope.

    Drawn from its own generator seeded by the contract number, so adding outlines left every other
    figure of the demo as it was.
    """
    rng = random.Random(key)
    area_m2 = area_mu * 666.67
    ratio = rng.uniform(1.2, 3.0)
    width, length = math.sqrt(area_m2 / ratio), math.sqrt(area_m2 * ratio)
    distance = rng.uniform(300.0, 900.0) if kind == C.LandType.FOREST else rng.uniform(40.0, 350.0)
    bearing, angle = rng.uniform(0.0, 2 * math.pi), rng.uniform(0.0, math.pi)
    scale_lng = M_PER_DEGREE * math.cos(math.radians(lat))
    cx, cy = distance * math.cos(bearing), distance * math.sin(bearing)
    ring = []
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)):
        x, y = dx * length / 2, dy * width / 2
        x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
        ring.append([round(lng + (cx + x) / scale_lng, 7), round(lat + (cy + y) / M_PER_DEGREE, 7)])
    return {"type": "Polygon", "coordinates": [ring]}


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


@dataclass
class _Village:
    region: Region
    weight: float
    tibetan_share: float
    alpine: bool
    centre: tuple[float, float]
    grids: list[tuple[object, object, tuple[float, float]]]  # (grid, polygon, hamlet centre)
    groups: int
    serial: int = 0


@dataclass
class _Draft:
    """One household before it is written: the row and everything hanging off it."""

    household: Household
    village: _Village
    members: list[Person] = field(default_factory=list)
    ages: dict[int, int] = field(default_factory=dict)  # id(person) -> age on SURVEY_DATE
    tags: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)  # what the parts drew for it (livelihoods: its jobs)
    parcels: list[LandParcel] = field(default_factory=list)
    livestock: list[LivestockHolding] = field(default_factory=list)
    houses: list[House] = field(default_factory=list)
    band: str = "normal"  # normal / monitored / near / drop / ended: where its income is drawn


class DemoPart:
    """What another app adds to every household of the synthetic county, in the households' random stream.

    ``seed_households`` calls, for every registered part in ``order``: ``configure(county)`` once (the
    county's configuration rows; also when no household is drawn), then with one instance per run (its state)
    ``draw(draft)`` while each household is drawn (after its members), ``rows(drafts)`` for each batch
    (``{model: [unsaved rows]}``, written with ``bulk_create``) and ``finish()`` at the end. ``configure``,
    ``rows`` and ``finish`` return what ``seed_demo`` prints. A part is registered with
    :func:`register_part` in its app's ``demo.py``.
    """

    key = ""
    order = 100

    def __init__(self, generator: _Generator) -> None:
        self.generator = generator

    @classmethod
    def configure(cls, county: Region) -> dict[str, int]:
        return {}

    def draw(self, draft: _Draft) -> None:
        return None

    def rows(self, drafts: list[_Draft]) -> dict[type, list]:
        return {}

    def finish(self) -> dict[str, int]:
        return {}


parts: dict[str, type[DemoPart]] = {}


def register_part(part: type[DemoPart]) -> type[DemoPart]:
    parts[part.key] = part
    return part


def _parts() -> list[type[DemoPart]]:
    demo_steps.discover()  # every app's demo.py is imported, so every part is registered
    return sorted(parts.values(), key=lambda part: (part.order, part.key))


class _Generator:
    def __init__(self, *, county: Region, seed: int, parts: list[type[DemoPart]] | tuple = ()) -> None:
        self.rng = random.Random(seed)
        self.county = county
        self.id_prefix = county.code[:6]
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.villages = self._villages()
        self.tags = {tag.code: tag for tag in HouseholdTag.objects.all()}
        from xiangcun.accounts.models import User

        self.users = {user.username: user for user in User.objects.filter(
            username__in=[VILLAGER_USERNAME, "village_clerk_a", "township_officer", "county_admin"])}
        self.parts = [part(self) for part in parts]

    # --- places ------------------------------------------------------------------------------------

    def _villages(self) -> list[_Village]:
        rng = self.rng
        regions = Region.objects.under(self.county.code).filter(level=Level.VILLAGE).order_by("code")
        grids_by_village: dict[int, list] = {}
        from xiangcun.regions.models import Grid

        for grid in Grid.objects.filter(village__in=regions).order_by("code"):
            grids_by_village.setdefault(grid.village_id, []).append(grid)
        villages = []
        for region in regions:
            share, alpine = names.TOWNSHIPS.get(region.code[:9], names.DEFAULT_TOWNSHIP)
            centre = region.centroid or DEFAULT_CENTRE
            grids = []
            for grid in grids_by_village.get(region.pk, []):
                polygon = shape(grid.boundary) if grid.boundary else None
                hamlet = polygon.point_on_surface() if polygon is not None else Point(centre)
                if polygon is not None:
                    shapely.prepare(polygon)
                grids.append((grid, polygon, (hamlet.x, hamlet.y)))
            # Residents' committees of the county seat (codes 001–199) register few rural households.
            weight = rng.lognormvariate(0.0, 0.45) * (0.35 if int(region.code[9:12]) < 200 else 1.0)
            villages.append(_Village(region, weight, share, alpine, centre, grids, rng.randint(3, 9)))
        return villages

    def _spot(self, village: _Village) -> tuple[object | None, float, float]:
        """A grid of the village and a house site in its hamlet (inside the grid where it has a boundary)."""
        rng = self.rng
        if not village.grids:
            lng, lat = village.centre
            return None, lng + rng.gauss(0, 0.004), lat + rng.gauss(0, 0.003)
        grid, polygon, (hx, hy) = rng.choice(village.grids)
        for _attempt in range(6):
            lng, lat = hx + rng.gauss(0, 0.0018), hy + rng.gauss(0, 0.0014)
            if polygon is None or shapely.contains_xy(polygon, lng, lat):
                return grid, lng, lat
        return grid, hx, hy

    # --- people ------------------------------------------------------------------------------------

    def _id_number(self, birth: date, sex: str) -> str:
        while True:
            order = self.rng.randrange(0, 500) * 2 + (1 if sex == C.Sex.MALE else 0)
            first17 = f"{self.id_prefix}{birth:%Y%m%d}{order:03d}"
            if first17 not in self.used_ids:
                self.used_ids.add(first17)
                return first17 + id_check_digit(first17)

    def _phone(self) -> str:
        while True:
            phone = self.rng.choice(names.PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def _name(self, ethnicity: str, sex: str, birth_year: int, surname: str | None) -> str:
        rng = self.rng
        if ethnicity == C.Ethnicity.TIBETAN:
            own = rng.choice(names.TIBETAN_MALE if sex == C.Sex.MALE else names.TIBETAN_FEMALE)
            if surname:
                return surname + own
            return rng.choice(names.TIBETAN_PREFIXES) + own if rng.random() < 0.3 and len(own) == 2 else own
        male, female = names.han_given_names(birth_year)
        return (surname or "") + rng.choice(male if sex == C.Sex.MALE else female)

    def _surname(self, ethnicity: str) -> str | None:
        if ethnicity == C.Ethnicity.TIBETAN:
            return _weighted(self.rng, names.TIBETAN_SURNAMES) if self.rng.random() < 0.35 else None
        return _weighted(self.rng, names.HUI_SURNAMES if ethnicity == C.Ethnicity.HUI else names.HAN_SURNAMES)

    def _person(self, draft: _Draft, *, age: int, sex: str, relation: str, ethnicity: str,
                surname: str | None) -> Person:
        rng = self.rng
        birth = SURVEY_DATE - timedelta(days=int(age * 365.25) + rng.randrange(0, 360))
        health, grade, notes = self._health(age)
        student = 16 <= age <= 22 and rng.random() < (0.55 if age < 19 else 0.2)
        person = Person(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), household=draft.household,
            name=self._name(ethnicity, sex, birth.year, surname), sex=sex, birth_date=birth, relation=relation,
            ethnicity=ethnicity, education=self._education(age, birth.year, student), health=health,
            disability_grade=grade, health_notes=notes, labour_ability=self._labour(age, health, grade, student),
            id_number=self._id_number(birth, sex),
        )
        if 18 <= age <= 75 and rng.random() < (0.8 if age < 60 else 0.4):
            person.phone = self._phone()
        person.id_number_hash = lookup_hash(person.id_number)
        person.phone_hash = lookup_hash(person.phone) if person.phone else ""
        person.health_hash = lookup_hash(person.health)
        draft.members.append(person)
        draft.ages[id(person)] = age
        return person

    def _health(self, age: int) -> tuple[str, str, str]:
        rng, roll = self.rng, self.rng.random()
        serious = 0.004 + 0.015 * (age > 45) + 0.025 * (age > 65)
        disabled = serious + 0.014 + 0.015 * (age > 60)
        chronic = disabled + 0.02 + 0.14 * (age > 45) + 0.18 * (age > 65)
        if roll < serious:
            return C.Health.SERIOUS, "", rng.choice(names.SERIOUS)
        if roll < disabled:
            return C.Health.DISABLED, str(rng.choices((1, 2, 3, 4), (1, 2, 3, 4))[0]), rng.choice(names.DISABILITY)
        if roll < chronic:
            return C.Health.CHRONIC, "", rng.choice(names.CHRONIC)
        return C.Health.HEALTHY, "", ""

    def _education(self, age: int, born: int, student: bool) -> str:
        E, rng = C.Education, self.rng
        if age < 6:
            return E.PRESCHOOL
        if age < 12:
            return E.PRIMARY
        if age < 16:
            return E.JUNIOR
        if student:
            return E.SENIOR if age < 19 else rng.choice((E.VOCATIONAL, E.COLLEGE, E.BACHELOR))
        table = ((1960, {E.ILLITERATE: 50, E.PRIMARY: 40, E.JUNIOR: 10}),
                 (1975, {E.ILLITERATE: 18, E.PRIMARY: 45, E.JUNIOR: 32, E.SENIOR: 5}),
                 (1990, {E.PRIMARY: 25, E.JUNIOR: 50, E.SENIOR: 14, E.VOCATIONAL: 6, E.COLLEGE: 5}),
                 (9999, {E.PRIMARY: 5, E.JUNIOR: 38, E.SENIOR: 20, E.VOCATIONAL: 20, E.COLLEGE: 11, E.BACHELOR: 6}))
        return _weighted(rng, next(weights for before, weights in table if born < before))

    def _labour(self, age: int, health: str, grade: str, student: bool) -> str:
        L = C.LabourAbility
        if age < 16 or student:
            return L.NONE
        if health == C.Health.SERIOUS or (health == C.Health.DISABLED and grade in ("1", "2")):
            return L.LOST
        if age >= 70:
            return L.NONE
        if health != C.Health.HEALTHY or age >= 65:
            return L.WEAK
        return L.WEAK if age >= 60 and self.rng.random() < 0.6 else L.NORMAL

    # --- a household ---------------------------------------------------------------------------------

    def household(self, village: _Village, *, persona: bool = False) -> _Draft:
        rng = self.rng
        village.serial += 1
        grid, lng, lat = self._spot(village)
        group = rng.randint(1, village.groups)
        household = Household(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), region=village.region, grid=grid,
            number=f"{village.region.code}{village.serial:04d}", latitude=round(lat, 6), longitude=round(lng, 6),
            address=f"{village.region.display_name}{group}组{village.serial}号",
        )
        draft = _Draft(household, village)
        tibetan = persona or rng.random() < village.tibetan_share
        ethnicity = C.Ethnicity.TIBETAN if tibetan else (C.Ethnicity.HUI if rng.random() < 0.02 else C.Ethnicity.HAN)
        self._members(draft, "nuclear" if persona else _weighted(rng, SHAPES), ethnicity)
        head = draft.members[0]
        household.head_name = head.name
        household.member_count = len(draft.members)
        household.phone = next((m.phone for m in draft.members if m.phone), "")
        household.phone_hash = lookup_hash(household.phone) if household.phone else ""
        if persona and VILLAGER_USERNAME in self.users:
            spouse = draft.members[1]
            spouse.name, spouse.ethnicity, spouse.account = "卓玛", C.Ethnicity.TIBETAN, self.users[VILLAGER_USERNAME]
        for part in self.parts:  # livelihoods: the members' jobs, and the children left behind
            part.draw(draft)
        self._land(draft, lng, lat)
        self._house(draft, lng, lat)
        self._tags(draft)
        return draft

    def _members(self, draft: _Draft, kind: str, ethnicity: str) -> None:
        rng, R, M, F = self.rng, C.Relation, C.Sex.MALE, C.Sex.FEMALE
        surname = self._surname(ethnicity)

        def spouse_ethnicity() -> str:
            return ethnicity if rng.random() < 0.9 else rng.choice((C.Ethnicity.HAN, C.Ethnicity.TIBETAN))

        def spouse(age: int) -> None:
            other = spouse_ethnicity()
            self._person(draft, age=max(18, age - rng.randint(0, 5)), sex=F, relation=R.SPOUSE, ethnicity=other,
                         surname=self._surname(other))

        def children(parent_age: int, count: int, relation: str, oldest: int) -> None:
            for _child in range(count):  # born when the parent was 20 to 38
                age = rng.randint(max(0, min(oldest, parent_age - 38)), max(0, min(oldest, parent_age - 20)))
                self._person(draft, age=age, sex=rng.choice((M, F)), relation=relation, ethnicity=ethnicity,
                             surname=surname if ethnicity != C.Ethnicity.TIBETAN or rng.random() < 0.5 else None)

        if kind == "elder_alone":
            head = self._person(draft, age=rng.randint(65, 92), sex=F if rng.random() < 0.6 else M, relation=R.HEAD,
                                ethnicity=ethnicity, surname=surname)
            head.lives_alone = True
        elif kind == "elder_couple":
            age = rng.randint(62, 86)
            self._person(draft, age=age, sex=M, relation=R.HEAD, ethnicity=ethnicity, surname=surname)
            spouse(age)
        elif kind == "single":
            self._person(draft, age=rng.randint(30, 64), sex=M, relation=R.HEAD, ethnicity=ethnicity, surname=surname)
        elif kind == "nuclear":
            age = rng.randint(28, 52)
            self._person(draft, age=age, sex=M, relation=R.HEAD, ethnicity=ethnicity, surname=surname)
            spouse(age)
            children(age, rng.choices((1, 2, 3), (40, 45, 15))[0], R.CHILD, 17)
            if rng.random() < 0.2:
                self._person(draft, age=min(95, age + rng.randint(24, 32)), sex=rng.choice((M, F)), relation=R.PARENT,
                             ethnicity=ethnicity, surname=surname)
        elif kind == "three_generations":
            age = rng.randint(52, 74)
            self._person(draft, age=age, sex=M, relation=R.HEAD, ethnicity=ethnicity, surname=surname)
            if rng.random() < 0.85:
                spouse(age)
            son_age = max(20, age - rng.randint(23, 30))
            self._person(draft, age=son_age, sex=M, relation=R.CHILD, ethnicity=ethnicity, surname=surname)
            other = spouse_ethnicity()
            self._person(draft, age=max(19, son_age - rng.randint(0, 4)), sex=F, relation=R.CHILD_IN_LAW,
                         ethnicity=other, surname=self._surname(other))
            children(son_age, rng.choices((0, 1, 2, 3), (10, 40, 40, 10))[0], R.GRANDCHILD, 15)
        else:  # grown: a couple and their unmarried grown-up children
            age = rng.randint(45, 62)
            self._person(draft, age=age, sex=M, relation=R.HEAD, ethnicity=ethnicity, surname=surname)
            spouse(age)
            for _child in range(rng.choice((1, 2))):
                self._person(draft, age=rng.randint(18, min(32, age - 18)), sex=rng.choice((M, F)),
                             relation=R.CHILD, ethnicity=ethnicity, surname=surname)

    def _land(self, draft: _Draft, lng: float, lat: float) -> None:
        rng, village = self.rng, draft.village
        crops = names.ALPINE_CROPS if village.alpine else names.VALLEY_CROPS
        elderly = len(draft.members) <= 2 and draft.ages[id(draft.members[0])] >= 62
        base = f"{village.region.code}{village.serial:04d}"
        plots = [(C.LandType.CULTIVATED, round(rng.uniform(0.3, 3.0), 2), _weighted(rng, crops))
                 for _plot in range(rng.randint(1, 2) if elderly else rng.randint(2, 4))]
        if rng.random() < 0.5:
            plots.append((C.LandType.FOREST, round(rng.uniform(2.0, 15.0), 2), "核桃" if rng.random() < 0.3 else ""))
        if not elderly and rng.random() < 0.08:
            plots.append((C.LandType.GARDEN, round(rng.uniform(0.3, 1.5), 2), "羊肚菌"))
        for index, (kind, area, crop) in enumerate(plots, start=1):
            draft.parcels.append(LandParcel(
                household=draft.household, land_type=kind, area_mu=Decimal(f"{area:.2f}"), crop=crop,
                contract_number=f"{base}{index:02d}J", contract_start=date(1999, 1, 1),
                contract_end=date(2028, 12, 31), polygon=_parcel_polygon(f"{base}{index:02d}", kind, area, lng, lat)))
        for kind, (valley, alpine, low, high) in names.LIVESTOCK.items():
            if rng.random() < (alpine if village.alpine else valley) * (0.4 if elderly else 1.0):
                draft.livestock.append(LivestockHolding(household=draft.household, kind=kind,
                                                        heads=rng.randint(low, high), counted_on=date(2026, 3, 31)))

    def _house(self, draft: _Draft, lng: float, lat: float) -> None:
        rng, H, S = self.rng, C.HouseStructure, C.SafetyRating
        if rng.random() < (0.08 if draft.village.alpine else 0.03):
            draft.tags.add("yidibanqian")  # relocated: a standard brick house of 2017–2019
            year, structure, rating, floors = rng.randint(2017, 2019), H.BRICK_CONCRETE, S.A, 2
        else:
            year = rng.choices((rng.randint(1962, 1999), rng.randint(2000, 2010), rng.randint(2011, 2025)),
                               (40, 25, 35))[0]
            if year < 2000:
                structure = _weighted(rng, {H.EARTH_WOOD: 55, H.STONE_WOOD: 20, H.BRICK_WOOD: 25})
                rating = _weighted(rng, {S.A: 10, S.B: 70, S.C: 16, S.D: 4})
                floors = 1 if rng.random() < 0.8 else 2
            elif year <= 2010:
                structure = _weighted(rng, {H.BRICK_WOOD: 40, H.BRICK_CONCRETE: 60})
                rating = _weighted(rng, {S.A: 40, S.B: 55, S.C: 5})
                floors = rng.choice((1, 2))
            else:  # many rebuilt after the 2010 舟曲 debris flow
                structure = H.STEEL_CONCRETE if rng.random() < 0.15 else H.BRICK_CONCRETE
                rating = S.A if rng.random() < 0.85 else S.B
                floors = rng.choice((1, 2, 2, 3))
        side_a, side_b = rng.uniform(7.0, 14.0), rng.uniform(6.0, 11.0)
        angle = rng.uniform(0.0, math.pi)
        scale_lng = M_PER_DEGREE * math.cos(math.radians(lat))
        ring = []
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)):
            x, y = dx * side_a / 2, dy * side_b / 2
            x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
            ring.append([round(lng + x / scale_lng, 7), round(lat + y / M_PER_DEGREE, 7)])
        draft.houses.append(House(
            household=draft.household, structure=structure, floors=floors, year_built=year, safety_rating=rating,
            floor_area=Decimal(f"{side_a * side_b * floors:.1f}"), rated_on=date(2025, rng.randint(3, 10), 15),
            latitude=round(lat, 6), longitude=round(lng, 6), footprint={"type": "Polygon", "coordinates": [ring]},
            height=round(floors * 3.0 + 1.2, 1)))
        if rating == S.D or (rating == S.C and rng.random() < 0.5):
            draft.tags.add("weifang")

    def _tags(self, draft: _Draft) -> None:
        rng, members = self.rng, draft.members
        alone = any(p.lives_alone for p in members)
        disabled = any(p.health == C.Health.DISABLED for p in members)
        ill = any(p.health == C.Health.SERIOUS for p in members)
        workers = sum(1 for p in members if p.labour_ability == C.LabourAbility.NORMAL)
        vulnerable = alone or disabled or ill or workers == 0
        share = 0.38 if draft.village.alpine else 0.21
        if rng.random() < share + (0.12 if vulnerable else 0.0):
            draft.tags.add("tuopin")
        if alone:
            draft.tags.add("dujulaoren")
            if draft.ages[id(members[0])] >= 70 and rng.random() < 0.12:
                draft.tags.add("tekun")
        if disabled:
            draft.tags.add("canji")
        if any(p.left_behind for p in members):
            draft.tags.add("liushouertong")
        if rng.random() < 0.01:
            draft.tags.add("junlieshu")
        if "tekun" not in draft.tags and rng.random() < (0.22 if (alone or ill) else 0.3 if disabled else 0.008):
            draft.tags.add("dibao")
        roll = rng.random()
        if roll < (0.09 if vulnerable else 0.012):
            draft.band = "monitored"
            draft.tags.add("jiance")
        elif roll < (0.12 if vulnerable else 0.04):
            draft.band = "near"
        elif roll < (0.14 if vulnerable else 0.052):
            draft.band = "drop"
        elif "tuopin" in draft.tags and rng.random() < 0.04:
            draft.band = "ended"  # once monitored, risk eliminated since

# --- writing ------------------------------------------------------------------------------------------------

def _write(drafts: list[_Draft], generator: _Generator) -> dict[str, int]:
    Household.objects.bulk_create([d.household for d in drafts])
    persons = [p for d in drafts for p in d.members]
    Person.objects.bulk_create(persons)
    with connection.cursor() as cursor:  # the head is a member: known only once the members have ids
        cursor.executemany(f"UPDATE {Household._meta.db_table} SET head_id = %s WHERE id = %s",
                           [(d.members[0].pk, d.household.pk) for d in drafts])
    Through = Household.tags.through
    Through.objects.bulk_create([Through(household_id=d.household.pk, householdtag_id=generator.tags[code].pk)
                                 for d in drafts for code in sorted(d.tags) if code in generator.tags])
    rows = {
        House: [h for d in drafts for h in d.houses],
        LandParcel: [p for d in drafts for p in d.parcels],
        LivestockHolding: [h for d in drafts for h in d.livestock],
    }
    for part in generator.parts:  # livelihoods: jobs and income; monitoring: the register
        rows.update(part.rows(drafts))
    rows[PersonEvent] = [PersonEvent(household=d.household, person=p, kind=C.PersonEventKind.REGISTERED,
                                     date=date(2024, 3, 1), reason="户情普查建档") for d in drafts for p in d.members]
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=BATCH)
    return {"households": len(drafts), "persons": len(persons), "tag_links": 0,
            **{model._meta.model_name: len(objects) for model, objects in rows.items()}}


def seed_households(*, county: Region, count: int, seed: int,
                    progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Fill ``county`` with ``count`` synthetic households; returns how many rows of each kind were made.

    Does nothing (and says so with ``{"skipped": n}``) when the county already has households, so a
    second ``seed_demo`` never duplicates them.
    """
    existing = Household.objects.filter(prefix_q("region__code", county.code)).count()
    if existing:
        return {"skipped": existing}
    load_tags(HouseholdTag)
    part_classes = _parts()
    counts: dict[str, int] = {}
    for part_class in part_classes:
        counts.update(part_class.configure(county))
    if count <= 0:
        return counts
    with transaction.atomic():
        generator = _Generator(county=county, seed=seed, parts=part_classes)
        if not generator.villages:
            return counts
        weights = [v.weight for v in generator.villages]
        persona_village = next((v for v in generator.villages if v.region.code == VILLAGER_VILLAGE), None)
        done = 0
        while done < count:
            drafts = []
            for index in range(done, min(done + BATCH, count)):
                if index == 0 and persona_village is not None:
                    drafts.append(generator.household(persona_village, persona=True))
                else:
                    drafts.append(generator.household(generator.rng.choices(generator.villages, weights)[0]))
            for key, value in _write(drafts, generator).items():
                counts[key] = counts.get(key, 0) + value
            done += len(drafts)
            if progress is not None:
                progress(done, count)
        counts["tag_links"] = Household.tags.through.objects.filter(
            prefix_q("household__region__code", county.code)).count()
        for part in generator.parts:  # monitoring: the cases
            counts.update(part.finish())
    with connection.cursor() as cursor:
        # Fresh planner statistics after a bulk load: without them SQLite reads a filter on a member's
        # labour ability through the index on ``status`` (every row) instead of ``labour_ability``.
        cursor.execute("ANALYZE")
    return counts


def _demo_households(context: DemoContext) -> dict:
    """Synthetic households with a progress line every 5,000."""
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if done == total or done % 5000 == 0:
            context.say(f"households: {done}/{total} ({time.monotonic() - started:.0f} s)")

    return seed_households(county=context.county, count=context.options["households"], seed=context.seed,
                           progress=progress)


register_demo(DemoStep("households", _demo_households, order=50, options=(
    DemoOption("households", int, 5000,
               "synthetic households to create (default 5000; 35000 is a full county; 0: none)"),)))
