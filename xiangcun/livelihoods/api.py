"""REST API of income and 务工: /api/v1/income-records/ (with …/estimate/), /api/v1/employments/,
/api/v1/income-rules/. Imported by ``households.api`` so the routes register with the others."""

from __future__ import annotations

import uuid
from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from xiangcun.core.api import ConfigViewSet, ScopedSlugRelatedField, ScopedViewSet, router
from xiangcun.core.scoping import permission_name, user_scope
from xiangcun.households.models import Household, Person
from xiangcun.livelihoods import choices, estimation
from xiangcun.livelihoods.filtersets import EmploymentFilterSet, IncomeRecordFilterSet
from xiangcun.livelihoods.models import Employment, IncomeRecord, IncomeRule
from xiangcun.livelihoods.services import employment as employment_services
from xiangcun.livelihoods.services import income as income_services

MONEY = {"max_digits": 12, "decimal_places": 2}


class IncomeRecordSerializer(serializers.ModelSerializer):
    household = ScopedSlugRelatedField(slug_field="uuid", queryset=Household.objects.all())
    business_net = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = IncomeRecord
        fields = ["id", "household", "year", "family_size", "wage_income", "business_income", "business_expense",
                  "business_net", "property_income", "transfer_income", "net_income", "per_capita", "notes"]
        read_only_fields = ["net_income", "per_capita"]
        validators = []  # one record per household and year: saving the year again corrects it


class EstimateLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    item = serializers.CharField()
    label = serializers.CharField()
    quantity = serializers.DecimalField(**MONEY)
    per_unit = serializers.DecimalField(allow_null=True, **MONEY)
    amount = serializers.DecimalField(**MONEY)
    source = serializers.ChoiceField(choices=["rule", "declared", "no_rule"])


class EstimateSerializer(serializers.Serializer):
    """收入测算 of one household and year beside its declaration."""

    household = serializers.UUIDField()
    year = serializers.IntegerField()
    lines = EstimateLineSerializer(many=True)
    wages = serializers.DecimalField(**MONEY)
    business = serializers.DecimalField(**MONEY)
    not_estimated = serializers.DecimalField(**MONEY, help_text="property and transfer income, as declared")
    total = serializers.DecimalField(**MONEY)
    family_size = serializers.IntegerField()
    per_capita = serializers.DecimalField(**MONEY)
    declared_net = serializers.DecimalField(allow_null=True, **MONEY)
    difference = serializers.DecimalField(allow_null=True, **MONEY)
    difference_percent = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)


class IncomeRecordViewSet(ScopedViewSet):
    """家庭收入 by household and year; written through ``services.income``. ``estimate`` gives the 收入测算."""

    queryset = IncomeRecord.objects.select_related("household").order_by("household_id", "-year")
    serializer_class = IncomeRecordSerializer
    filterset_class = IncomeRecordFilterSet
    extra_action_permissions = {"estimate": "view"}

    def _save(self, actor, household, year, data, instance=None):
        def value(name, default=None):
            return data.get(name, getattr(instance, name) if instance is not None else default)

        return income_services.income_record_save(
            actor=actor, household=household, year=year, family_size=value("family_size"),
            wage_income=value("wage_income", 0), business_income=value("business_income", 0),
            business_expense=value("business_expense", 0), property_income=value("property_income", 0),
            transfer_income=value("transfer_income", 0), notes=value("notes", ""))

    def create_object(self, *, actor, data):
        return self._save(actor, data["household"], data["year"], data)

    def update_object(self, *, actor, instance, data):
        # The household and the year identify the record: they are not changed.
        return self._save(actor, instance.household, instance.year, data, instance)

    def delete_object(self, *, actor, instance):
        income_services.income_record_delete(actor=actor, record=instance)

    @extend_schema(parameters=[OpenApiParameter("household", str, required=True, description="household UUID"),
                               OpenApiParameter("year", int, description="default: last year")],
                   responses=EstimateSerializer, filters=False)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def estimate(self, request):
        """The household's estimated income of the year (county rules × land, livestock, work) with the
        declared income and the difference."""
        try:
            year = int(request.query_params.get("year") or date.today().year - 1)
        except ValueError:
            raise ValidationError({"year": "a year, e.g. 2025"}) from None
        value = request.query_params.get("household", "")
        household = (Household.objects.restrict(request.user, "view").select_related("region").filter(uuid=value)
                     .first() if _is_uuid(value) else None)
        if household is None:
            raise NotFound()
        result = estimation.estimate_household(household, year)
        payload = {"household": household.uuid, "year": year, "lines": [line.__dict__ for line in result.lines],
                   **{name: getattr(result, name) for name in ("wages", "business", "not_estimated", "total",
                                                               "family_size", "per_capita", "declared_net",
                                                               "difference", "difference_percent")}}
        return Response(EstimateSerializer(payload).data)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class EmploymentSerializer(serializers.ModelSerializer):
    person = ScopedSlugRelatedField(slug_field="uuid", queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    method = serializers.ChoiceField(choices=choices.CollectionMethod.choices, required=False)

    class Meta:
        model = Employment
        fields = ["id", "person", "person_name", "destination_code", "destination_province", "destination_city",
                  "destination_county", "place", "industry", "employer", "job", "start_date", "end_date",
                  "monthly_income", "method"]
        read_only_fields = ["place"]


class EmploymentEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()


def _destination(data: dict, instance: Employment | None = None) -> dict:
    names = ("destination_province", "destination_city", "destination_county", "destination_code", "industry",
             "employer", "job", "start_date", "end_date", "monthly_income")
    return {name: data.get(name, getattr(instance, name) if instance is not None else None) for name in names
            if name in data or instance is not None}


class EmploymentViewSet(ScopedViewSet):
    """务工 records; ``place`` is derived from the destination; ``end`` records that the work stopped."""

    queryset = Employment.objects.select_related("person").order_by("-start_date", "-id")
    serializer_class = EmploymentSerializer
    filterset_class = EmploymentFilterSet
    extra_action_permissions = {"end": "change"}

    def create_object(self, *, actor, data):
        scope = user_scope(actor, permission_name(Employment, "add"))
        own_only = not (scope.everything or scope.codes)
        method = choices.CollectionMethod.SELF_REPORT if own_only else data.get(
            "method", choices.CollectionMethod.GRID_WORKER)
        return employment_services.employment_record(actor=actor, person=data["person"], method=method,
                                                     **_destination(data))

    def update_object(self, *, actor, instance, data):
        return employment_services.employment_update(actor=actor, employment=instance,
                                                     **_destination(data, instance))

    def delete_object(self, *, actor, instance):
        employment_services.employment_delete(actor=actor, employment=instance)

    @extend_schema(request=EmploymentEndSerializer, responses=EmploymentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """The person stopped this work on ``end_date``."""
        job = self.get_object()
        body = EmploymentEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = employment_services.employment_end(actor=request.user, employment=job,
                                                 end_date=body.validated_data["end_date"])
        return Response(EmploymentSerializer(job, context=self.get_serializer_context()).data)


class IncomeRuleSerializer(serializers.ModelSerializer):
    net_per_unit = serializers.DecimalField(read_only=True, max_digits=14, decimal_places=2)

    class Meta:
        model = IncomeRule
        fields = ["id", "county_code", "kind", "item", "unit_yield", "unit_price", "unit_income", "unit_cost",
                  "net_per_unit", "active", "notes"]
        validators = []  # the service refuses a duplicate with a message and a code


RULE_FIELDS = ("kind", "item", "unit_yield", "unit_price", "unit_income", "unit_cost", "active", "notes")


class IncomeRuleViewSet(ConfigViewSet):
    """收入测算 rules, per county: everybody reads them, county-level staff change them."""

    queryset = IncomeRule.objects.order_by("county_code", "kind", "item")
    serializer_class = IncomeRuleSerializer
    filterset_fields = ["county_code", "kind", "active"]

    def create_object(self, *, actor, data):
        return income_services.income_rule_save(actor=actor, county_code=data["county_code"],
                                                **{name: data[name] for name in RULE_FIELDS if name in data})

    def update_object(self, *, actor, instance, data):
        values = {name: data.get(name, getattr(instance, name)) for name in RULE_FIELDS}
        return income_services.income_rule_save(actor=actor, county_code=instance.county_code, rule=instance,
                                                **values)

    def delete_object(self, *, actor, instance):
        income_services.income_rule_delete(actor=actor, rule=instance)


router.register("income-records", IncomeRecordViewSet, basename="incomerecord")
router.register("employments", EmploymentViewSet, basename="employment")
router.register("income-rules", IncomeRuleViewSet, basename="incomerule")
