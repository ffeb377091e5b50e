"""Writes on the county's incident configuration: the category tree, dispatch rules, departments.

Categories are the county's (one tree, not region-owned): only county-level staff change them. Dispatch rules
belong to a county or a township and are changed inside the actor's regions. Departments are the county's
offices to which incidents are routed; who configures the incident loop manages them too (the platform has no
separate department administrator). Every model here is registered with auditlog.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xiangcun.accounts.models import Department, User
from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.core.scoping import prefix_q
from xiangcun.core.services import (
    Actor,
    authorize,
    require_county_level,
    require_permission,
    require_region_in_scope,
    save_checked,
)
from xiangcun.incidents.choices import AssigneeKind
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.models import Category, DispatchRule
from xiangcun.regions.choices import Level

CATEGORY_FIELDS = ("parent", "code", "name", "description", "order", "active", "default_priority", "default_public",
                   "is_dispute", "default_assignee_kind", "default_department", "accept_hours", "dispatch_hours",
                   "handle_hours", "check_hours", "overdue_action", "escalate_after_hours", "reopen_days")
HOUR_FIELDS = ("accept_hours", "dispatch_hours", "handle_hours", "check_hours")


def _raise_validation(error: ValidationError) -> None:
    """The first problem of a model's full_clean as a ServiceError on its field."""
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        raise ServiceError(messages[0], code=CoreErrorCode.INVALID,
                           field=field if field != "__all__" else None) from None
    raise ServiceError(error.messages[0], code=CoreErrorCode.INVALID) from None


def _save(instance, *, exclude: Iterable[str] = (), actor: Actor = None, action: str = "change") -> None:
    """``save_checked`` (the saved row still in ``actor``'s scope, when an actor is given), with the first
    problem of ``full_clean`` as a ServiceError on its field."""
    try:
        save_checked(instance, actor=actor, action=action, exclude=list(exclude))
    except ValidationError as error:
        _raise_validation(error)


# --- categories ------------------------------------------------------------------------------------------

def _check_category(category: Category) -> None:
    for name in HOUR_FIELDS:
        if getattr(category, name) is None or getattr(category, name) < 1:
            raise ServiceError(_("Give at least one hour for every step."), code=CoreErrorCode.INVALID, field=name)
    parent, seen = category.parent, set()
    while parent is not None:
        if category.pk is not None and parent.pk == category.pk:
            raise ServiceError(_("A category cannot lie under itself or one of its sub-categories."),
                               code=ErrorCode.INVALID_PARENT, field="parent")
        if parent.pk in seen:
            break
        seen.add(parent.pk)
        parent = parent.parent
    department = category.default_department
    if department is not None and not department.active:
        raise ServiceError(_("Choose an active department."), code=CoreErrorCode.INVALID, field="default_department")
    if category.default_assignee_kind == AssigneeKind.DEPARTMENT and department is None:
        raise ServiceError(_("Choose the department that handles this category."), code=CoreErrorCode.INVALID,
                           field="default_department")
    if category.default_assignee_kind == AssigneeKind.USER:
        raise ServiceError(_("A category cannot name one person; choose the grid, the village, the township or a "
                             "department."), code=CoreErrorCode.INVALID, field="default_assignee_kind")


@transaction.atomic
def category_create(*, actor: Actor, **fields) -> Category:
    """Add a category (事件分类) to the county's tree."""
    require_county_level(actor, Category, "add")
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown category fields: {sorted(unknown)}")
    category = Category(**fields)
    category.code = (category.code or "").strip().lower()
    category.name = (category.name or "").strip()
    _check_category(category)
    _save(category)
    return category


@transaction.atomic
def category_update(*, actor: Actor, category: Category, **fields) -> Category:
    """Change a category: deadlines, default handler, overdue rule, public default, dispute flag, reopen days."""
    require_county_level(actor, Category, "change")
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown category fields: {sorted(unknown)}")
    category = Category.objects.select_for_update().get(pk=category.pk)
    for name, value in fields.items():
        setattr(category, name, value.strip() if isinstance(value, str) and name in ("code", "name") else value)
    _check_category(category)
    _save(category)
    return category


# --- dispatch rules --------------------------------------------------------------------------------------

def _check_rule(actor: Actor, rule: DispatchRule) -> None:
    region = rule.region
    if region is None or region.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise ServiceError(_("Dispatch rules belong to a county or a township."), code=CoreErrorCode.INVALID,
                           field="region")
    if actor is not None:
        require_region_in_scope(actor, DispatchRule, "change" if rule.pk else "add", region)
    if rule.category_id is None:
        raise ServiceError(_("Choose a category."), code=ErrorCode.REQUIRED, field="category")
    if rule.assignee_kind not in AssigneeKind.values or rule.assignee_kind == AssigneeKind.USER:
        raise ServiceError(_("Choose the grid, the village, the township or a department."), code=CoreErrorCode.INVALID,
                           field="assignee_kind")
    if rule.assignee_kind == AssigneeKind.DEPARTMENT:
        department = rule.department
        if department is None or not department.active or not region.code.startswith(department.region.code):
            raise ServiceError(_("Choose an active department of the county."), code=CoreErrorCode.INVALID,
                               field="department")
    else:
        rule.department = None
    duplicate = DispatchRule.objects.filter(region=region, category_id=rule.category_id).exclude(pk=rule.pk)
    if duplicate.exists():
        raise ServiceError(_("%(region)s already has a rule for this category; change that one.")
                           % {"region": region.name}, code=ErrorCode.DUPLICATE_RULE, field="category")


@transaction.atomic
def dispatch_rule_create(*, actor: Actor, region, category: Category, assignee_kind: str, department=None,
                         note: str = "", active: bool = True) -> DispatchRule:
    """分拨规则: incidents of ``category`` (and its sub-categories) under ``region`` go to this kind of handler."""
    if actor is not None:  # the region is checked after its level (_check_rule): a wrong level is the form's error
        require_permission(actor, DispatchRule, "add")
    rule = DispatchRule(region=region, category=category, assignee_kind=assignee_kind, department=department,
                        note=(note or "").strip(), active=active)
    _check_rule(actor, rule)
    _save(rule, actor=actor, action="change")
    return rule


@transaction.atomic
def dispatch_rule_update(*, actor: Actor, rule: DispatchRule, **fields) -> DispatchRule:
    """Change or deactivate (``active=False``) a rule; the rule stays in its region."""
    authorize(actor, DispatchRule, "change", region=rule.region)
    allowed = {"category", "assignee_kind", "department", "note", "active"}
    if set(fields) - allowed:
        raise TypeError(f"unknown rule fields: {sorted(set(fields) - allowed)}")
    rule = DispatchRule.objects.select_for_update().select_related("region").get(pk=rule.pk)
    for name, value in fields.items():
        setattr(rule, name, value.strip() if name == "note" else value)
    _check_rule(actor, rule)
    _save(rule, actor=actor, action="change")
    return rule


# --- departments -----------------------------------------------------------------------------------------

def county_users(county):
    """The active accounts assigned somewhere in the county: who may be a department's staff."""
    return (User.objects.filter(prefix_q("role_assignments__region__code", county.code), is_active=True)
            .distinct().order_by("full_name", "username"))


def _check_department(actor: Actor, department: Department, members) -> list:
    region = department.region
    if region is None or region.level != Level.COUNTY:
        raise ServiceError(_("A department belongs to a county."), code=CoreErrorCode.INVALID, field="region")
    if actor is not None:
        require_region_in_scope(actor, Category, "change", region)
    department.code = (department.code or "").strip().lower()
    department.name = (department.name or "").strip()
    if Department.objects.filter(region=region, code=department.code).exclude(pk=department.pk).exists():
        raise ServiceError(_("The county already has a department with this code."), code=ErrorCode.DUPLICATE_CODE,
                           field="code")
    members = list(members) if members is not None else None
    if members:
        allowed = set(county_users(region).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
        if any(member.pk not in allowed for member in members):
            raise ServiceError(_("Choose staff among the active accounts of %(county)s.") % {"county": region.name},
                               code=CoreErrorCode.INVALID, field="members")
    return members


@transaction.atomic
def department_create(*, actor: Actor, region, code: str, name: str, phone: str = "", active: bool = True,
                      members: Iterable[User] = ()) -> Department:
    """Add a county department (部门) to which incidents can be routed."""
    require_county_level(actor, Category, "change")
    department = Department(region=region, code=code, name=name, phone=(phone or "").strip(), active=active)
    members = _check_department(actor, department, members)
    _save(department, exclude=["members"])
    department.members.set(members)
    return department


@transaction.atomic
def department_update(*, actor: Actor, department: Department, members: Iterable[User] | None = None,
                      **fields) -> Department:
    """Change a department's name, phone, state or staff (``members=None`` leaves the staff as they are)."""
    require_county_level(actor, Category, "change")
    allowed = {"code", "name", "phone", "active"}
    if set(fields) - allowed:
        raise TypeError(f"unknown department fields: {sorted(set(fields) - allowed)}")
    department = Department.objects.select_for_update().select_related("region").get(pk=department.pk)
    for name, value in fields.items():
        setattr(department, name, value.strip() if isinstance(value, str) else value)
    members = _check_department(actor, department, members)
    _save(department, exclude=["members"])
    if members is not None:
        department.members.set(members)
    return department
