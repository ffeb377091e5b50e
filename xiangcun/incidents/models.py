"""网格事件 / 随手拍 / 一网统管: incidents from every source in one loop, report → dispatch → handle → close → rate.

An incident belongs to the village where it happened (``region``) and is visible to the cadres of
that village and above; a villager sees the incidents they reported (``scope_owner_lookup``). Who
*holds* it — dispatches and closes it — is the village, or the township or the county after an
escalation (``level``); the state machine lives in ``workflow.py``, every write in ``services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.core.crypto import EncryptedTextField
from xiangcun.core.masking import mask_phone
from xiangcun.core.models import RegionScopedModel, ScopedManager, TimeStampedModel
from xiangcun.incidents import choices
from xiangcun.regions.choices import CODE_LENGTH

# ---------------------------------------------------------------------------------------------
# County configuration


class Category(models.Model):
    """事件分类 — a node of the county's category tree, with its default handler and deadlines per stage."""

    parent = models.ForeignKey("self", verbose_name=_("parent category"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    default_priority = models.CharField(_("default priority"), max_length=10, choices=choices.Priority.choices,
                                        default=choices.Priority.NORMAL)
    default_public = models.BooleanField(
        _("reports are public by default"), default=True,
        help_text=_("Disputes and personal matters should stay private: only the people handling them see them."))
    is_dispute = models.BooleanField(_("dispute (counts for the mediation rate)"), default=False)  # 矛盾纠纷
    default_assignee_kind = models.CharField(_("default handler"), max_length=12,
                                             choices=choices.AssigneeKind.choices, default=choices.AssigneeKind.GRID)
    default_department = models.ForeignKey("accounts.Department", verbose_name=_("default department"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="+")
    accept_hours = models.PositiveIntegerField(_("hours to accept"), default=4)
    dispatch_hours = models.PositiveIntegerField(_("hours to dispatch"), default=4)
    handle_hours = models.PositiveIntegerField(_("hours to handle"), default=72)
    check_hours = models.PositiveIntegerField(_("hours to check and close"), default=24)
    overdue_action = models.CharField(_("when overdue"), max_length=12, choices=choices.OverdueAction.choices,
                                      default=choices.OverdueAction.SUPERVISE)
    escalate_after_hours = models.PositiveIntegerField(
        _("act after overdue for (hours)"), default=24,
        help_text=_("How long an incident may stay overdue before the rule above acts; 0 acts at once."))
    reopen_days = models.PositiveSmallIntegerField(_("reporter may reopen within (days)"), default=7)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")

    def __str__(self) -> str:
        return self.name

    def hours_for(self, stage: str) -> int:
        return {
            choices.Stage.ACCEPT: self.accept_hours, choices.Stage.DISPATCH: self.dispatch_hours,
            choices.Stage.HANDLE: self.handle_hours, choices.Stage.CHECK: self.check_hours,
        }[stage]


class DispatchRule(RegionScopedModel):
    """分拨规则 — in a county or township: incidents of this category go to this kind of handler.

    The rule of the nearest region above the incident wins; a category without a rule falls back to the
    category's default handler. ``category`` also covers its sub-categories.
    """

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="dispatch_rules")
    assignee_kind = models.CharField(_("handler"), max_length=12, choices=choices.AssigneeKind.choices)
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["region__code", "category__order"]
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")
        constraints = [models.UniqueConstraint(fields=["region", "category"], name="unique_dispatch_rule")]

    def __str__(self) -> str:
        return f"{self.category} → {self.get_assignee_kind_display()}"


# ---------------------------------------------------------------------------------------------
# Incidents


class Incident(RegionScopedModel):
    """事件 — one problem reported in a village, from any source, on its way to the reporter's rating."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("tracking code"), max_length=30, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=choices.Source.choices, db_index=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="incidents")
    description = models.TextField(_("description"), max_length=2000)
    priority = models.CharField(_("priority"), max_length=10, choices=choices.Priority.choices,
                                default=choices.Priority.NORMAL)
    is_public = models.BooleanField(_("public"), default=True)

    # where (region, the village, comes from RegionScopedModel)
    grid = models.ForeignKey("regions.Grid", verbose_name=_("grid"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="incidents")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("place"), max_length=200, blank=True)

    # who
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="incidents_reported")
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True, default="")
    reporter_phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    household = models.ForeignKey("households.Household", verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="incidents")
    client_key = models.CharField(_("client key"), max_length=64, null=True, blank=True, unique=True,
                                  editable=False)
    open311_key = models.ForeignKey("incidents.Open311Key", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="incidents", editable=False)

    # where it stands
    state = models.CharField(_("state"), max_length=12, choices=choices.State.choices,
                             default=choices.State.REPORTED, db_index=True)
    level = models.PositiveSmallIntegerField(_("held by"), choices=choices.HoldingLevel.choices,
                                             default=choices.HoldingLevel.VILLAGE)
    assignee_kind = models.CharField(_("dispatched to"), max_length=12, choices=choices.AssigneeKind.choices,
                                     blank=True)
    assigned_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="incidents_assigned")
    assigned_department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True,
                                            blank=True, on_delete=models.SET_NULL, related_name="incidents")
    assigned_region = models.ForeignKey("regions.Region", verbose_name=_("handling office"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")

    # clocks
    stage_deadline = models.DateTimeField(_("deadline of the current step"), null=True, blank=True, db_index=True)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    overdue_count = models.PositiveSmallIntegerField(_("times overdue"), default=0)
    overdue_acted = models.BooleanField(default=False, editable=False)  # the category's overdue rule has run
    supervised = models.BooleanField(_("under supervision"), default=False, db_index=True)  # 督办
    supervised_at = models.DateTimeField(_("supervised since"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    started_at = models.DateTimeField(_("handling started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_level = models.PositiveSmallIntegerField(_("closed by"), choices=choices.HoldingLevel.choices,
                                                    null=True, blank=True)

    # outcome
    result = models.TextField(_("result"), max_length=2000, blank=True)
    reject_reason = models.CharField(_("reason for not accepting"), max_length=300, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="merged")
    possible_duplicate_of = models.ForeignKey("self", verbose_name=_("possible duplicate of"), null=True,
                                              blank=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.CharField(_("comment on the rating"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by_callback = models.BooleanField(_("rating taken by telephone callback"), default=False)  # 回访
    low_rating = models.BooleanField(_("low rating"), default=False, db_index=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    scope_owner_lookup = "reporter"

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        permissions = [
            ("dispatch_incident", _("Can accept, dispatch, escalate and close incidents")),
            ("handle_incident", _("Can handle incidents dispatched to them")),
            ("supervise_incident", _("Can supervise incidents held below")),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="incident_state_created"),
            # The console's state tabs count over every incident in scope with its filters: covered by one index.
            models.Index(fields=["region", "state", "category", "overdue", "stage_deadline"],
                         name="incident_console_counts"),
            models.Index(fields=["category", "created_at"], name="incident_category_created"),
            models.Index(fields=["lat", "lng"], name="incident_lat_lng"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.code])

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone) if self.reporter_phone else ""

    @property
    def is_open(self) -> bool:
        return self.state in choices.OPEN_STATES

    @property
    def holder_code(self) -> str:
        """The division code of whoever holds the incident: its village, or its township or county."""
        return self.region.code[: CODE_LENGTH[self.level]]

    @property
    def is_late(self) -> bool:
        """Overdue now, whether or not the periodic job has marked it yet."""
        return self.overdue or (self.is_open and self.stage_deadline is not None
                                and self.stage_deadline < timezone.now())

    # --- refinements of the workflow's permission check (core.workflow.may_perform) -------------

    def workflow_scope_code(self, permission: str) -> str:
        """Dispatching and supervising are done where the incident is held; handling where it was sent to;
        other steps where it happened."""
        if permission.endswith((".dispatch_incident", ".supervise_incident")):
            return self.holder_code
        if (permission.endswith(".handle_incident") and self.assigned_region_id is not None
                and self.assignee_kind in (choices.AssigneeKind.VILLAGE, choices.AssigneeKind.TOWNSHIP)):
            return self.assigned_region.code
        return self.region.code

    def workflow_allows(self, user, transition) -> bool:
        from xiangcun.incidents.workflow import allows

        return allows(self, user, transition)


class IncidentPhoto(models.Model):
    """事件照片 — a decoded, EXIF-stripped image of the report or of the handling, with its thumbnail."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="photos")
    stage = models.CharField(_("taken at"), max_length=10, choices=choices.PhotoStage.choices,
                             default=choices.PhotoStage.REPORT)
    image = models.ImageField(_("photo"), upload_to="incidents/%Y/%m/", width_field="width",
                              height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="incidents/%Y/%m/thumbs/")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    size = models.PositiveIntegerField(_("bytes"), default=0, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_code_lookup = "incident__region__code"
    scope_owner_lookup = "incident__reporter"

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("incident photo")
        verbose_name_plural = _("incident photos")

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.stage}"


class IncidentEvent(models.Model):
    """事件时间线 — an immutable row: who did what and when; internal notes are not public."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    scope_code_lookup = "incident__region__code"
    scope_owner_lookup = "incident__reporter"

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.action}"


class Patrol(RegionScopedModel):
    """巡查 — a grid worker's round through a grid; what they find is reported as incidents of source 巡查."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid worker"), on_delete=models.PROTECT,
                               related_name="patrols")
    grid = models.ForeignKey("regions.Grid", verbose_name=_("grid"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="patrols")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    track = models.JSONField(_("track ([lng, lat] points)"), default=list, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    incidents = models.ManyToManyField(Incident, verbose_name=_("findings"), blank=True, related_name="patrols")

    scope_owner_lookup = "worker"

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"


class DailyCounter(models.Model):
    """The last sequence number handed out on a day, for tracking codes ``ZQ-20261122-0007``."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tracking-code counter")
        verbose_name_plural = _("tracking-code counters")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Open311Key(TimeStampedModel):
    """Open311 API key — lets an outside system post service requests into one region; stored hashed."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
