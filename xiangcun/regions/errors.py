"""The codes with which the regions app refuses a write (the API's ``code`` field; values never change)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why a change to the division tree, a boundary, a grid or a facility was refused."""

    # the division tree and its boundaries
    BAD_CODE = "bad_code"
    BAD_NAME = "bad_name"
    UNKNOWN_PARENT = "unknown_parent"
    NOT_JSON = "not_json"
    NOT_FEATURE_COLLECTION = "not_feature_collection"
    NO_FEATURES = "no_features"
    NO_GEOMETRY = "no_geometry"
    # grids
    NOT_A_VILLAGE = "not_a_village"
    BAD_BOUNDARY = "bad_boundary"
    BOUNDARY_OUTSIDE_VILLAGE = "boundary_outside_village"
    BAD_WORKER = "bad_worker"
    GRID_IN_USE = "grid_in_use"
    # facilities
    BAD_POSITION = "bad_position"
    OUTSIDE_VILLAGE = "outside_village"
    PHOTO_REJECTED = "photo_rejected"
    PHOTO_REQUIRED = "photo_required"
    NO_PHOTOS = "no_photos"
    TOO_MANY_PHOTOS = "too_many_photos"
    ALREADY_INACTIVE = "already_inactive"
    # demo data
    COUNTY_MISSING = "county_missing"
    COUNTY_EMPTY = "county_empty"
