"""The livelihoods app's part of the synthetic demo county (households/demo.py): the members' jobs (务工) and
three years of each household's income, drawn with the household in its random stream; and the county's income
estimation rules (DEMO VALUES from households/demo_names.py that a county replaces on its configuration page).

Work shapes the household: children whose parents both work away are left behind (``Person.left_behind``).
The income is drawn into the household's band (``_Draft.band``: near or below the monitoring line, a sharp
drop …) so that the early warning and the monitoring pages have something to show. ``bulk_create`` skips
``save()``: ``IncomeRecord.compute`` is called here as ``save()`` would.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from xiangcun.households import choices as household_choices
from xiangcun.households import demo_names as names
from xiangcun.households.demo import SURVEY_DATE, DemoPart, _Draft, register_part
from xiangcun.households.models import Person
from xiangcun.livelihoods import choices as livelihood_choices
from xiangcun.livelihoods.models import Employment, IncomeRecord, IncomeRule
from xiangcun.monitoring.models import MonitoringLine
from xiangcun.regions.models import Region

INCOME_YEARS = (2023, 2024, 2025)


class C:
    """The choices the drawing reads, of both apps (as ``choices`` was before the split)."""

    Relation = household_choices.Relation
    LabourAbility = household_choices.LabourAbility
    Health = household_choices.Health
    LandType = household_choices.LandType
    WorkPlace = livelihood_choices.WorkPlace
    Industry = livelihood_choices.Industry
    CollectionMethod = livelihood_choices.CollectionMethod


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _money(value: float) -> Decimal:
    return Decimal(f"{max(value, 0.0):.2f}")


@register_part
class LivelihoodsPart(DemoPart):
    key = "livelihoods"
    order = 10

    @classmethod
    def configure(cls, county: Region) -> dict[str, int]:
        """The county's demo income rules (kept if they exist)."""
        for kind, item, unit_yield, price, income, cost, note in names.INCOME_RULES:
            IncomeRule.objects.get_or_create(county_code=county.code[:6], kind=kind, item=item, defaults={
                "unit_yield": None if unit_yield is None else Decimal(str(unit_yield)),
                "unit_price": None if price is None else Decimal(str(price)),
                "unit_income": None if income is None else Decimal(income), "unit_cost": Decimal(cost),
                "notes": f"demo value: {note}"})
        return {"income_rules": len(names.INCOME_RULES)}

    def __init__(self, generator) -> None:
        super().__init__(generator)
        county = generator.county
        self.rules = {(rule.kind, rule.item): rule for rule in IncomeRule.objects.filter(county_code=county.code[:6])}
        self.lines = {line.year: line.amount for line in MonitoringLine.objects.filter(province_code=county.code[:2])}

    @property
    def rng(self) -> random.Random:
        return self.generator.rng

    def rows(self, drafts: list[_Draft]) -> dict[type, list]:
        return {Employment: [job for d in drafts for job in d.extra.get("jobs", ())],
                IncomeRecord: [record for d in drafts for record in self.incomes(d)]}

    # --- work -----------------------------------------------------------------------------------------

    def draw(self, draft: _Draft) -> None:
        """Jobs of the working-age members; children whose parents both work away are left behind."""
        rng, R = self.rng, C.Relation
        jobs: list[Employment] = draft.extra.setdefault("jobs", [])
        away: set[int] = set()
        for person in draft.members:
            age = draft.ages[id(person)]
            if person.labour_ability == C.LabourAbility.NORMAL and age <= 55:
                chance = {R.CHILD: 0.78, R.CHILD_IN_LAW: 0.55, R.HEAD: 0.5, R.SPOUSE: 0.3}.get(person.relation, 0.3)
                if rng.random() < chance:
                    job = self._job(person)
                    jobs.append(job)
                    if job.place != C.WorkPlace.IN_COUNTY and job.end_date is None:
                        away.add(id(person))
            elif 50 <= age <= 66 and person.labour_ability != C.LabourAbility.LOST and rng.random() < 0.07:
                job, pay = rng.choice(names.PUBLIC_POSTS)
                jobs.append(Employment(
                    person=person, destination_code=self.generator.county.code[:6], destination_province="甘肃省",
                    destination_city="甘南藏族自治州", destination_county=self.generator.county.display_name,
                    place=C.WorkPlace.IN_COUNTY, industry=C.Industry.PUBLIC_WELFARE, employer="村民委员会", job=job,
                    start_date=date(rng.randint(2019, 2024), rng.choice((1, 3, 7)), 1), monthly_income=Decimal(pay),
                    method=C.CollectionMethod.GRID_WORKER))
        parents = [p for p in draft.members if p.relation in (R.HEAD, R.SPOUSE, R.CHILD, R.CHILD_IN_LAW)
                   and 20 <= draft.ages[id(p)] <= 55]
        for child in draft.members:
            age = draft.ages[id(child)]
            if child.relation not in (R.CHILD, R.GRANDCHILD) or age >= 16:
                continue
            own = [p for p in parents if draft.ages[id(p)] >= age + 18
                   and (child.relation == R.GRANDCHILD) == (p.relation in (R.CHILD, R.CHILD_IN_LAW))]
            if len(own) >= 2 and all(id(p) in away for p in own):
                child.left_behind = True

    def _job(self, person: Person) -> Employment:
        rng = self.rng
        row = rng.choices(names.DESTINATIONS, weights=[d[5] for d in names.DESTINATIONS])[0]
        province, city, county, code, place, _weight, industries, jobs, low, high = row
        table = {pair.split(":")[0]: int(pair.split(":")[1]) for pair in industries.split()}
        industry = _weighted(rng, table)
        seasonal = industry == C.Industry.AGRICULTURE and place == C.WorkPlace.OUT_PROVINCE
        year = rng.choices(range(2015, 2027), weights=(2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 8, 4))[0]
        if seasonal:  # 新疆 cotton picking: September to November
            start, end = date(min(year, 2025), 9, 1), date(min(year, 2025), 11, 30)
        else:
            start = date(year, rng.randint(1, 12 if year < 2026 else 5), 1)
            end = None
            if rng.random() < 0.12 and start.year < 2025:
                end = date(rng.randint(max(start.year + 1, 2023), 2025), rng.randint(1, 12), 28)
        return Employment(
            person=person, destination_code=code, destination_province=province, destination_city=city,
            destination_county=county, place=place, industry=industry,
            employer=(county or city).removesuffix("市") + names.EMPLOYERS[industry], job=rng.choice(jobs.split()),
            start_date=start, end_date=end, monthly_income=Decimal(rng.randrange(low, high + 1, 100)),
            method=rng.choice((C.CollectionMethod.GRID_WORKER, C.CollectionMethod.GRID_WORKER,
                               C.CollectionMethod.SELF_REPORT)))

    # --- income ---------------------------------------------------------------------------------------

    def incomes(self, draft: _Draft) -> list[IncomeRecord]:
        rng, size = self.rng, len(draft.members)
        records, previous = [], None
        for year in INCOME_YEARS:
            wage = sum(float(job.monthly_income) * job.months_in(year) for job in draft.extra.get("jobs", ()))
            income = expense = 0.0
            for parcel in draft.parcels:
                rule = self.rules.get(("crop", parcel.crop))
                if rule is None:
                    continue
                factor = names.PRICE_FACTORS.get(parcel.crop, {}).get(year, 1.0) * rng.uniform(0.75, 1.15)
                gross = float(rule.unit_yield * rule.unit_price) if rule.unit_yield else float(rule.unit_income or 0)
                income += gross * float(parcel.area_mu) * factor
                expense += float(rule.unit_cost) * float(parcel.area_mu)
            for holding in draft.livestock:
                rule = self.rules.get(("livestock", holding.kind))
                if rule is not None:
                    income += float(rule.unit_income or 0) * holding.heads * rng.uniform(0.7, 1.1)
                    expense += float(rule.unit_cost) * holding.heads
            elders = sum(1 for p in draft.members if draft.ages[id(p)] - (SURVEY_DATE.year - year) >= 60)
            transfer = names.PENSION[year] * elders
            transfer += sum(names.DISABILITY_ALLOWANCE for p in draft.members if p.health == C.Health.DISABLED)
            transfer += sum(float(p.area_mu * (names.FARMLAND_SUBSIDY_PER_MU if p.land_type == C.LandType.CULTIVATED
                                               else names.FOREST_SUBSIDY_PER_MU)) for p in draft.parcels)
            if "dibao" in draft.tags:
                transfer += names.DIBAO_PER_PERSON[year] * size
            if "tekun" in draft.tags:
                transfer += names.TEKUN_PER_PERSON[year] * size
            prop = rng.uniform(200, 800) if "tuopin" in draft.tags and rng.random() < 0.5 else 0.0
            line = float(self.lines.get(year, 7000))
            target = self._target(draft.band, year, line, previous)
            variable = wage + income - expense + prop
            if target is not None:  # draw the year's per-capita income into the household's band
                goal = target * size
                if variable > 0 and goal > transfer:
                    factor = (goal - transfer) / variable
                    wage, income, expense, prop = wage * factor, income * factor, expense * factor, prop * factor
                else:
                    transfer, wage, income, expense, prop = goal, 0.0, 0.0, 0.0, 0.0
            floor = line * rng.uniform(1.3, 1.8) * size
            if draft.band in ("normal", "ended") and variable + transfer < floor:
                transfer += floor - variable - transfer  # support from children elsewhere, other transfers
            record = IncomeRecord(household=draft.household, year=year, family_size=size, wage_income=_money(wage),
                                  business_income=_money(income), business_expense=_money(expense),
                                  property_income=_money(prop), transfer_income=_money(transfer))
            if draft.band == "drop" and year == INCOME_YEARS[-1]:
                record.notes = "务工中断、家庭成员患病，收入骤减"
            record.compute()
            previous = float(record.per_capita)
            records.append(record)
        return records

    def _target(self, band: str, year: int, line: float, previous: float | None) -> float | None:
        rng, last = self.rng, year == INCOME_YEARS[-1]
        if band == "monitored":
            return line * rng.uniform(0.85, 1.25)
        if band == "near":
            return line * (rng.uniform(1.0, 1.19) if last else rng.uniform(1.1, 1.5))
        if band == "drop" and last and previous:
            return previous * rng.uniform(0.4, 0.65)
        return None
