"""Serializers of the incident API: what is read (masked, codes instead of ids) and what each step takes.

Writes never go through ``serializer.save()``: the viewsets hand the validated data to ``services``.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from xiangcun.accounts.models import Department
from xiangcun.core.api import ScopedSlugRelatedField
from xiangcun.households.models import Household
from xiangcun.incidents import choices
from xiangcun.incidents.models import Category, DispatchRule, Incident, IncidentEvent, IncidentPhoto, Patrol
from xiangcun.regions.choices import Level
from xiangcun.regions.models import Grid, Region

# --- configuration --------------------------------------------------------------------------------------------


class IncidentCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all(), required=False,
                                          allow_null=True)
    default_department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False,
                                                            allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "description", "order", "active", "default_priority",
                  "default_public", "is_dispute", "default_assignee_kind", "default_department", "accept_hours",
                  "dispatch_hours", "handle_hours", "check_hours", "overdue_action", "escalate_after_hours",
                  "reopen_days"]
        extra_kwargs = {"code": {"validators": []}}  # uniqueness is the service's to say, with its message


class IncidentDispatchRuleSerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(slug_field="code",
                                    queryset=Region.objects.filter(level__in=(Level.COUNTY, Level.TOWNSHIP)))
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(active=True), required=False,
                                                    allow_null=True)

    class Meta:
        model = DispatchRule
        fields = ["id", "region", "category", "assignee_kind", "department", "active", "note"]
        validators = []  # (region, category) uniqueness: the service answers it


class IncidentPatrolSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    grid = serializers.SlugRelatedField(slug_field="code", read_only=True)
    worker = serializers.CharField(source="worker.username", read_only=True)
    incidents = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "region", "grid", "worker", "started_at", "ended_at", "distance_m", "track", "note",
                  "incidents"]


# --- incidents: reading -----------------------------------------------------------------------------------------


class IncidentSerializer(serializers.ModelSerializer):
    """An incident as lists and the create answer show it: codes for related rows, the phone masked.

    Every field is read from the row or a ``select_related`` relation, so a list costs the same queries for
    one row or fifty, and a new incident is answered without a further query.
    """

    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.display_name", read_only=True)
    grid = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    masked_reporter_phone = serializers.CharField(read_only=True)
    assigned_user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assigned_department = serializers.SlugRelatedField(slug_field="name", read_only=True)
    assigned_region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    duplicate_of = serializers.SlugRelatedField(slug_field="code", read_only=True)
    possible_duplicate_of = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overdue = serializers.BooleanField(source="is_late", read_only=True,
                                       help_text="Marked overdue, or past the deadline of the current step.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = ["code", "uuid", "url", "source", "category", "category_name", "description", "priority",
                  "is_public", "region", "region_name", "grid", "lat", "lng", "address", "reporter_name",
                  "masked_reporter_phone", "state", "state_label", "level", "assignee_kind", "assigned_user",
                  "assigned_department", "assigned_region", "stage_deadline", "overdue", "overdue_count",
                  "supervised", "created_at", "updated_at", "accepted_at", "dispatched_at", "started_at",
                  "resolved_at", "closed_at", "closed_level", "result", "reject_reason", "duplicate_of",
                  "possible_duplicate_of", "rating", "rating_comment", "rated_at", "low_rating", "reopen_count"]
        read_only_fields = fields


class IncidentPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = IncidentPhoto
        fields = ["id", "stage", "url", "thumbnail_url", "width", "height", "size", "created_at"]

    def _url(self, photo: IncidentPhoto, suffix: str = "") -> str:
        """Through the API (token or session, scoped): media files are not served to the public."""
        url = reverse("incident-photo-file", args=[photo.incident.code, photo.pk]) + suffix
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, photo: IncidentPhoto) -> str:
        return self._url(photo)

    def get_thumbnail_url(self, photo: IncidentPhoto) -> str:
        return self._url(photo, "?size=thumb")


class IncidentEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = IncidentEvent
        fields = ["id", "action", "from_state", "to_state", "actor", "comment", "is_public", "created_at"]

    def get_actor(self, event: IncidentEvent) -> str:
        if event.actor is None:
            return ""
        return event.actor.full_name or event.actor.username


class IncidentDetailSerializer(IncidentSerializer):
    """One incident: plus its photos and the steps the caller may take now (the buttons of a client)."""

    photos = IncidentPhotoSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "photos", "actions"]
        read_only_fields = fields

    def get_actions(self, incident: Incident) -> list[str]:
        from xiangcun.core.workflow import allowed_actions
        from xiangcun.incidents.workflow import TABLE

        actor = self.context.get("actor")
        return allowed_actions(TABLE, incident.state, actor, incident) if actor is not None else []


# --- incidents: writing ---------------------------------------------------------------------------------------


class IncidentReportSerializer(serializers.Serializer):
    """A report (JSON, or multipart with ``photos``). Village and grid are found from the point unless given.

    A client that may send the same report again (offline phones) sends ``client_key`` (or the header
    ``Idempotency-Key``): the repeat is answered 200 with the incident the first one created.
    """

    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    description = serializers.CharField(max_length=4000, allow_blank=True, trim_whitespace=False)
    source = serializers.ChoiceField(choices=choices.Source.choices, default=choices.Source.VILLAGER)
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)
    coordinate_system = serializers.ChoiceField(choices=["wgs84", "gcj02"], default="wgs84")
    # Any village: a villager reports wherever they see a problem; the service checks staff's regions.
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level=Level.VILLAGE),
                                          required=False, allow_null=True)
    grid = serializers.SlugRelatedField(slug_field="code", queryset=Grid.objects.all(), required=False,
                                        allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=choices.Priority.choices, required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False, allow_null=True, default=None)
    reporter_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                           write_only=True)
    household = ScopedSlugRelatedField(slug_field="uuid", queryset=Household.objects.all(), required=False,
                                       allow_null=True, help_text="uuid of a household of the village")
    client_key = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                   help_text="multipart only: up to 9 photos")


class IncidentCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class IncidentRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000)


class IncidentDispatchSerializer(IncidentCommentSerializer):
    """Whom to send it to: ``kind`` and ``target`` (a user id, a department id, a township or grid code);
    without ``kind`` the dispatch rules decide."""

    kind = serializers.ChoiceField(choices=choices.AssigneeKind.choices, required=False, allow_blank=True)
    target = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)


class IncidentResolveSerializer(serializers.Serializer):
    result = serializers.CharField(allow_blank=True, max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                   help_text="multipart: photos of the result (one at least, now or before)")


class IncidentRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    callback = serializers.BooleanField(required=False, default=False,
                                        help_text="recorded by a dispatcher from a telephone callback (回访)")


class IncidentCallbackRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class IncidentMergeSerializer(IncidentCommentSerializer):
    into = serializers.CharField(max_length=30, help_text="tracking code of the open incident to merge into")


class IncidentNoteSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)
    public = serializers.BooleanField(required=False, default=False,
                                      help_text="a public update the reporter is told of; else an internal note")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
