"""REST API of the incident loop: /api/v1/incidents/ (+ steps), /api/v1/incident-categories/,
/api/v1/dispatch-rules/, /api/v1/patrols/ (documented in /api/schema/ and docs/incidents-api.md).

Reads go through ``restrict()`` (another village's incident is 404), writes through ``services``; a refused
step answers the service's code and message (``state_changed`` 409 when someone else was quicker).
"""

from __future__ import annotations

import json

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from xiangcun.accounts.models import Department, User
from xiangcun.core.api import ConfigViewSet, ScopedReadOnlyViewSet, ScopedViewSet, router
from xiangcun.core.errors import ServiceError
from xiangcun.core.scoping import user_scope
from xiangcun.core.workflow import transition_for
from xiangcun.incidents import choices, services
from xiangcun.incidents.errors import ErrorCode
from xiangcun.incidents.filtersets import IncidentFilterSet
from xiangcun.incidents.models import Category, DispatchRule, Incident, IncidentEvent, IncidentPhoto, Patrol
from xiangcun.incidents.serializers import (
    IncidentCallbackRateSerializer,
    IncidentCategorySerializer,
    IncidentCommentSerializer,
    IncidentDetailSerializer,
    IncidentDispatchRuleSerializer,
    IncidentDispatchSerializer,
    IncidentEventSerializer,
    IncidentMergeSerializer,
    IncidentNoteSerializer,
    IncidentPatrolSerializer,
    IncidentPhotoSerializer,
    IncidentRateSerializer,
    IncidentRejectSerializer,
    IncidentReportSerializer,
    IncidentResolveSerializer,
    IncidentSerializer,
)
from xiangcun.incidents.services import config
from xiangcun.incidents.workflow import TABLE
from xiangcun.regions.models import Grid, Region


class JPEGRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``image/jpeg``; the photo view answers the file itself."""

    media_type = "image/jpeg"
    format = "jpg"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()

# Steps that take only a comment, and the service that applies each.
COMMENT_STEPS = {
    "accept": services.incident_accept,
    "start": services.incident_start,
    "send_back": services.incident_send_back,
    "close": services.incident_close,
    "rework": services.incident_rework,
    "escalate": services.incident_escalate,
    "supervise": services.incident_supervise,
    "reopen": services.incident_reopen,
}


def sees_internal_events(user, incident: Incident) -> bool:
    """Staff of the incident's regions read internal notes; a reporter who sees it as their own does not."""
    return user_scope(user, "incidents.view_incident").covers_code(incident.region.code)


class IncidentViewSet(ScopedViewSet):
    """事件: the list takes the console's filters (``state``, ``category``, ``region``, ``overdue`` …);
    ``POST`` reports one (idempotent on ``client_key`` / ``Idempotency-Key``); each step is a ``POST`` on
    ``/api/v1/incidents/{code}/{step}/``."""

    queryset = (Incident.objects.select_related(
        "category", "region", "grid", "assigned_user", "assigned_department", "assigned_region", "duplicate_of",
        "possible_duplicate_of").order_by("-created_at", "-id"))
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    lookup_field = "code"
    http_method_names = ["get", "post", "head", "options"]
    # Steps read the incident as visible ("view"); the service checks the step's own permission in its region.
    extra_action_permissions = dict.fromkeys((*COMMENT_STEPS, "reject", "dispatch_to", "reassign", "resolve", "rate",
                                              "rate_callback", "merge", "notes", "events", "photos", "photo_file",
                                              "stats"), "view")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("photos", queryset=IncidentPhoto.objects.order_by("created_at", "id")))
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return IncidentDetailSerializer
        if self.action == "create":
            return IncidentReportSerializer
        return super().get_serializer_class()

    def _answer(self, incident: Incident, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(IncidentSerializer(incident, context=self.get_serializer_context()).data, status=status_code)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=IncidentReportSerializer, responses={
        201: IncidentSerializer, 200: OpenApiResponse(IncidentSerializer, description="a repeat of a client_key")})
    def create(self, request, *args, **kwargs):
        data = self._input(IncidentReportSerializer)
        client_key = data.get("client_key") or request.headers.get("Idempotency-Key") or None
        report = services.ReportInput(
            category=data["category"], description=data["description"], source=data["source"], lat=data.get("lat"),
            lng=data.get("lng"), coordinate_system=data["coordinate_system"], region=data.get("region"),
            grid=data.get("grid"), address=data["address"], priority=data.get("priority"),
            is_public=data.get("is_public"), reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"], household=data.get("household"), client_key=client_key,
            photos=data["photos"])
        result = services.incident_report(actor=request.user, data=report)
        return self._answer(result.incident, status_code=status.HTTP_201_CREATED if result.created else 200)

    # --- the steps ----------------------------------------------------------------------------------------

    def _comment_step(self, name: str) -> Response:
        incident = self.get_object()
        COMMENT_STEPS[name](actor=self.request.user, incident=incident, comment=self._input(IncidentCommentSerializer)[
            "comment"])
        return self._answer(incident)

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, code=None):
        """受理."""
        return self._comment_step("accept")

    @extend_schema(request=IncidentRejectSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, code=None):
        """不予受理, with the reason the reporter is told."""
        incident = self.get_object()
        reason = self._input(IncidentRejectSerializer)["reason"]
        services.incident_reject(actor=request.user, incident=incident, reason=reason)
        return self._answer(incident)

    @extend_schema(request=IncidentDispatchSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request, code=None):  # not "dispatch": that is the view's own method
        """分拨 or 改派: ``kind`` user|grid|village|township|department and ``target`` (user id, grid code,
        township code, department id); no ``kind``: the dispatch rules decide."""
        incident = self.get_object()
        data = self._input(IncidentDispatchSerializer)
        services.incident_dispatch(actor=request.user, incident=incident, comment=data["comment"],
                                   assignment=self._assignment(incident, data.get("kind") or "", data["target"]))
        return self._answer(incident)

    @extend_schema(request=IncidentDispatchSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, code=None):
        """改派: dispatch an incident that is already dispatched or in hand to someone else (the same body as
        ``dispatch``, which does this too on such an incident)."""
        incident = self.get_object()
        transition_for(TABLE, incident.state, "reassign")
        return self.dispatch_to(request, code=code)

    @staticmethod
    def _assignment(incident: Incident, kind: str, target: str) -> services.Assignment | None:
        if not kind:
            return None
        target = target.strip()
        found = None
        if kind == choices.AssigneeKind.USER:
            found = User.objects.filter(pk=int(target), is_active=True).first() if target.isdigit() else None
            if found is None:
                raise ServiceError(_missing(), code=ErrorCode.INVALID_ASSIGNEE, field="target")
            return services.Assignment(kind, user=found)
        if kind == choices.AssigneeKind.DEPARTMENT:
            found = Department.objects.filter(pk=int(target)).select_related("region").first() \
                if target.isdigit() else None
            if found is None:
                raise ServiceError(_missing(), code=ErrorCode.INVALID_ASSIGNEE, field="target")
            return services.Assignment(kind, department=found)
        if kind == choices.AssigneeKind.GRID and target:
            found = Grid.objects.filter(code=target).first()
            if found is None:
                raise ServiceError(_missing(), code=ErrorCode.INVALID_ASSIGNEE, field="target")
            return services.Assignment(kind, grid=found)
        if kind == choices.AssigneeKind.TOWNSHIP and target:
            found = Region.objects.filter(code=target).first()
            if found is None:
                raise ServiceError(_missing(), code=ErrorCode.INVALID_ASSIGNEE, field="target")
            return services.Assignment(kind, region=found)
        return services.Assignment(kind)

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, code=None):
        """开始处置 (the assignee)."""
        return self._comment_step("start")

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def send_back(self, request, code=None):
        """退单: not ours (the assignee; a reason is required)."""
        return self._comment_step("send_back")

    @extend_schema(request={"multipart/form-data": IncidentResolveSerializer,
                            "application/json": IncidentResolveSerializer}, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, code=None):
        """已处置: the result and at least one photo (multipart ``photos``, or photos added before)."""
        incident = self.get_object()
        data = self._input(IncidentResolveSerializer)
        services.incident_resolve(actor=request.user, incident=incident, result=data["result"], photos=data["photos"])
        return self._answer(incident)

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, code=None):
        """办结 (the dispatcher, after checking)."""
        return self._comment_step("close")

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def rework(self, request, code=None):
        """退回 for more work (a reason is required)."""
        return self._comment_step("rework")

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, code=None):
        """上报 to the level above (a reason is required)."""
        return self._comment_step("escalate")

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request, code=None):
        """督办 from a level above the holder (a reason is required)."""
        return self._comment_step("supervise")

    @extend_schema(request=IncidentRateSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, code=None):
        """评价 1–5 by the reporter, or recorded from a callback (``callback: true``) by a dispatcher."""
        incident = self.get_object()
        data = self._input(IncidentRateSerializer)
        services.incident_rate(actor=request.user, incident=incident, rating=data["rating"], comment=data["comment"],
                               callback=data["callback"])
        return self._answer(incident)

    @extend_schema(request=IncidentCallbackRateSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def rate_callback(self, request, code=None):
        """评价 recorded by a dispatcher from a telephone callback (回访): the same as ``rate`` with ``callback``."""
        incident = self.get_object()
        data = self._input(IncidentCallbackRateSerializer)
        services.incident_rate(actor=request.user, incident=incident, rating=data["rating"], comment=data["comment"],
                               callback=True)
        return self._answer(incident)

    @extend_schema(request=IncidentCommentSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, code=None):
        """Not solved: the reporter reopens (within the category's days; say what is still wrong)."""
        return self._comment_step("reopen")

    @extend_schema(request=IncidentMergeSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, code=None):
        """Merge this duplicate into another open incident (``into``: its tracking code)."""
        incident = self.get_object()
        data = self._input(IncidentMergeSerializer)
        into = services.fetch_for(request.user, data["into"].strip())
        services.incident_merge(actor=request.user, incident=incident, into=into, comment=data["comment"])
        return self._answer(incident)

    @extend_schema(request={"multipart/form-data": IncidentNoteSerializer, "application/json": IncidentNoteSerializer},
                   responses={201: IncidentEventSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, code=None):
        """An internal note (``public: false``) or a public update the reporter is told of."""
        incident = self.get_object()
        data = self._input(IncidentNoteSerializer)
        event = services.incident_add_note(actor=request.user, incident=incident, text=data["text"],
                                           public=data["public"], photos=data["photos"])
        return Response(IncidentEventSerializer(event).data, status=status.HTTP_201_CREATED)

    # --- reading around an incident -----------------------------------------------------------------------

    # Neither the list's filters nor its pages apply to one incident's timeline or photos (the schema offered
    # them, and a category that does not exist answered 400 there).
    @extend_schema(responses=IncidentEventSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def events(self, request, code=None):
        """The timeline; internal notes only for staff of the incident's regions (never for its reporter)."""
        incident = self.get_object()
        events = IncidentEvent.objects.filter(incident=incident).select_related("actor").order_by("created_at", "id")
        if not sees_internal_events(request.user, incident):
            events = events.filter(is_public=True)
        return Response(IncidentEventSerializer(events, many=True).data)

    @extend_schema(responses=IncidentPhotoSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def photos(self, request, code=None):
        """Photos of the report and of the handling."""
        incident = self.get_object()
        photos = IncidentPhoto.objects.filter(incident=incident).select_related("incident").order_by("created_at", "id")
        return Response(IncidentPhotoSerializer(photos, many=True, context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY}, parameters=[
        OpenApiParameter("size", str, enum=["full", "thumb"], description="thumb: at most 320 px")])
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)", url_name="photo-file",
            renderer_classes=[JPEGRenderer, JSONRenderer])
    def photo_file(self, request, code=None, photo_id=None):
        """One photo (EXIF already stripped) or its thumbnail."""
        incident = self.get_object()
        photo = get_object_or_404(IncidentPhoto, pk=photo_id, incident=incident)
        field = photo.thumbnail if request.query_params.get("size") == "thumb" else photo.image
        if not field:
            raise Http404
        response = FileResponse(field.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response

    @extend_schema(responses=inline_serializer("IncidentStatistics", {
        "counts": serializers.DictField(help_text="see selectors.incident_statistics")}))
    @action(detail=False, methods=["get"])
    def stats(self, request):
        """Figures over the incidents the caller sees, with the list's filters (``region``, ``created_after`` …)."""
        from xiangcun.incidents.selectors import incident_statistics

        return Response(incident_statistics(self.filter_queryset(self.get_queryset())))


def _missing() -> str:
    return _("The chosen handler does not exist.")


class CategoryViewSet(ConfigViewSet):
    """事件分类: the county's category tree; everyone reads it, county-level staff change it."""

    queryset = Category.objects.select_related("parent").order_by("order", "code")
    serializer_class = IncidentCategorySerializer
    lookup_field = "code"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_object(self, *, actor, data):
        return config.category_create(actor=actor, **data)

    def update_object(self, *, actor, instance, data):
        return config.category_update(actor=actor, category=instance, **data)


class DispatchRuleViewSet(ScopedViewSet):
    """分拨规则 of a county or township: category → handler kind (and department)."""

    queryset = DispatchRule.objects.select_related("region", "category", "department").order_by(
        "region__code", "category__order", "id")
    serializer_class = IncidentDispatchRuleSerializer
    filterset_fields = ["active"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_object(self, *, actor, data):
        return config.dispatch_rule_create(actor=actor, **data)

    def update_object(self, *, actor, instance, data):
        fields = {name: value for name, value in data.items() if name != "region"}
        return config.dispatch_rule_update(actor=actor, rule=instance, **fields)


class PatrolViewSet(ScopedReadOnlyViewSet):
    """巡查: grid workers' rounds (a villager's phone does not patrol; the phone pages record them)."""

    queryset = (Patrol.objects.select_related("region", "grid", "worker")
                .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id", "code")))
                .order_by("-started_at", "-id"))
    serializer_class = IncidentPatrolSerializer


router.register("incidents", IncidentViewSet, basename="incident")
router.register("incident-categories", CategoryViewSet, basename="category")
router.register("dispatch-rules", DispatchRuleViewSet, basename="dispatchrule")
router.register("patrols", PatrolViewSet, basename="patrol")
