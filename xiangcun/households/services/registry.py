"""Writes on the registry: households, members and their dated events, houses, land, livestock.

Membership changes (moving in or out, death, splitting, merging) are events: the person's row keeps
its history (status and date) and a ``PersonEvent`` records what happened; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.core.errors import CoreErrorCode, OutOfScope, ServiceError
from xiangcun.core.services import (
    Actor,
    authorize,
    require_county_level,
    require_permission,
    require_region_in_scope,
    save_checked,
)
from xiangcun.households import choices
from xiangcun.households.errors import ErrorCode
from xiangcun.households.models import (
    House,
    Household,
    HouseholdTag,
    LandParcel,
    LivestockHolding,
    Person,
    PersonEvent,
)
from xiangcun.households.validation import check_identity, check_phone, duplicate_id_error, id_number_taken
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region

HOUSEHOLD_FIELDS = ("address", "phone", "group", "grid", "notes", "latitude", "longitude", "status")
PERSON_FIELDS = ("name", "relation", "ethnicity", "education", "health", "disability_grade", "health_notes",
                 "labour_ability", "phone", "lives_alone", "left_behind")


@dataclass
class MemberInput:
    """One person as a form, the API or an import gives it; sex and birth date come from the ID number."""

    name: str
    id_number: str
    relation: str
    ethnicity: str = choices.Ethnicity.HAN
    education: str = ""
    health: str = choices.Health.HEALTHY
    disability_grade: str = ""
    health_notes: str = ""
    labour_ability: str = ""  # empty: by age (choices.default_labour_ability)
    phone: str = ""
    lives_alone: bool = False
    left_behind: bool = False
    sex: str | None = None
    birth_date: date | None = None
    extra: dict = field(default_factory=dict)


# --- checks -----------------------------------------------------------------------------------------

def _require_household(actor: Actor, household: Household, action: str = "change", *,
                       part: tuple[type, str] | None = None) -> None:
    """The household must be inside the actor's scope for ``action`` (else: not found).

    ``part`` is the permission a change of one of its rows (a member, a house, a parcel) needs as well, e.g.
    ``(Person, "add")``: held anywhere, since the household's region has just been checked.
    """
    if actor is None:
        return
    require_permission(actor, Household, action)
    if not Household.objects.restrict(actor, action).filter(pk=household.pk).exists():
        raise OutOfScope(_("The household is not found or lies outside your jurisdiction."))
    require_region_in_scope(actor, Household, action, household.region)
    if part is not None:
        require_permission(actor, *part)


def _require_active(household: Household) -> None:
    if household.status != choices.HouseholdStatus.ACTIVE:
        raise ServiceError(_("This household has been cancelled; its members can no longer change."),
                           code=ErrorCode.HOUSEHOLD_CANCELLED)


def _person_from_input(member: MemberInput, *, household: Household, seen: set[str],
                       exclude_pk: int | None = None) -> Person:
    """Validate one member and build (not save) the Person; errors name the field."""
    errors: dict[str, list] = {}
    info = None
    try:
        info = check_identity(member.id_number, sex=member.sex, birth_date=member.birth_date)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    else:
        if info.number in seen or id_number_taken(info.number, exclude_pk=exclude_pk):
            errors["id_number"] = duplicate_id_error().messages
        seen.add(info.number)
    phone = ""
    try:
        phone = check_phone(member.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if member.health == choices.Health.DISABLED and not member.disability_grade:
        errors["disability_grade"] = [_("Give the disability grade of a disabled person.")]
    if errors:
        raise ValidationError(errors)
    person = Person(
        household=household, name=member.name.strip(), id_number=info.number, sex=info.sex,
        birth_date=info.birth_date, relation=member.relation, ethnicity=member.ethnicity,
        education=member.education, health=member.health,
        disability_grade=str(member.disability_grade or "") if member.health == choices.Health.DISABLED else "",
        health_notes=member.health_notes,
        labour_ability=member.labour_ability or choices.default_labour_ability(info.birth_date, timezone.localdate()),
        phone=phone,
        lives_alone=member.lives_alone, left_behind=member.left_behind,
    )
    person.full_clean(exclude=["household", "id_number_hash"])
    return person


def _refresh_household(household: Household) -> None:
    """Recount registered members and copy the head's name (lists show it without a join)."""
    household.member_count = household.members.filter(status=choices.PersonStatus.REGISTERED).count()
    if household.head_id:
        household.head_name = Person.objects.values_list("name", flat=True).get(pk=household.head_id)
    household.save(update_fields=["member_count", "head_name", "updated_at"])


def _event(household, kind, on, *, actor: Actor, person=None, other=None, reason="") -> PersonEvent:
    return PersonEvent.objects.create(household=household, person=person, kind=kind, date=on, other_household=other,
                                      reason=reason[:200], actor=actor if actor and actor.is_authenticated else None)


def next_household_number(village: Region) -> str:
    """户编号: the village's 12-digit code and a 4-digit serial (the form counties use)."""
    last = (Household.objects.filter(number__startswith=village.code, number__regex=r"^\d{16}$")
            .aggregate(last=Max("number"))["last"])
    serial = int(last[-4:]) + 1 if last else 1
    return f"{village.code}{serial:04d}"


# --- households -------------------------------------------------------------------------------------

@transaction.atomic
def household_create(
    *, actor: Actor, village: Region, members: Sequence[MemberInput], address: str = "", phone: str = "",
    group: Region | None = None, grid: Grid | None = None, tags: Iterable[HouseholdTag] = (), notes: str = "",
    number: str = "", latitude: float | None = None, longitude: float | None = None, on: date | None = None,
) -> Household:
    """Register a household (户) in a village with its members; exactly one member is the head (户主)."""
    authorize(actor, Household, "add", region=village)
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": [_("Choose a village.")]})
    heads = [m for m in members if m.relation == choices.Relation.HEAD]
    if len(heads) != 1:
        raise ValidationError({"members": [_("A household has exactly one head (户主).")]})
    if group is not None and (group.parent_id != village.pk):
        raise ValidationError({"group": [_("The village group does not belong to this village.")]})
    if grid is not None and grid.village_id != village.pk:
        raise ValidationError({"grid": [_("The grid does not belong to this village.")]})
    on = on or timezone.localdate()
    household = Household(region=village, number=number.strip() or next_household_number(village),
                          head_name=heads[0].name.strip(), address=address.strip(), phone=check_phone(phone),
                          group=group, grid=grid, notes=notes, latitude=latitude, longitude=longitude)
    save_checked(household, actor=actor, action="add")
    seen: set[str] = set()
    errors: dict[str, list] = {}
    people = []
    for index, member in enumerate(members):
        try:
            people.append(_person_from_input(member, household=household, seen=seen))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors[f"members.{index}.{key}"] = messages
    if errors:
        raise ValidationError(errors)
    for person in people:
        person.save()
        _event(household, choices.PersonEventKind.REGISTERED, on, actor=actor, person=person)
        if person.relation == choices.Relation.HEAD:
            household.head = person
    household.save(update_fields=["head"])
    household.tags.set(list(tags))
    _refresh_household(household)
    return household


@transaction.atomic
def household_update(*, actor: Actor, household: Household, tags: Iterable[HouseholdTag] | None = None,
                     **fields) -> Household:
    """Change a household's address, phone, group, grid, notes, location (not its village or members)."""
    _require_household(actor, household)
    unknown = set(fields) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"not changeable here: {sorted(unknown)}")
    if "phone" in fields:
        try:
            fields["phone"] = check_phone(fields["phone"])
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    group, grid = fields.get("group", household.group), fields.get("grid", household.grid)
    if group is not None and group.parent_id != household.region_id:
        raise ValidationError({"group": [_("The village group does not belong to this village.")]})
    if grid is not None and grid.village_id != household.region_id:
        raise ValidationError({"grid": [_("The grid does not belong to this village.")]})
    for name, value in fields.items():
        setattr(household, name, value)
    save_checked(household, actor=actor, action="change")
    if tags is not None:
        household.tags.set(list(tags))
    return household


@transaction.atomic
def household_split(*, actor: Actor, household: Household, persons: Sequence[Person], new_head: Person, on: date,
                    address: str = "", reason: str = "") -> Household:
    """分户: some members leave to form a new household in the same village; both keep the event."""
    _require_household(actor, household)
    _require_active(household)
    ids = {p.pk for p in persons}
    registered = set(household.members.filter(status=choices.PersonStatus.REGISTERED).values_list("pk", flat=True))
    if not ids or not ids <= registered:
        raise ValidationError({"persons": [_("Choose registered members of this household.")]})
    if new_head.pk not in ids:
        raise ValidationError({"new_head": [_("The new head must be one of the members who leave.")]})
    if ids == registered:
        raise ValidationError({"persons": [_("At least one member must stay in the old household.")]})
    if household.head_id in ids:
        raise ValidationError({"persons": [_("The head stays; choose a new head for the old household first.")]})
    new = Household(region=household.region, group=household.group, grid=household.grid,
                    number=next_household_number(household.region), head=new_head, head_name=new_head.name,
                    address=address.strip() or household.address)
    save_checked(new, actor=actor, action="change")
    Person.objects.filter(pk__in=ids).update(household=new)
    Person.objects.filter(pk=new_head.pk).update(relation=choices.Relation.HEAD)
    for person in persons:
        _event(household, choices.PersonEventKind.SPLIT, on, actor=actor, person=person, other=new, reason=reason)
        _event(new, choices.PersonEventKind.SPLIT, on, actor=actor, person=person, other=household, reason=reason)
    _refresh_household(household)
    _refresh_household(new)
    return new


@transaction.atomic
def household_merge(*, actor: Actor, source: Household, target: Household, on: date, reason: str = "") -> Household:
    """并户: the members of ``source`` join ``target``; ``source`` is cancelled, not deleted."""
    _require_household(actor, source)
    _require_household(actor, target)
    _require_active(source)
    _require_active(target)
    if source.pk == target.pk:
        raise ValidationError({"target": [_("Choose another household to merge into.")]})
    if source.region_id != target.region_id:
        raise ValidationError({"target": [_("Only households of the same village can be merged.")]})
    moving = list(source.members.filter(status=choices.PersonStatus.REGISTERED))
    Person.objects.filter(pk__in=[p.pk for p in moving]).update(household=target)
    Person.objects.filter(pk__in=[p.pk for p in moving], relation=choices.Relation.HEAD).update(
        relation=choices.Relation.OTHER)
    for person in moving:
        _event(target, choices.PersonEventKind.MERGED, on, actor=actor, person=person, other=source, reason=reason)
    _event(source, choices.PersonEventKind.MERGED, on, actor=actor, other=target, reason=reason)
    source.status = choices.HouseholdStatus.CANCELLED
    source.head = None
    source.save(update_fields=["status", "head", "updated_at"])
    _refresh_household(source)
    _refresh_household(target)
    return target


# --- members ----------------------------------------------------------------------------------------

@transaction.atomic
def person_add(*, actor: Actor, household: Household, member: MemberInput, on: date,
               kind: str = choices.PersonEventKind.MOVED_IN, reason: str = "") -> Person:
    """A member joins: born (出生) or moved in (迁入); a second head is refused."""
    _require_household(actor, household, part=(Person, "add"))
    _require_active(household)
    if kind not in (choices.PersonEventKind.BORN, choices.PersonEventKind.MOVED_IN):
        raise ValueError(kind)
    if member.relation == choices.Relation.HEAD and household.head_id:
        raise ValidationError({"relation": [_("The household already has a head; change the head instead.")]})
    if on > timezone.localdate():
        raise ValidationError({"date": [_("The date lies in the future.")]})
    person = _person_from_input(member, household=household, seen=set())
    if on < person.birth_date:
        raise ValidationError({"date": [_("The date lies before the person's birth.")]})
    person.save()
    _event(household, kind, on, actor=actor, person=person, reason=reason)
    if member.relation == choices.Relation.HEAD:
        household.head = person
        household.save(update_fields=["head"])
    _refresh_household(household)
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, id_number: str | None = None, **fields) -> Person:
    """Correct a member's details; a corrected ID number is validated like a new one."""
    _require_household(actor, person.household, part=(Person, "change"))
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not changeable here: {sorted(unknown)}")
    if fields.get("relation") == choices.Relation.HEAD and person.household.head_id not in (None, person.pk):
        raise ValidationError({"relation": [_("The household already has a head; change the head instead.")]})
    if id_number is not None and id_number.strip().upper() != person.id_number:
        try:
            info = check_identity(id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        if id_number_taken(info.number, exclude_pk=person.pk):
            raise ValidationError({"id_number": duplicate_id_error().messages})
        person.id_number, person.sex, person.birth_date = info.number, info.sex, info.birth_date
    if "phone" in fields:
        try:
            fields["phone"] = check_phone(fields["phone"])
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    for name, value in fields.items():
        setattr(person, name, value)
    if person.health != choices.Health.DISABLED:
        person.disability_grade = ""
    elif not person.disability_grade:
        raise ValidationError({"disability_grade": [_("Give the disability grade of a disabled person.")]})
    person.full_clean()
    person.save()
    _refresh_household(person.household)
    return person


def _leave(*, actor: Actor, person: Person, on: date, status: str, kind: str, reason: str) -> Person:
    _require_household(actor, person.household, part=(Person, "change"))
    if person.status != choices.PersonStatus.REGISTERED:
        raise ServiceError(_("This person is no longer a registered member."), code=ErrorCode.NOT_REGISTERED)
    if on > timezone.localdate() or on < person.birth_date:
        raise ValidationError({"date": [_("The date must lie between the birth and today.")]})
    household = person.household
    others = household.members.filter(status=choices.PersonStatus.REGISTERED).exclude(pk=person.pk)
    if household.head_id == person.pk and others.exists():
        raise ServiceError(_("Choose a new head of household before the head leaves."), code=ErrorCode.HEAD_LEAVING)
    if not reason.strip() and kind == choices.PersonEventKind.MOVED_OUT:
        raise ValidationError({"reason": [_("Say where the person moved and why.")]})
    Person.objects.filter(pk=person.pk, status=choices.PersonStatus.REGISTERED).update(status=status,
                                                                                      status_date=on)
    person.refresh_from_db()
    _event(household, kind, on, actor=actor, person=person, reason=reason)
    if not others.exists():
        household.status = choices.HouseholdStatus.CANCELLED
        household.save(update_fields=["status", "updated_at"])
    _refresh_household(household)
    return person


@transaction.atomic
def person_move_out(*, actor: Actor, person: Person, on: date, reason: str) -> Person:
    """迁出: the person stays on record with status 'moved out' and the date."""
    return _leave(actor=actor, person=person, on=on, status=choices.PersonStatus.MOVED_OUT,
                  kind=choices.PersonEventKind.MOVED_OUT, reason=reason)


@transaction.atomic
def person_die(*, actor: Actor, person: Person, on: date, reason: str = "") -> Person:
    """死亡: recorded with the date; the row and the history stay."""
    return _leave(actor=actor, person=person, on=on, status=choices.PersonStatus.DECEASED,
                  kind=choices.PersonEventKind.DIED, reason=reason)


@transaction.atomic
def household_set_head(*, actor: Actor, household: Household, person: Person, on: date,
                       former_relation: str = "") -> None:
    """Make a registered member the head (户主 change); the former head keeps a relation of the cadre's choice."""
    _require_household(actor, household)
    if person.household_id != household.pk or person.status != choices.PersonStatus.REGISTERED:
        raise ValidationError({"person": [_("Choose a registered member of this household.")]})
    if household.head_id and household.head_id != person.pk:
        Person.objects.filter(pk=household.head_id).update(relation=former_relation or choices.Relation.OTHER)
    Person.objects.filter(pk=person.pk).update(relation=choices.Relation.HEAD)
    household.head = person
    household.save(update_fields=["head"])
    _event(household, choices.PersonEventKind.HEAD_CHANGED, on, actor=actor, person=person)
    _refresh_household(household)


def person_reveal(*, actor: Actor, person: Person, request=None) -> dict[str, str]:
    """Show a member's full ID number and phone: needs the permission, leaves a security event (not the values)."""
    from xiangcun.accounts.services import security_event_record

    if not Person.objects.restrict(actor, "view").filter(pk=person.pk).exists():
        raise OutOfScope(_("The person is not found or lies outside your jurisdiction."))
    if not actor.has_perm("accounts.reveal_personal_data"):
        raise ServiceError(_("You may not see full ID numbers and phone numbers."),
                           code=CoreErrorCode.PERMISSION_DENIED,
                           status=403)
    security_event_record(kind=SecurityEventKind.PERSONAL_DATA_REVEALED, actor=actor, request=request,
                          target=f"households.person:{person.uuid}", detail={"fields": ["id_number", "phone"]})
    return {"id_number": person.id_number, "phone": person.phone}


# --- house, land, livestock -------------------------------------------------------------------------

def _save_part(actor: Actor, household: Household, instance, fields: dict):
    _require_household(actor, household, part=(type(instance), "change" if instance.pk else "add"))
    instance.household = household
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def house_save(*, actor: Actor, household: Household, house: House | None = None, **fields) -> House:
    """Add or change a house (住房): structure, floors, area, year, safety rating, location, footprint."""
    if fields.get("year_built") and fields["year_built"] > timezone.localdate().year:
        raise ValidationError({"year_built": [_("The year lies in the future.")]})
    return _save_part(actor, household, house or House(), fields)


@transaction.atomic
def parcel_save(*, actor: Actor, household: Household, parcel: LandParcel | None = None, **fields) -> LandParcel:
    """Add or change a land parcel (地块)."""
    start, end = fields.get("contract_start"), fields.get("contract_end")
    if start and end and end < start:
        raise ValidationError({"contract_end": [_("The contract ends before it starts.")]})
    return _save_part(actor, household, parcel or LandParcel(), fields)


@transaction.atomic
def part_delete(*, actor: Actor, instance: House | LandParcel | LivestockHolding) -> None:
    """Remove a house, parcel or livestock row entered by mistake (the audit log keeps it)."""
    _require_household(actor, instance.household, part=(type(instance), "delete"))
    instance.delete()


@transaction.atomic
def livestock_set(*, actor: Actor, household: Household, kind: str, heads: int, counted_on: date | None = None) -> None:
    """Set the heads of one kind of livestock (畜禽存栏); zero removes the row."""
    _require_household(actor, household, part=(LivestockHolding, "change"))
    if heads < 0:
        raise ValidationError({"heads": [_("Heads cannot be negative.")]})
    if kind not in choices.Livestock.values:
        raise ValidationError({"kind": [_("Unknown kind of livestock.")]})
    if heads == 0:
        LivestockHolding.objects.filter(household=household, kind=kind).delete()
        return
    LivestockHolding.objects.update_or_create(household=household, kind=kind,
                                              defaults={"heads": heads, "counted_on": counted_on})


# --- county configuration ------------------------------------------------------------------------

@transaction.atomic
def household_tag_save(*, actor: Actor, tag: HouseholdTag | None = None, code: str, name: str, order: int = 100,
                       color: str = "blue", description: str = "") -> HouseholdTag:
    """Add or change a household tag (户标签) of the county (county-level staff)."""
    tag = tag or HouseholdTag()
    if actor is not None:
        require_county_level(actor, HouseholdTag, "change" if tag.pk else "add")
    values = {"code": code, "name": name, "order": order, "color": color, "description": description}
    for field_name, value in values.items():
        setattr(tag, field_name, value.strip() if isinstance(value, str) else value)
    tag.full_clean()
    tag.save()
    return tag
