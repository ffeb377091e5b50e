"""Base models and the scoped queryset every region-owned model uses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.scoping import permission_name, scope_q, user_scope


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the one scope: ``Model.objects.restrict(user, "view")``."""

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows of this queryset that ``user`` may ``action``; none when the user lacks the permission.

        This is the only place where rows are limited by region (DESIGN.md §1). Views, the API and
        services call it; nothing filters by region by hand.
        """
        scope = user_scope(user, permission_name(self.model, action))
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        condition = scope_q(self.model, scope, user)
        if condition is None:
            return self.none()
        queryset = self.filter(condition)
        if getattr(self.model, "scope_distinct", False):
            queryset = queryset.distinct()
        return queryset


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class TimeStampedModel(models.Model):
    """Creation and change times on every business row."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class RegionScopedModel(TimeStampedModel):
    """A row owned by a region: visible to users whose assigned regions contain that region."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )

    scope_code_lookup = "region__code"

    objects = ScopedManager()

    class Meta:
        abstract = True


class SystemSetting(models.Model):
    """A named platform-wide value (e.g. whether demo data is loaded)."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("system setting")
        verbose_name_plural = _("system settings")

    def __str__(self) -> str:
        return self.key

    @classmethod
    def get(cls, key: str, default=None):
        row = cls.objects.filter(key=key).values_list("value", flat=True).first()
        return default if row is None else row

    @classmethod
    def put(cls, key: str, value) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """A job is seen by the person who uploaded the file, and by superusers; by nobody else."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self if user.is_superuser else self.filter(created_by=user)


class ImportJob(models.Model):
    """导入任务 — one uploaded Excel file on its way through validation and writing, with its per-row report.

    Long imports run in the background (Huey); the page polls ``processed`` / ``total``. The uploaded file
    is kept under ``MEDIA_ROOT/imports/`` until the job finishes, then deleted.
    """

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("Import nothing if any row fails")
        VALID_ONLY = "valid", _("Import only the valid rows")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    file_name = models.CharField(_("file name"), max_length=200)
    stored_file = models.CharField(max_length=300, blank=True, editable=False)
    language = models.CharField(max_length=10, blank=True, editable=False)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows checked"), default=0)
    valid_count = models.PositiveIntegerField(_("valid rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("records written"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    # What the import wrote, for "show what was imported": the ids of the rows of the model its importer names
    # (``Importer.written_ids``; the households importers: the households they registered or added to).
    written_ids = models.JSONField(_("rows written"), default=list, blank=True, editable=False)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else (100 if self.finished else 0)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """A person's notifications are theirs alone: nobody else reads them, superusers included."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """站内通知 — one message in a person's notification centre (an incident assigned, overdue, rated …).

    Written by ``core.notify.notify`` after the business change commits; other channels (email, SMS,
    WeChat) are sent from the same call through pluggable adapters.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title
