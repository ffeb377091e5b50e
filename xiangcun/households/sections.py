"""The registry's own sections of the dossier: members, houses, land, livestock and the membership history."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from xiangcun.core.services import may
from xiangcun.households import choices
from xiangcun.households.dossier import Section, register_section
from xiangcun.households.models import House, Household, LandParcel, LivestockHolding, Person, PersonEvent


def _can_change(household: Household, user) -> bool:
    """Asked by several sections of one page: answered once per household object."""
    if "_can_change" not in household.__dict__:
        household.__dict__["_can_change"] = Household.objects.restrict(user, "change").filter(
            pk=household.pk).exists()
    return household.__dict__["_can_change"]


def members_context(household: Household, user) -> dict:
    members = list(Person.objects.restrict(user, "view").filter(household=household).order_by("status", "id"))
    return {"members": members, "can_change": _can_change(household, user),
            "can_reveal": user.has_perm("accounts.reveal_personal_data"),
            "registered": [m for m in members if m.status == choices.PersonStatus.REGISTERED]}


def houses_context(household: Household, user) -> dict:
    return {"houses": list(House.objects.restrict(user, "view").filter(household=household)),
            "can_change": _can_change(household, user),
            "can_delete": may(user, House, "delete", region=household.region)}


def land_context(household: Household, user) -> dict:
    parcels = LandParcel.objects.restrict(user, "view").filter(household=household)
    return {"parcels": list(parcels), "total": parcels.aggregate(total=Sum("area_mu"))["total"] or 0,
            "can_change": _can_change(household, user),
            "can_delete": may(user, LandParcel, "delete", region=household.region)}


def livestock_context(household: Household, user) -> dict:
    return {"livestock": list(LivestockHolding.objects.restrict(user, "view").filter(household=household)),
            "can_change": _can_change(household, user)}


def events_context(household: Household, user) -> dict:
    events = (PersonEvent.objects.restrict(user, "view").filter(household=household)
              .select_related("person", "other_household", "actor"))
    return {"events": list(events[:100])}


def register() -> None:
    register_section(Section("members", _("Members"), "households/sections/members.html", members_context, 10))
    register_section(Section("houses", _("Housing"), "households/sections/houses.html", houses_context, 20))
    register_section(Section("land", _("Land"), "households/sections/land.html", land_context, 30))
    register_section(Section("livestock", _("Livestock"), "households/sections/livestock.html",
                             livestock_context, 40))
    register_section(Section("events", _("Membership history"), "households/sections/events.html",
                             events_context, 90))
