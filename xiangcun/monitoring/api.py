"""REST API of the 低收入人口 register and the 防返贫 monitoring.

/api/v1/risk-flags/, risk-clues/, monitoring-cases/ (+ one ``POST …/{uuid}/{step}/`` per step of the workflow,
``…/eliminate/``, and the older ``…/transition/`` kept as an alias: docs/workflows.md, "One API shape"),
case-events/, notice-objections/ (+ ``…/{id}/resolve/``), assistance-measures/, low-income-registrations/
(+ ``…/{id}/end/``); county configuration: monitoring-lines/, low-income-categories/.
Reads go through ``restrict()``; writes call ``monitoring.services``, which checks each step's own permission.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from xiangcun.core.api import ConfigViewSet, ScopedReadOnlyViewSet, ScopedSlugRelatedField, ScopedViewSet, router
from xiangcun.core.scoping import permission_name
from xiangcun.core.workflow import allowed_actions
from xiangcun.households.models import (
    Household,
)
from xiangcun.monitoring import risk, workflow
from xiangcun.monitoring import services as monitoring
from xiangcun.monitoring.choices import ClueSource
from xiangcun.monitoring.filtersets import MonitoringCaseFilterSet, RiskClueFilterSet, RiskFlagFilterSet
from xiangcun.monitoring.models import (
    AssistanceMeasure,
    CaseEvent,
    LowIncomeCategory,
    LowIncomeRegistration,
    MonitoringCase,
    MonitoringLine,
    NoticeObjection,
    RiskClue,
    RiskFlag,
)


def household_field(**kwargs) -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(slug_field="uuid", queryset=Household.objects.all(), **kwargs)


def case_field(**kwargs) -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(slug_field="uuid", queryset=MonitoringCase.objects.all(), **kwargs)


# --- warnings and clues ---------------------------------------------------------------------------------

class RiskFlagSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)
    region = serializers.CharField(source="household.region.code", read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = RiskFlag
        fields = ["id", "household", "household_number", "region", "computed_on", "level", "signals", "reasons",
                  "per_capita", "line"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons(self, flag: RiskFlag) -> list[str]:
        return [risk.signal_text(signal) for signal in flag.signals]


class RiskFlagViewSet(ScopedReadOnlyViewSet):
    """预警名单: the nightly early warning, one row per household with signals."""

    queryset = RiskFlag.objects.select_related("household__region").order_by("-level", "household_id")
    serializer_class = RiskFlagSerializer
    filterset_class = RiskFlagFilterSet


class RiskClueSerializer(serializers.ModelSerializer):
    household = household_field()
    case = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = RiskClue
        fields = ["uuid", "household", "source", "signal", "description", "amount", "occurred_on", "status", "case",
                  "created_at"]
        read_only_fields = ["status", "created_at"]


class RiskClueViewSet(ScopedViewSet):
    """风险线索: POST records one (a villager's own POST is their declaration)."""

    queryset = RiskClue.objects.select_related("household", "case").order_by("-created_at", "-id")
    serializer_class = RiskClueSerializer
    filterset_class = RiskClueFilterSet
    lookup_field = "uuid"

    def create_object(self, *, actor, data):
        return monitoring.clue_report(actor=actor, household=data["household"],
                                      source=data.get("source", ClueSource.CADRE_CHECK), signal=data["signal"],
                                      description=data.get("description", ""), amount=data.get("amount"),
                                      occurred_on=data.get("occurred_on"))


# --- cases ---------------------------------------------------------------------------------------------

class MonitoringCaseSerializer(serializers.ModelSerializer):
    household = household_field()
    category = serializers.SlugRelatedField(slug_field="code", required=False, allow_null=True,
                                            queryset=LowIncomeCategory.objects.filter(is_monitoring=True))
    inclusion = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    clues = ScopedSlugRelatedField(slug_field="uuid", queryset=RiskClue.objects.all(), many=True, required=False)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringCase
        fields = ["uuid", "household", "kind", "category", "state", "summary", "consent_signed_on", "comparison",
                  "deliberation", "notice_days", "notice_started_on", "notice_ends_on", "decided_on", "reason",
                  "inclusion", "clues", "allowed_actions", "created_at", "updated_at"]
        read_only_fields = ["kind", "state", "consent_signed_on", "comparison", "deliberation", "notice_days",
                            "notice_started_on", "notice_ends_on", "decided_on", "reason", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, case: MonitoringCase) -> list[str]:
        """The steps the caller may take now (POST each to ``…/{uuid}/{step}/``)."""
        return allowed_actions(workflow.table_for(case.kind), case.state, self.context.get("actor"), case)


class StepSerializer(serializers.Serializer):
    """The body of a step that records only a comment."""

    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ConsentStepSerializer(StepSerializer):
    consent_signed_on = serializers.DateField(help_text="the day the household signed its consent to the data "
                                                        "checks (承诺授权); not in the future")


class ComparisonStepSerializer(StepSerializer):
    comparison = serializers.CharField(allow_blank=True, help_text="the result of the information comparison")


class DeliberationStepSerializer(StepSerializer):
    deliberation = serializers.CharField(allow_blank=True, help_text="the result of the village's democratic review")
    notice_days = serializers.IntegerField(required=False, min_value=1, max_value=30,
                                           help_text="days of the public notice (default: the monitoring line's)")
    category = serializers.CharField(required=False, allow_blank=True, help_text="code of a monitoring category")


class RejectStepSerializer(StepSerializer):
    reason = serializers.CharField(allow_blank=True, help_text="why the household is not included (or why the "
                                                               "elimination is refused), told to the household")


class SendBackStepSerializer(StepSerializer):
    comment = serializers.CharField(allow_blank=True, max_length=4000, help_text="what is to be verified again")


class ApprovalStepSerializer(StepSerializer):
    category = serializers.CharField(required=False, allow_blank=True, help_text=(
        "code of a monitoring category (unstable, edge, sudden …); the county decision needs one on an inclusion "
        "case that has none"))


# The body of each manual step of workflow.py; a step added there needs its body here (checked at import).
STEP_BODIES: dict[str, type[StepSerializer]] = {
    "start_verification": StepSerializer,
    "record_consent_and_verify": ConsentStepSerializer,
    "record_comparison": ComparisonStepSerializer,
    "record_deliberation": DeliberationStepSerializer,
    "end_notice": StepSerializer,
    "township_approve": ApprovalStepSerializer,
    "county_approve": ApprovalStepSerializer,
    "send_back": SendBackStepSerializer,
    "reject": RejectStepSerializer,
}


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="a step of the workflow, e.g. start_verification, township_approve")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    fields = serializers.DictField(required=False, default=dict, help_text=(
        "what the step records: consent_signed_on (record_consent_and_verify), comparison (record_comparison), "
        "deliberation and notice_days (record_deliberation), reason (reject), category code (approvals)"))


class EliminationSerializer(serializers.Serializer):
    reasons = serializers.CharField()


class MonitoringCaseViewSet(ScopedViewSet):
    """监测帮扶 cases: POST opens an inclusion case; the workflow moves one step at a time, ``POST …/{step}/``
    (the steps are added below, one per manual step of workflow.py)."""

    queryset = (MonitoringCase.objects.select_related("household", "region", "category", "inclusion")
                .prefetch_related(Prefetch("clues", queryset=RiskClue.objects.only("uuid", "case_id")))
                .order_by("-created_at", "-id"))
    serializer_class = MonitoringCaseSerializer
    filterset_class = MonitoringCaseFilterSet
    lookup_field = "uuid"
    extra_action_permissions = {"transition": "change", "eliminate": "add",
                                **dict.fromkeys(workflow.MANUAL_STEPS, "change")}

    def create_object(self, *, actor, data):
        return monitoring.case_open(actor=actor, household=data["household"], clues=data.get("clues", []),
                                    category=data.get("category"), summary=data.get("summary", ""))

    def case_and_body(self, request, body_class: type[serializers.Serializer]) -> tuple[MonitoringCase, dict]:
        """The case (out of scope: 404, before anything else is said) and the step's validated body."""
        case = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        return case, dict(body.validated_data)

    def take_step(self, request, case: MonitoringCase, step: str, comment: str, fields: dict) -> Response:
        """Take one step; the step's own permission (village, township, county) is checked in the case's region."""
        monitoring.case_transition(actor=request.user, case=case, action=step, comment=comment, **fields)
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=TransitionSerializer, responses=MonitoringCaseSerializer, deprecated=True)
    @action(detail=True, methods=["post"])
    def transition(self, request, uuid=None):
        """The older generic shape, kept for outside clients: ``action`` names the step, ``fields`` its data.
        Prefer ``POST …/{uuid}/{step}/``, whose body the schema states step by step."""
        case, body = self.case_and_body(request, TransitionSerializer)
        return self.take_step(request, case, body["action"], body["comment"], body["fields"])

    @extend_schema(request=EliminationSerializer, responses=MonitoringCaseSerializer)
    @action(detail=True, methods=["post"])
    def eliminate(self, request, uuid=None):
        """Open a 风险消除 case for this (assisting) inclusion case."""
        case = self.get_object()
        body = EliminationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        elimination = monitoring.elimination_open(actor=request.user, inclusion_case=case,
                                                  reasons=body.validated_data["reasons"])
        return Response(self.get_serializer(elimination).data, status=201)


def _step_action(step: str):
    """``POST …/{uuid}/{step}/`` for one manual step of the workflow, with the step's own body."""
    body_class = STEP_BODIES[step]
    steps = [(kind, state, transition) for kind, table in workflow.TABLES.items()
             for (state, name), transition in table.items() if name == step]
    who = sorted({permission_name(MonitoringCase, transition.permission) for _kind, _state, transition in steps})
    description = "; ".join(f"{kind}: {state} → {transition.next_state}" for kind, state, transition in steps)

    def take(self, request, uuid=None):
        case, fields = self.case_and_body(request, body_class)
        comment = fields.pop("comment")
        return self.take_step(request, case, step, comment, fields)

    take.__name__ = take.__qualname__ = step  # the router finds the handler by this name
    take = action(detail=True, methods=["post"], url_path=step, url_name=step.replace("_", "-"))(take)
    return extend_schema(request=body_class, responses=MonitoringCaseSerializer,
                         summary=steps[0][2].label,
                         description=f"{description}. Permission in the case's region: {', '.join(who)}.")(take)


for _step in workflow.MANUAL_STEPS:
    if _step not in STEP_BODIES:
        raise ImproperlyConfigured(f"monitoring.api: the step {_step!r} of workflow.py has no body in STEP_BODIES")
    setattr(MonitoringCaseViewSet, _step, _step_action(_step))


class CaseEventSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    actor = serializers.StringRelatedField()
    # Plain strings: the states are the enum of monitoring-cases' ``state`` (one enum name in the schema).
    from_state = serializers.CharField(read_only=True, help_text="a state of monitoring-cases, or empty")
    to_state = serializers.CharField(read_only=True, help_text="a state of monitoring-cases")

    class Meta:
        model = CaseEvent
        fields = ["id", "case", "action", "from_state", "to_state", "actor", "at", "comment", "data"]


class CaseEventViewSet(ScopedReadOnlyViewSet):
    """The timeline of cases: immutable, written only by the workflow."""

    queryset = CaseEvent.objects.select_related("case", "actor").order_by("at", "id")
    serializer_class = CaseEventSerializer
    filterset_fields = ["action"]


class NoticeObjectionSerializer(serializers.ModelSerializer):
    case = case_field()
    resolved_by = serializers.StringRelatedField()

    class Meta:
        model = NoticeObjection
        fields = ["id", "case", "raised_by", "content", "status", "resolution", "resolved_by", "resolved_at",
                  "created_at"]
        read_only_fields = ["status", "resolution", "resolved_at", "created_at"]


class ResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="true: the case goes back for re-verification; false: notice resumes")
    resolution = serializers.CharField()


class NoticeObjectionViewSet(ScopedViewSet):
    """公示异议: POST records one and pauses the notice; ``resolve`` decides it."""

    queryset = NoticeObjection.objects.select_related("case", "resolved_by").order_by("-created_at", "-id")
    serializer_class = NoticeObjectionSerializer
    filterset_fields = ["status"]
    extra_action_permissions = {"resolve": "change"}

    def create_object(self, *, actor, data):
        return monitoring.objection_raise(actor=actor, case=data["case"], raised_by=data["raised_by"],
                                          content=data["content"])

    @extend_schema(request=ResolveSerializer, responses=NoticeObjectionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        objection = self.get_object()
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        monitoring.objection_resolve(actor=request.user, objection=objection, **body.validated_data)
        return Response(self.get_serializer(objection).data)


class AssistanceMeasureSerializer(serializers.ModelSerializer):
    case = case_field()
    responsible = serializers.StringRelatedField()

    class Meta:
        model = AssistanceMeasure
        fields = ["id", "case", "kind", "description", "start_date", "end_date", "responsible", "responsible_name",
                  "amount", "status"]
        extra_kwargs = {"responsible_name": {"required": False}}


class AssistanceMeasureViewSet(ScopedViewSet):
    """帮扶措施 of households under assistance."""

    queryset = AssistanceMeasure.objects.select_related("case", "responsible").order_by("start_date", "id")
    serializer_class = AssistanceMeasureSerializer
    filterset_fields = ["kind", "status"]

    def create_object(self, *, actor, data):
        fields = {key: value for key, value in data.items() if key != "case"}
        if not fields.get("responsible_name"):
            fields["responsible"] = actor
        return monitoring.measure_add(actor=actor, case=data["case"], **fields)

    def update_object(self, *, actor, instance, data):
        return monitoring.measure_update(actor=actor, measure=instance, description=data.get("description"),
                                         end_date=data.get("end_date"), status=data.get("status"),
                                         amount=data.get("amount"), responsible_name=data.get("responsible_name"))


class LowIncomeRegistrationSerializer(serializers.ModelSerializer):
    household = household_field()
    category = serializers.SlugRelatedField(slug_field="code", queryset=LowIncomeCategory.objects.all())
    case = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = LowIncomeRegistration
        fields = ["id", "household", "category", "start_date", "end_date", "end_reason", "case", "is_current"]
        read_only_fields = ["end_date", "end_reason"]


class RegistrationEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason = serializers.CharField()


class LowIncomeRegistrationViewSet(ScopedViewSet):
    """低收入人口 register: POST enters a 低保/特困 household (monitoring types come from the workflow)."""

    queryset = LowIncomeRegistration.objects.select_related("household", "category", "case").order_by(
        "-start_date", "-id")
    serializer_class = LowIncomeRegistrationSerializer
    filterset_fields = {"category__code": ["exact"], "end_date": ["isnull"]}
    extra_action_permissions = {"end": "change"}

    def create_object(self, *, actor, data):
        return monitoring.registration_add(actor=actor, household=data["household"], category=data["category"],
                                           start_date=data["start_date"])

    @extend_schema(request=RegistrationEndSerializer, responses=LowIncomeRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        registration = self.get_object()
        body = RegistrationEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        monitoring.registration_end(actor=request.user, registration=registration, **body.validated_data)
        return Response(self.get_serializer(registration).data)


# --- county configuration ------------------------------------------------------------------------------

class MonitoringLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringLine
        fields = ["id", "province_code", "year", "amount", "near_ratio", "drop_percent", "notice_days"]


class MonitoringLineViewSet(ConfigViewSet):
    """防返贫监测线 per province and year (county-level staff change it)."""

    queryset = MonitoringLine.objects.order_by("province_code", "-year")
    serializer_class = MonitoringLineSerializer
    filterset_fields = ["province_code", "year"]

    def create_object(self, *, actor, data):
        return monitoring.monitoring_line_save(actor=actor, **data)

    def update_object(self, *, actor, instance, data):
        values = {name: data.get(name, getattr(instance, name)) for name in MonitoringLineSerializer.Meta.fields
                  if name != "id"}
        return monitoring.monitoring_line_save(actor=actor, line=instance, **values)

    def delete_object(self, *, actor, instance):
        monitoring.monitoring_line_delete(actor=actor, line=instance)


class LowIncomeCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = LowIncomeCategory
        fields = ["id", "code", "name", "is_monitoring", "order", "active"]


class LowIncomeCategoryViewSet(ConfigViewSet):
    """Types of the low-income register (a county adds its own)."""

    queryset = LowIncomeCategory.objects.order_by("order", "code")
    serializer_class = LowIncomeCategorySerializer

    def create_object(self, *, actor, data):
        return monitoring.low_income_category_save(actor=actor, **data)

    def update_object(self, *, actor, instance, data):
        values = {name: data.get(name, getattr(instance, name)) for name in LowIncomeCategorySerializer.Meta.fields
                  if name != "id"}
        return monitoring.low_income_category_save(actor=actor, category=instance, **values)


router.register("risk-flags", RiskFlagViewSet, basename="riskflag")
router.register("risk-clues", RiskClueViewSet, basename="riskclue")
router.register("monitoring-cases", MonitoringCaseViewSet, basename="monitoringcase")
router.register("case-events", CaseEventViewSet, basename="caseevent")
router.register("notice-objections", NoticeObjectionViewSet, basename="noticeobjection")
router.register("assistance-measures", AssistanceMeasureViewSet, basename="assistancemeasure")
router.register("low-income-registrations", LowIncomeRegistrationViewSet, basename="lowincomeregistration")
router.register("monitoring-lines", MonitoringLineViewSet, basename="monitoringline")
router.register("low-income-categories", LowIncomeCategoryViewSet, basename="lowincomecategory")
