"""REST API of the household registry: /api/v1/households/, /api/v1/persons/, … (documented in /api/schema/).

Every viewset reads through ``restrict()`` and writes through ``households.services``; ID numbers and
phones are accepted on write and answered masked.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import serializers

from xiangcun.core.api import ConfigViewSet, ScopedReadOnlyViewSet, ScopedSlugRelatedField, ScopedViewSet, router
from xiangcun.households import choices
from xiangcun.households.filtersets import HouseholdFilterSet, PersonFilterSet
from xiangcun.households.models import (
    House,
    Household,
    HouseholdTag,
    LandParcel,
    LivestockHolding,
    Person,
    PersonEvent,
)
from xiangcun.households.services import registry
from xiangcun.households.services.registry import MemberInput
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Region

# --- registry -----------------------------------------------------------------------------------------


class MemberInputSerializer(serializers.Serializer):
    """A person as given on registration; sex and birth date are read from the ID number."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    relation = serializers.ChoiceField(choices=choices.Relation.choices)
    ethnicity = serializers.ChoiceField(choices=choices.Ethnicity.choices, default=choices.Ethnicity.HAN)
    education = serializers.ChoiceField(choices=choices.Education.choices, required=False, default="")
    health = serializers.ChoiceField(choices=choices.Health.choices, default=choices.Health.HEALTHY)
    disability_grade = serializers.ChoiceField(choices=choices.DisabilityGrade.choices, required=False,
                                               allow_null=True, default=None)
    labour_ability = serializers.ChoiceField(choices=choices.LabourAbility.choices, required=False,
                                             help_text="Left out: by age (under 16 none, else normal).")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    lives_alone = serializers.BooleanField(default=False)
    left_behind = serializers.BooleanField(default=False)


def member_input(data: dict) -> MemberInput:
    values = dict(data)
    values["disability_grade"] = str(values.get("disability_grade") or "")
    return MemberInput(**values)


class HouseholdSerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=Level.VILLAGE))
    group = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=Level.GROUP),
                                         required=False, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="code", many=True, queryset=HouseholdTag.objects.all(),
                                        required=False)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=20)
    masked_phone = serializers.CharField(read_only=True)
    members = MemberInputSerializer(many=True, write_only=True, required=False,
                                    help_text="On registration only: the members, exactly one with relation head.")
    has_risk = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "uuid", "number", "region", "group", "address", "phone", "masked_phone", "head_name",
                  "member_count", "tags", "status", "latitude", "longitude", "notes", "members", "has_risk",
                  "created_at", "updated_at"]
        read_only_fields = ["head_name", "member_count", "status"]
        extra_kwargs = {"number": {"required": False, "validators": []}}

    def get_has_risk(self, household: Household) -> bool:
        return hasattr(household, "risk")


class HouseholdViewSet(ScopedViewSet):
    """户: search (``q``: name, number, phone, exact ID), filters as on the list page."""

    queryset = (Household.objects.select_related("region", "group", "risk")
                .prefetch_related(Prefetch("tags", queryset=HouseholdTag.objects.order_by("order")))
                .order_by("number"))
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet

    def create_object(self, *, actor, data):
        return registry.household_create(
            actor=actor, village=data["region"], members=[member_input(m) for m in data.get("members", [])],
            address=data.get("address", ""), phone=data.get("phone", ""), group=data.get("group"),
            tags=data.get("tags", ()), notes=data.get("notes", ""), number=data.get("number", ""),
            latitude=data.get("latitude"), longitude=data.get("longitude"))

    def update_object(self, *, actor, instance, data):
        fields = {k: v for k, v in data.items() if k in registry.HOUSEHOLD_FIELDS and k != "status"}
        return registry.household_update(actor=actor, household=instance, tags=data.get("tags"), **fields)


class PersonSerializer(serializers.ModelSerializer):
    household = ScopedSlugRelatedField(slug_field="uuid", queryset=Household.objects.all())
    id_number = serializers.CharField(write_only=True, max_length=18)
    masked_id_number = serializers.CharField(read_only=True)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=20)
    masked_phone = serializers.CharField(read_only=True)
    health = serializers.ChoiceField(choices=choices.Health.choices, default=choices.Health.HEALTHY)
    disability_grade = serializers.CharField(required=False, allow_blank=True, max_length=1)
    joined = serializers.ChoiceField(write_only=True, required=False, default=choices.PersonEventKind.MOVED_IN,
                                     choices=[choices.PersonEventKind.MOVED_IN, choices.PersonEventKind.BORN])
    joined_on = serializers.DateField(write_only=True, required=False)

    class Meta:
        model = Person
        fields = ["id", "uuid", "household", "name", "id_number", "masked_id_number", "sex", "birth_date",
                  "relation", "ethnicity", "education", "health", "disability_grade", "labour_ability", "phone",
                  "masked_phone", "status", "status_date", "lives_alone", "left_behind", "joined", "joined_on"]
        read_only_fields = ["sex", "birth_date", "status", "status_date"]


class PersonViewSet(ScopedViewSet):
    """人口: members join and change here; moving out, death, splits and merges are dated events (pages)."""

    queryset = Person.objects.select_related("household").order_by("household", "id")
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    def create_object(self, *, actor, data):
        fields = {k: data[k] for k in ("name", "id_number", "relation", "ethnicity", "education", "health",
                                       "disability_grade", "labour_ability", "phone", "lives_alone",
                                       "left_behind") if k in data}
        return registry.person_add(actor=actor, household=data["household"], member=MemberInput(**fields),
                                   on=data.get("joined_on") or timezone.localdate(), kind=data["joined"])

    def update_object(self, *, actor, instance, data):
        fields = {k: v for k, v in data.items() if k in registry.PERSON_FIELDS}
        return registry.person_update(actor=actor, person=instance, id_number=data.get("id_number"), **fields)


class PersonEventSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    person = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    other_household = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = PersonEvent
        fields = ["id", "household", "person", "kind", "date", "other_household", "reason", "created_at"]


class PersonEventViewSet(ScopedReadOnlyViewSet):
    """人口变动: the dated membership events (read only; they are written by the services)."""

    queryset = PersonEvent.objects.select_related("household", "person", "other_household").order_by("-date", "-id")
    serializer_class = PersonEventSerializer
    filterset_fields = ["kind"]


class HouseholdPartSerializer(serializers.ModelSerializer):
    household = ScopedSlugRelatedField(slug_field="uuid", queryset=Household.objects.all())


class HouseSerializer(HouseholdPartSerializer):
    is_dangerous = serializers.BooleanField(read_only=True)

    class Meta:
        model = House
        fields = ["id", "household", "structure", "floors", "floor_area", "year_built", "safety_rating", "rated_on",
                  "is_dangerous", "latitude", "longitude", "footprint", "height"]


class ParcelSerializer(HouseholdPartSerializer):
    class Meta:
        model = LandParcel
        fields = ["id", "household", "land_type", "area_mu", "crop", "contract_number", "contract_start",
                  "contract_end", "polygon"]


class LivestockSerializer(HouseholdPartSerializer):
    class Meta:
        model = LivestockHolding
        fields = ["id", "household", "kind", "heads", "counted_on"]
        validators = []  # (household, kind) is an upsert through livestock_set, not a conflict


class HouseholdPartViewSet(ScopedViewSet):
    """Houses and parcels: ``save`` is the service for both adding and changing."""

    save_service = None

    def create_object(self, *, actor, data):
        fields = {k: v for k, v in data.items() if k != "household"}
        return type(self).save_service(actor=actor, household=data["household"], **fields)

    def update_object(self, *, actor, instance, data):
        fields = {k: v for k, v in data.items() if k != "household"}
        keyword = "house" if isinstance(instance, House) else "parcel"
        return type(self).save_service(actor=actor, household=instance.household, **{keyword: instance}, **fields)

    def delete_object(self, *, actor, instance):
        registry.part_delete(actor=actor, instance=instance)


class HouseViewSet(HouseholdPartViewSet):
    """住房, with safety rating (C/D: 危房) and footprint for the 3D map."""

    queryset = House.objects.select_related("household").order_by("household", "id")
    serializer_class = HouseSerializer
    filterset_fields = ["safety_rating", "structure"]
    save_service = registry.house_save


class ParcelViewSet(HouseholdPartViewSet):
    """地块."""

    queryset = LandParcel.objects.select_related("household").order_by("household", "id")
    serializer_class = ParcelSerializer
    filterset_fields = ["land_type", "crop"]
    save_service = registry.parcel_save


class LivestockViewSet(ScopedViewSet):
    """畜禽存栏: one row per kind; POST sets the heads of a kind (0 removes it)."""

    queryset = LivestockHolding.objects.select_related("household").order_by("household", "kind")
    serializer_class = LivestockSerializer
    filterset_fields = ["kind"]

    def create_object(self, *, actor, data):
        registry.livestock_set(actor=actor, household=data["household"], kind=data["kind"], heads=data["heads"],
                               counted_on=data.get("counted_on"))
        return LivestockHolding.objects.filter(household=data["household"], kind=data["kind"]).first()

    def update_object(self, *, actor, instance, data):
        registry.livestock_set(actor=actor, household=instance.household, kind=instance.kind,
                               heads=data.get("heads", instance.heads),
                               counted_on=data.get("counted_on", instance.counted_on))
        return LivestockHolding.objects.filter(pk=instance.pk).first() or instance

    def delete_object(self, *, actor, instance):
        registry.part_delete(actor=actor, instance=instance)


router.register("households", HouseholdViewSet, basename="household")
router.register("persons", PersonViewSet, basename="person")
router.register("person-events", PersonEventViewSet, basename="personevent")
router.register("houses", HouseViewSet, basename="house")
router.register("land-parcels", ParcelViewSet, basename="landparcel")
router.register("livestock", LivestockViewSet, basename="livestockholding")


# --- county configuration ------------------------------------------------------------------------------

class HouseholdTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdTag
        fields = ["id", "code", "name", "order", "color", "description"]


class HouseholdTagViewSet(ConfigViewSet):
    """户标签 of the county."""

    queryset = HouseholdTag.objects.order_by("order", "code")
    serializer_class = HouseholdTagSerializer

    def create_object(self, *, actor, data):
        return registry.household_tag_save(actor=actor, **data)

    def update_object(self, *, actor, instance, data):
        values = {name: data.get(name, getattr(instance, name)) for name in HouseholdTagSerializer.Meta.fields
                  if name != "id"}
        return registry.household_tag_save(actor=actor, tag=instance, **values)


router.register("household-tags", HouseholdTagViewSet, basename="householdtag")
