"""The platform's roles, as code: each a Django group whose permissions are synced after migrate.

A module whose records cadres work on in their regions says so in its AppConfig (``business_records = True``);
``@business`` in a role's patterns stands for every such app, so a new module edits nothing here. The permissions
reach the roles at the next `migrate`. Patterns: ``app.*``, ``app.view_*``, ``app.codename``, ``@business.*``,
``@business.view_*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch

from django.utils.translation import gettext_lazy as _

from xiangcun.regions.choices import Level

# Points of interest of the villages (村委会, 卫生室 …), kept by the cadres and grid workers of each village.
FACILITIES = ("regions.*_facility", "regions.*_facilityphoto")


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    description: str
    rank: int
    levels: tuple[int, ...]
    patterns: tuple[str, ...]
    self_only: bool = False
    can_manage_users: bool = False
    excludes: tuple[str, ...] = field(default=())


UPPER_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
USER_ADMIN = ("accounts.view_user", "accounts.add_user", "accounts.change_user", "accounts.*_roleassignment",
              "accounts.view_role")

ROLE_SPECS: tuple[RoleSpec, ...] = (
    RoleSpec("system_admin", "系统管理员", "Manages accounts, regions and settings; cannot read the audit log.", 90,
             UPPER_LEVELS, ("regions.*", *USER_ADMIN, "core.*"), can_manage_users=True),
    RoleSpec("security_admin", "安全管理员", "Unlocks accounts and reviews role assignments.", 85, UPPER_LEVELS,
             ("regions.view_region", "accounts.view_user", "accounts.change_user", "accounts.view_roleassignment",
              "accounts.view_role")),
    RoleSpec("auditor", "审计员", "Reads and exports the audit log; changes nothing.", 80, UPPER_LEVELS,
             ("regions.view_region", "accounts.view_securityevent", "accounts.export_audit", "auditlog.view_logentry")),
    RoleSpec("county_admin", "县级管理员", "Works on every record of the county and manages its users.", 70,
             UPPER_LEVELS, ("regions.view_region", "regions.change_region", "regions.*_grid", *FACILITIES, *USER_ADMIN,
                            "@business.*", "accounts.reveal_personal_data"),
             can_manage_users=True),
    RoleSpec("township_officer", "乡镇干部", "Works on the records of one township and manages its villages' users.",
             60, (Level.TOWNSHIP,), ("regions.view_region", "regions.*_grid", *FACILITIES, *USER_ADMIN,
                                      "@business.*"), can_manage_users=True,
             excludes=("*.approve_county_*",)),
    RoleSpec("village_cadre", "村干部", "Works on the records of one village.", 40, (Level.VILLAGE,),
             ("regions.view_region", "regions.view_grid", "regions.change_grid", *FACILITIES, "accounts.view_user",
              "@business.*"),
             excludes=("*.delete_*", "*.review_township_*", "*.approve_county_*", "*.supervise_*")),
    RoleSpec("grid_worker", "网格员", "Collects data, patrols and handles incidents in a village's grids.", 30,
             (Level.VILLAGE,), ("regions.view_region", "regions.view_grid", *FACILITIES,
                                "@business.view_*",
                                "@business.add_*",
                                "@business.change_*", "incidents.handle_incident")),
    RoleSpec("dept_staff", "部门人员", "Staff of a county department handling what is routed to it.", 30,
             UPPER_LEVELS, ("regions.view_region", "regions.view_facility", "regions.view_facilityphoto",
                            "@business.view_*", "incidents.handle_incident")),
    RoleSpec("villager", "村民", "A villager: sees and files only their own records.", 10,
             (Level.VILLAGE, Level.GROUP), ("regions.view_region", "@business.view_*",
                                            "@business.add_*"), self_only=True,
             excludes=("dashboard.*",)),  # the map and the big screens are for cadres, not villagers
)
ROLE_NAMES_EN = {  # English names for the role codes, shown when English is chosen
    "system_admin": _("System administrator"), "security_admin": _("Security administrator"),
    "auditor": _("Auditor"), "county_admin": _("County administrator"), "township_officer": _("Township officer"),
    "village_cadre": _("Village cadre"), "grid_worker": _("Grid worker"), "dept_staff": _("Department staff"),
    "villager": _("Villager"),
}


def business_apps() -> tuple[str, ...]:
    """The labels of the apps whose records cadres work on: every installed app whose AppConfig sets
    ``business_records = True``."""
    from django.apps import apps

    declared = [config.label for config in apps.get_app_configs() if getattr(config, "business_records", False)]
    return tuple(declared)


def expand(patterns: tuple[str, ...]) -> list[str]:
    """``@business.view_*`` → ``households.view_*``, ``incidents.view_*`` … (one per business app)."""
    expanded = []
    for pattern in patterns:
        if pattern.startswith("@business."):
            expanded += [f"{app}.{pattern.removeprefix('@business.')}" for app in business_apps()]
        else:
            expanded.append(pattern)
    return expanded


def resolve_patterns(spec: RoleSpec, permissions) -> list:
    """The Permission rows whose ``app.codename`` matches a pattern of the role and no exclusion."""
    chosen = []
    patterns, excludes = expand(spec.patterns), expand(spec.excludes)
    for permission in permissions:
        name = f"{permission.content_type.app_label}.{permission.codename}"
        if any(fnmatch(name, p) for p in patterns) and not any(fnmatch(name, p) for p in excludes):
            chosen.append(permission)
    return chosen


def sync_roles(sender=None, using: str = "default", **kwargs) -> None:
    """Create or update every role and its group's permissions (runs after each migrate)."""
    from django.contrib.auth.models import Group, Permission

    from xiangcun.accounts.models import Role

    permissions = list(Permission.objects.using(using).select_related("content_type"))
    for spec in ROLE_SPECS:
        role = Role.objects.using(using).filter(code=spec.code).select_related("group").first()
        if role is None:
            group, _created = Group.objects.using(using).get_or_create(name=spec.name)
            role = Role(code=spec.code, group=group)
        role.name = spec.name
        role.description = spec.description
        role.rank = spec.rank
        role.region_levels = [int(level) for level in spec.levels]
        role.self_only = spec.self_only
        role.can_manage_users = spec.can_manage_users
        role.save(using=using)
        role.group.permissions.set(resolve_patterns(spec, permissions))
