"""The households app's menu entries and home tiles (core.navigation)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from xiangcun.core.navigation import STAFF, Audience, HomeTile, MenuEntry, MenuGroup, register


def own_person(user):
    """The registered person this account belongs to (a villager's own record), once per request."""
    if "_own_person" not in user.__dict__:
        try:
            user.__dict__["_own_person"] = user.person
        except (ObjectDoesNotExist, AttributeError):
            user.__dict__["_own_person"] = None
    return user.__dict__["_own_person"]


def has_own_person(user) -> bool:
    return own_person(user) is not None


def own_household_url(user) -> str | None:
    person = own_person(user)
    return person.household.get_absolute_url() if person is not None else None


VIEW = ("households.view_household",)
VILLAGER = (Audience.VILLAGER,)

register(
    MenuGroup("households", _("Households"), permissions=VIEW, order=40),
    MenuEntry("household-list", _("Households"), url="households:household-list", group="households",
              permissions=VIEW, order=1),
    MenuEntry("person-list", _("Persons"), url="households:person-list", group="households", permissions=VIEW,
              order=2),
    MenuEntry("import", _("Excel import"), url="households:import", group="households",
              permissions=("households.import_household",), order=30, divider_before=True),
    # On the phone: grid workers collect, villagers report about themselves.
    HomeTile("register-household", _("Register a household"), url="households_mobile:household-create",
             permissions=("households.add_household",), audiences=STAFF, style="primary", order=10),
    HomeTile("my-household", _("My household"), url=own_household_url, audiences=VILLAGER, order=40,
             style="outline-secondary"),
)
