"""Writes of 家庭收入 (income records) and the county's 收入测算 rules (income estimation).

The national categories (国家统计局 住户收支调查): 工资性收入 and 经营净收入 (生产经营收入 − 生产经营支出)
are never negative inputs; 财产净收入 and 转移净收入 are nets (income minus what was paid out) and may be
negative. 纯收入 is their sum, 人均纯收入 the sum divided by the persons counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.scoping import permission_name, user_scope
from xiangcun.core.services import Actor, authorize, require_county_level, save_checked
from xiangcun.households import choices as household_choices
from xiangcun.households.models import Household
from xiangcun.livelihoods import choices
from xiangcun.livelihoods.errors import ErrorCode
from xiangcun.livelihoods.models import IncomeRecord, IncomeRule

ZERO = Decimal("0")


def _amount(value) -> Decimal:
    return ZERO if value in (None, "") else Decimal(value)


@transaction.atomic
def income_record_save(
    *, actor: Actor, household: Household, year: int, family_size: int, wage_income: Decimal = ZERO,
    business_income: Decimal = ZERO, business_expense: Decimal = ZERO, property_income: Decimal = ZERO,
    transfer_income: Decimal = ZERO, notes: str = "",
) -> IncomeRecord:
    """Record (or correct) a household's 家庭收入 of one year; net and per-capita income are computed."""
    record = IncomeRecord.objects.select_for_update().filter(household=household, year=year).first()
    action = "change" if record else "add"
    authorize(actor, IncomeRecord, action, region=household.region)
    amounts = {"wage_income": _amount(wage_income), "business_income": _amount(business_income),
               "business_expense": _amount(business_expense)}
    negative = [IncomeRecord._meta.get_field(name).verbose_name for name, value in amounts.items() if value < 0]
    if negative:
        raise ServiceError(_("%(field)s cannot be negative: enter the amount of the year in yuan.")
                           % {"field": negative[0]}, code=ErrorCode.NEGATIVE_AMOUNT)
    if year > date.today().year:
        raise ServiceError(_("The year %(year)d has not begun: record income of this year or an earlier one.")
                           % {"year": year}, code=ErrorCode.FUTURE_YEAR)
    if not family_size or family_size < 1:
        raise ServiceError(_("Count at least one person in the household."), code=ErrorCode.BAD_FAMILY_SIZE)
    record = record or IncomeRecord(household=household, year=year)
    record.family_size = family_size
    for name, value in amounts.items():
        setattr(record, name, value)
    record.property_income = _amount(property_income)
    record.transfer_income = _amount(transfer_income)
    record.notes = (notes or "").strip()
    record.compute()
    return save_checked(record, actor=actor, action=action)


@transaction.atomic
def income_record_delete(*, actor: Actor, record: IncomeRecord) -> None:
    """Delete a year's income record (entered by mistake)."""
    authorize(actor, IncomeRecord, "delete", region=record.household.region)
    record.delete()


# --- 收入测算 rules: county configuration -------------------------------------------------------------

@transaction.atomic
def income_rule_save(
    *, actor: Actor, county_code: str, kind: str, item: str, unit_yield: Decimal | None = None,
    unit_price: Decimal | None = None, unit_income: Decimal | None = None, unit_cost: Decimal = ZERO,
    active: bool = True, notes: str = "", rule: IncomeRule | None = None,
) -> IncomeRule:
    """Create a rule, or change ``rule``: what a mu of a crop, a head of livestock or a month of work earns."""
    action = "change" if rule else "add"
    if actor is not None:
        require_county_level(actor, IncomeRule, action)
        if not user_scope(actor, permission_name(IncomeRule, action)).covers_code(county_code):
            raise OutOfScope(_("The county is not found or lies outside your jurisdiction."))
    item = (item or "").strip()
    if kind == choices.RuleKind.LIVESTOCK and item not in household_choices.Livestock.values:
        raise ServiceError(_("Choose the livestock kind from the list."), code=ErrorCode.BAD_ITEM)
    if kind == choices.RuleKind.WORK and item not in choices.WorkPlace.values:
        raise ServiceError(_("Choose the place of work from the list."), code=ErrorCode.BAD_ITEM)
    has_yield = unit_yield is not None and unit_price is not None
    if not has_yield and unit_income is None:
        raise ServiceError(_("Give either the yield and the price, or the income per unit."), code=ErrorCode.NO_INCOME)
    for value in (unit_yield, unit_price, unit_income, unit_cost):
        if value is not None and value < 0:
            raise ServiceError(_("Yields, prices, incomes and costs cannot be negative."),
                               code=ErrorCode.NEGATIVE_AMOUNT)
    duplicate = IncomeRule.objects.filter(county_code=county_code, kind=kind, item=item)
    if rule is not None:
        duplicate = duplicate.exclude(pk=rule.pk)
    if duplicate.exists():
        raise ServiceError(_("The county already has a rule for %(item)s.") % {"item": item}, code=ErrorCode.DUPLICATE)
    rule = rule or IncomeRule(county_code=county_code)
    rule.kind, rule.item = kind, item
    rule.unit_yield, rule.unit_price, rule.unit_income = unit_yield, unit_price, unit_income
    rule.unit_cost = unit_cost or ZERO
    rule.active, rule.notes = active, (notes or "").strip()
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def income_rule_delete(*, actor: Actor, rule: IncomeRule) -> None:
    if actor is not None:
        require_county_level(actor, IncomeRule, "delete")
        if not user_scope(actor, permission_name(IncomeRule, "delete")).covers_code(rule.county_code):
            raise OutOfScope()
    rule.delete()


# Starting figures for a county without rules (yuan, kg, mu; per head for livestock, per month for work).
# They are rough figures for 舟曲县-like mountain counties: the county edits them on the rules page.
DEFAULT_RULES: tuple[dict, ...] = (
    {"kind": choices.RuleKind.CROP, "item": "花椒", "unit_yield": Decimal("60"), "unit_price": Decimal("80"),
     "unit_cost": Decimal("1200")},
    {"kind": choices.RuleKind.CROP, "item": "核桃", "unit_yield": Decimal("100"), "unit_price": Decimal("16"),
     "unit_cost": Decimal("300")},
    {"kind": choices.RuleKind.CROP, "item": "羊肚菌", "unit_yield": Decimal("150"), "unit_price": Decimal("80"),
     "unit_cost": Decimal("6000")},
    {"kind": choices.RuleKind.CROP, "item": "中药材", "unit_yield": Decimal("300"), "unit_price": Decimal("20"),
     "unit_cost": Decimal("2000")},
    {"kind": choices.RuleKind.CROP, "item": "玉米", "unit_yield": Decimal("400"), "unit_price": Decimal("2.4"),
     "unit_cost": Decimal("450")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.BLACK_PIG, "unit_income": Decimal("2500"),
     "unit_cost": Decimal("1000")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.TIBETAN_CHICKEN,
     "unit_income": Decimal("120"), "unit_cost": Decimal("50")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.CATTLE, "unit_income": Decimal("5000"),
     "unit_cost": Decimal("2000")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.YAK, "unit_income": Decimal("4500"),
     "unit_cost": Decimal("1500")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.SHEEP, "unit_income": Decimal("900"),
     "unit_cost": Decimal("300")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.GOAT, "unit_income": Decimal("800"),
     "unit_cost": Decimal("300")},
    {"kind": choices.RuleKind.LIVESTOCK, "item": household_choices.Livestock.BEE, "unit_income": Decimal("1000"),
     "unit_cost": Decimal("200")},
    {"kind": choices.RuleKind.WORK, "item": choices.WorkPlace.IN_COUNTY, "unit_income": Decimal("2500")},
    {"kind": choices.RuleKind.WORK, "item": choices.WorkPlace.IN_PROVINCE, "unit_income": Decimal("3500")},
    {"kind": choices.RuleKind.WORK, "item": choices.WorkPlace.OUT_PROVINCE, "unit_income": Decimal("4500")},
)


@transaction.atomic
def income_rules_load_defaults(*, actor: Actor, county_code: str) -> int:
    """Add the starting rules the county does not have yet; returns how many were added."""
    if actor is not None:
        require_county_level(actor, IncomeRule, "add")
        if not user_scope(actor, permission_name(IncomeRule, "add")).covers_code(county_code):
            raise OutOfScope(_("The county is not found or lies outside your jurisdiction."))
    existing = set(IncomeRule.objects.filter(county_code=county_code).values_list("kind", "item"))
    added = 0
    for figures in DEFAULT_RULES:
        if (figures["kind"], figures["item"]) in existing:
            continue
        income_rule_save(actor=None, county_code=county_code, **figures)
        added += 1
    return added
