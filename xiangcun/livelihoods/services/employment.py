"""Writes of 务工 (a person's work): recorded by the person, a grid worker, an import or a department.

Where the work lies (inside the county, the province, or outside it) is derived from the destination
and the person's home county, never typed: a division code when one is known, else the names,
looked up in the imported region tree and the province table of ``households.places``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from xiangcun.core.errors import OutOfScope, ServiceError
from xiangcun.core.scoping import permission_name, prefix_q
from xiangcun.core.services import Actor, require_permission, save_checked, verify_saved_in_scope
from xiangcun.households.models import Person
from xiangcun.livelihoods import choices, places
from xiangcun.livelihoods.errors import ErrorCode
from xiangcun.livelihoods.models import Employment
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region


def _region_named(name: str, level: int, under: str) -> Region | None:
    """The imported region of ``level`` below code ``under`` that ``name`` names (舟曲, 舟曲县), if one does."""
    if not name or not under:
        return None
    bare = places.bare_name(name)
    candidates = Region.objects.filter(prefix_q("code", under), level=level).filter(
        Q(name=name) | Q(short_name=name) | Q(name__startswith=bare))
    for region in candidates[:5]:
        if places.same_place(region.name, name) or places.same_place(region.short_name, name):
            return region
    return None


def resolve_destination(*, province: str, city: str = "", county: str = "", code: str = "") -> tuple[str, str]:
    """(province code, most specific division code known) of a destination; ('', '') for abroad."""
    code = (code or "").strip()
    if code:
        if not (code.isdigit() and len(code) in (2, 4, 6, 9, 12) and code[:2] in places.PROVINCES):
            raise ServiceError(_("%(code)s is not a division code.") % {"code": code},
                               code=ErrorCode.BAD_DESTINATION_CODE)
        return code[:2], code
    if places.bare_name(province) == places.ABROAD:
        return "", ""
    province_code = places.province_code(province)
    if province_code is None:
        raise ServiceError(_("%(name)s is not a province of China: choose one from the list (or 境外 for work "
                             "abroad).") % {"name": province}, code=ErrorCode.UNKNOWN_PROVINCE)
    found = province_code
    city_region = _region_named(city, Level.CITY, province_code)
    if city_region is not None:
        found = city_region.code
    county_region = _region_named(county, Level.COUNTY, found)
    if county_region is None and city_region is None:
        # A county-level city (合作市) may be typed as the city, or the county typed without its prefecture.
        county_region = _region_named(county or city, Level.COUNTY, province_code)
    if county_region is not None:
        found = county_region.code
    return province_code, found


def derive_place(*, home_county_code: str, province: str, city: str = "", county: str = "",
                 code: str = "") -> tuple[str, str]:
    """(WorkPlace, destination code) seen from the home county (e.g. 舟曲县 623023 in 甘肃 62)."""
    province_code, found = resolve_destination(province=province, city=city, county=county, code=code)
    if province_code != home_county_code[:2]:
        return choices.WorkPlace.OUT_PROVINCE, found
    if len(found) >= 6:
        place = choices.WorkPlace.IN_COUNTY if found[:6] == home_county_code[:6] else choices.WorkPlace.IN_PROVINCE
        return place, found
    # Not in the imported tree: compare the county's name with the home county's.
    home = Region.objects.filter(code=home_county_code[:6]).first()
    names = (home.name, home.short_name) if home else ()
    in_county = bool(county) and any(places.same_place(county, name) for name in names if name)
    return (choices.WorkPlace.IN_COUNTY if in_county else choices.WorkPlace.IN_PROVINCE), found


def _authorize_for_person(actor: Actor, person: Person, action: str) -> None:
    """Like ``authorize``, but the person, not a region, must be in scope: a villager records work for a member of
    their own household, a cadre or grid worker for a person of their regions. The system (None) passes."""
    if actor is None:
        return
    require_permission(actor, Employment, action)
    perm = permission_name(Employment, action)
    if not Person.objects.restrict(actor, perm).filter(pk=person.pk).exists():
        raise OutOfScope(_("The person is not found or lies outside your jurisdiction."))


def _validate(*, start_date: date, end_date: date | None, monthly_income: Decimal) -> None:
    if start_date > date.today():
        raise ServiceError(_("The work has not started yet: record it once it has begun."), code=ErrorCode.FUTURE_START)
    if end_date is not None and end_date < start_date:
        raise ServiceError(_("The end of the work cannot lie before its start."), code=ErrorCode.END_BEFORE_START)
    if monthly_income is not None and monthly_income < 0:
        raise ServiceError(_("The monthly income cannot be negative."), code=ErrorCode.NEGATIVE_AMOUNT)


def _apply(job: Employment, *, province: str, city: str, county: str, code: str, industry: str, employer: str,
           job_title: str, start_date: date, end_date: date | None, monthly_income: Decimal) -> None:
    home = job.person.household.region.code
    job.place, job.destination_code = derive_place(home_county_code=home, province=province, city=city,
                                                   county=county, code=code)
    if job.destination_code and not province:
        province = places.province_name(job.destination_code)
    job.destination_province = (province or "").strip()
    job.destination_city = (city or "").strip()
    job.destination_county = (county or "").strip()
    job.industry = industry
    job.employer = (employer or "").strip()
    job.job = (job_title or "").strip()
    job.start_date, job.end_date = start_date, end_date
    job.monthly_income = monthly_income if monthly_income is not None else Decimal("0")


@transaction.atomic
def employment_record(
    *, actor: Actor, person: Person, destination_province: str, destination_city: str = "",
    destination_county: str = "", destination_code: str = "", industry: str, employer: str = "", job: str = "",
    start_date: date, end_date: date | None = None, monthly_income: Decimal = Decimal("0"),
    method: str = choices.CollectionMethod.GRID_WORKER,
) -> Employment:
    """Record a person's 务工: a villager for a member of their own household, a cadre or grid worker for a
    person of their regions."""
    _authorize_for_person(actor, person, "add")
    _validate(start_date=start_date, end_date=end_date, monthly_income=monthly_income)
    employment = Employment(person=person, method=method, recorded_by=actor)
    _apply(employment, province=destination_province, city=destination_city, county=destination_county,
           code=destination_code, industry=industry, employer=employer, job_title=job, start_date=start_date,
           end_date=end_date, monthly_income=monthly_income)
    return save_checked(employment, actor=actor, action="add")


@transaction.atomic
def employment_update(
    *, actor: Actor, employment: Employment, destination_province: str, destination_city: str = "",
    destination_county: str = "", destination_code: str = "", industry: str, employer: str = "", job: str = "",
    start_date: date, end_date: date | None = None, monthly_income: Decimal = Decimal("0"),
) -> Employment:
    """Correct a 务工 record (taken as the caller found it, through ``restrict()``)."""
    _authorize_for_person(actor, employment.person, "change")
    _validate(start_date=start_date, end_date=end_date, monthly_income=monthly_income)
    _apply(employment, province=destination_province, city=destination_city, county=destination_county,
           code=destination_code, industry=industry, employer=employer, job_title=job, start_date=start_date,
           end_date=end_date, monthly_income=monthly_income)
    return save_checked(employment, actor=actor, action="change")


@transaction.atomic
def employment_end(*, actor: Actor, employment: Employment, end_date: date) -> Employment:
    """The person stopped working there on ``end_date`` (came home, changed job)."""
    _authorize_for_person(actor, employment.person, "change")
    if end_date < employment.start_date:
        raise ServiceError(_("The end of the work cannot lie before its start."), code=ErrorCode.END_BEFORE_START)
    if end_date > date.today():
        raise ServiceError(_("The work cannot end in the future: record the end once it has happened."),
                           code=ErrorCode.FUTURE_END)
    employment.end_date = end_date
    employment.full_clean()
    employment.save(update_fields=["end_date", "updated_at"])  # only the end: not save_checked's full save
    if actor is not None:
        verify_saved_in_scope(actor, employment, "change")
    return employment


@transaction.atomic
def employment_delete(*, actor: Actor, employment: Employment) -> None:
    """Delete a 务工 record entered by mistake."""
    _authorize_for_person(actor, employment.person, "delete")
    employment.delete()
