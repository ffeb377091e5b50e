"""The personas of DESIGN.md as accounts: the demo's logins and the tests' cast."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import Department, Role, RoleAssignment, User
from xiangcun.core.demo import DemoContext, DemoOption, DemoStep
from xiangcun.core.demo import register as register_demo
from xiangcun.regions.models import Region

DEFAULT_PASSWORD = "Demo-2026!"


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    role: str
    region_code: str
    department: str = ""


PERSONAS: tuple[Persona, ...] = (
    Persona("sysadmin", "系统管理员", "system_admin", "623023"),
    Persona("secadmin", "安全管理员", "security_admin", "623023"),
    Persona("auditor", "审计员", "auditor", "623023"),
    Persona("county_admin", "杨县长", "county_admin", "623023"),
    Persona("township_officer", "王镇长", "township_officer", "623023103"),
    Persona("village_clerk_a", "杨文书", "village_cadre", "623023103203"),
    Persona("village_clerk_b", "张文书", "village_cadre", "623023102214"),
    Persona("grid_worker_a", "李网格", "grid_worker", "623023103203"),
    Persona("villager_a", "卓玛", "villager", "623023103203"),
    Persona("dept_staff", "赵科员", "dept_staff", "623023", "县民政局"),
)


# The county departments work is routed to (code, name); the demo creates them all in its county.
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("minzheng", "县民政局"), ("yingji", "县应急管理局"), ("ziranziyuan", "县自然资源局"),
    ("nongye", "县农业农村局"), ("zhujian", "县住房和城乡建设局"), ("shuiwu", "县水务局"),
    ("linye", "县林业和草原局"), ("sifa", "县司法局"), ("gonglu", "县交通运输局"),
)


def ensure_department(region: Region, name: str) -> Department:
    """The department of this name in the region, created with its usual code when missing."""
    code = next((code for code, known in DEPARTMENTS if known == name), None) or f"dept-{zlib.crc32(name.encode()):08x}"
    department, _created = Department.objects.get_or_create(region=region, name=name, defaults={"code": code})
    return department


@transaction.atomic
def ensure_personas(*, password: str = DEFAULT_PASSWORD, must_change_password: bool = False) -> dict[str, User]:
    """Create (or reset) each persona with its one role; demo accounts skip the first-login change."""
    users: dict[str, User] = {}
    hashed = make_password(password)  # one argon2 hash for all: they share the password anyway
    now = timezone.now()
    regions = {r.code: r for r in Region.objects.filter(code__in={p.region_code for p in PERSONAS})}
    roles = {r.code: r for r in Role.objects.all()}
    for persona in PERSONAS:
        region = regions.get(persona.region_code)
        if region is None:
            continue
        user = User.objects.filter(username=persona.username).first() or User(username=persona.username)
        user.full_name = persona.full_name
        user.department = persona.department
        user.is_active = True
        user.must_change_password = must_change_password
        user.password, user.password_changed_at = hashed, now
        user.save()
        RoleAssignment.objects.get_or_create(user=user, role=roles[persona.role], region=region)
        if persona.department:
            department = ensure_department(region, persona.department)
            department.members.add(user)
        users[persona.username] = user
    return users


def _demo_accounts(context: DemoContext) -> str:
    """The personas (one role each) and grid_worker_a on the first grid of 杰迪村."""
    from xiangcun.regions.models import Grid

    password = context.options["password"]
    users = ensure_personas(password=password)
    grid_worker = users.get("grid_worker_a")
    first_grid = Grid.objects.filter(village__code="623023103203").order_by("code").first()
    if grid_worker is not None and first_grid is not None:
        first_grid.workers.add(grid_worker)
    return f"{len(users)} demo accounts (password {password}): " + ", ".join(users)


register_demo(DemoStep("accounts", _demo_accounts, order=40, options=(
    DemoOption("password", str, DEFAULT_PASSWORD, "password of every demo account"),)))
