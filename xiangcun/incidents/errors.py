"""The codes with which the incidents app refuses a write (the API's and Open311's ``code``; values never change)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why a report, a handling step, a patrol or a change to the county's incident configuration was refused."""

    REQUIRED = "required"
    # reporting
    TOO_MANY_PHOTOS = "too_many_photos"
    PHOTO_REJECTED = "photo_rejected"
    NO_VILLAGE = "no_village"
    OUTSIDE_KEY_REGION = "outside_key_region"
    CLIENT_KEY_TAKEN = "client_key_taken"
    # handling
    COMMENT_REQUIRED = "comment_required"
    RESULT_REQUIRED = "result_required"
    PHOTO_REQUIRED = "photo_required"
    PHOTO_NOT_ALLOWED = "photo_not_allowed"
    INVALID_ASSIGNEE = "invalid_assignee"
    INVALID_HOUSEHOLD = "invalid_household"
    INVALID_MERGE = "invalid_merge"
    INVALID_RATING = "invalid_rating"
    # patrols
    PATROL_OPEN = "patrol_open"
    PATROL_ENDED = "patrol_ended"
    INVALID_POINT = "invalid_point"
    TOO_MANY_POINTS = "too_many_points"
    TRACK_FULL = "track_full"
    # configuration and Open311 keys
    INVALID_PARENT = "invalid_parent"
    DUPLICATE_RULE = "duplicate_rule"
    DUPLICATE_CODE = "duplicate_code"
    NAME_TAKEN = "name_taken"
    INVALID_API_KEY = "invalid_api_key"
