"""Map layers of the household registry (乡村一张图): houses in 3D, land parcels, households as points.

These are the heavy layers: each answers only for a visible area (``bbox``), from a zoom on (``min_zoom``) and
up to a cap, reading plain values on the latitude/longitude indexes (never model instances). No property or
summary carries an ID number or a phone; summaries give the head of household's surname only (docs/map.md).
"""

from __future__ import annotations

import hashlib
import uuid

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiangcun.core.layers import Layer, register
from xiangcun.core.mapping import (
    OTHER_COLOR,
    Features,
    LayerParamError,
    bbox_filter,
    choice,
    feature,
    point,
    require_bbox,
    rounded,
    tag_color,
    take,
    within_box,
)
from xiangcun.core.masking import mask_name
from xiangcun.households.choices import LandType, SafetyRating
from xiangcun.households.models import House, Household, HouseholdTag, LandParcel

GROUP = gettext_lazy("Households")
HOUSE_CAP = 4000
PARCEL_CAP = 4000
HOUSEHOLD_CAP = 5000
SEARCH_LIMIT = 8
PARCEL_MARGIN = 0.02  # degrees (~2 km): parcels are found through their household's position
SAFETY_COLORS = {SafetyRating.A: "#2fb344", SafetyRating.B: "#74b816", SafetyRating.C: "#f59f00",
                 SafetyRating.D: "#d63939"}
LAND_COLORS = {LandType.CULTIVATED: "#f59f00", LandType.FOREST: "#2f9e44", LandType.GARDEN: "#ae3ec9",
               LandType.HOMESTEAD: "#e8590c", LandType.GRASSLAND: "#94d82d", LandType.OTHER: "#adb5bd"}
CROP_PALETTE = ("#f59f00", "#2fb344", "#ae3ec9", "#1c7ed6", "#e8590c", "#0ca678", "#d6336c", "#74b816",
                "#4263eb", "#f76707")


def _tag_choices() -> list[dict]:
    return [{"value": code, "label": name} for code, name in HouseholdTag.objects.values_list("code", "name")]


def _tag(code: str) -> HouseholdTag:
    tag = HouseholdTag.objects.filter(code=code).first()
    if tag is None:
        raise LayerParamError(_("There is no household tag %(code)r.") % {"code": code[:40]})
    return tag


def _has_tag(tag: HouseholdTag, household_ref: str) -> Exists:
    return Exists(Household.tags.through.objects.filter(household_id=OuterRef(household_ref), householdtag_id=tag.pk))


# --- houses (3D) --------------------------------------------------------------------------------------------

def house_features(user, bbox, params) -> Features:
    bbox = require_bbox(bbox)
    mode = params.get("color", "") or "safety"
    queryset = within_box(House.objects.restrict(user, "view"), bbox).filter(footprint__isnull=False).order_by("pk")
    features = Features()
    if mode == "safety":
        rows, features.capped = take(queryset.values_list("pk", "footprint", "height", "floors", "safety_rating")
                                     [:HOUSE_CAP + 1], HOUSE_CAP)
        colors = SAFETY_COLORS
        for pk, footprint, height, floors, rating in rows:
            features.append(feature(pk, footprint, {"h": height or floors * 3.0, "k": colors.get(rating, OTHER_COLOR)}))
        return features
    tag = _tag(mode)
    color = tag_color(tag.color)
    rows, features.capped = take(queryset.annotate(t=_has_tag(tag, "household_id"))
                                 .values_list("pk", "footprint", "height", "floors", "t")[:HOUSE_CAP + 1], HOUSE_CAP)
    for pk, footprint, height, floors, tagged in rows:
        features.append(feature(pk, footprint, {"h": height or floors * 3.0, "k": color if tagged else OTHER_COLOR}))
    features.legend = [{"label": tag.name, "color": color}, {"label": _("other households"), "color": OTHER_COLOR}]
    return features


def house_summary(user, ident: str) -> dict | None:
    if not ident.isdigit():
        return None
    house = (House.objects.restrict(user, "view").filter(pk=int(ident))
             .select_related("household", "household__region").first())
    if house is None:
        return None
    household = house.household
    rows = [[_("Safety rating"), house.get_safety_rating_display()], [_("Structure"), house.get_structure_display()],
            [_("Floors"), house.floors], [_("Year built"), house.year_built or "—"],
            [_("Household"), f"{household.number} {mask_name(household.head_name)}"],
            [_("Village"), household.region.display_name]]
    center = ([round(house.longitude, 6), round(house.latitude, 6)]
              if house.latitude is not None and house.longitude is not None else None)
    return {"title": _("House of household %(number)s") % {"number": household.number}, "kind": _("House"),
            "rows": rows, "url": household.get_absolute_url(), "center": center}


def _safety_legend() -> list[dict]:
    return [{"label": rating.label, "color": SAFETY_COLORS[rating]} for rating in SafetyRating]


register(Layer(
    key="houses", title=gettext_lazy("Houses (3D)"), kind="fill-extrusion", permission="households.view_house",
    features=house_features, group=GROUP, order=40, min_zoom=14,
    paint={"fill-extrusion-color": ["get", "k"], "fill-extrusion-height": ["get", "h"],
           "fill-extrusion-base": 0, "fill-extrusion-opacity": 0.9},
    legend=_safety_legend(),
    options=[{"param": "color", "label": gettext_lazy("Colour by"),
              "choices": lambda: [{"value": "safety", "label": _("safety rating")}, *_tag_choices()]}],
    summary=house_summary,
))


# --- land parcels -------------------------------------------------------------------------------------------

def _crop_color(crop: str) -> str:
    if not crop:
        return OTHER_COLOR
    return CROP_PALETTE[hashlib.blake2s(crop.encode(), digest_size=1).digest()[0] % len(CROP_PALETTE)]


def parcel_features(user, bbox, params) -> Features:
    bbox = require_bbox(bbox)
    mode = choice(params, "color", ("land_type", "crop"), "land_type")
    near = Household.objects.filter(**bbox_filter(bbox, "latitude", "longitude", margin=PARCEL_MARGIN)).values("pk")
    rows, capped = take(LandParcel.objects.restrict(user, "view").filter(household_id__in=near, polygon__isnull=False)
                        .order_by("pk").values_list("pk", "polygon", "land_type", "crop")[:PARCEL_CAP + 1], PARCEL_CAP)
    features = Features()
    features.capped = capped
    crops: dict[str, str] = {}
    for pk, polygon, land_type, crop in rows:
        if mode == "crop":
            color = crops.setdefault(crop or "", _crop_color(crop))
        else:
            color = LAND_COLORS.get(land_type, OTHER_COLOR)
        features.append(feature(pk, {"type": polygon["type"], "coordinates": rounded(polygon["coordinates"])},
                                {"k": color}))
    if mode == "crop":
        features.legend = [{"label": crop or _("no crop"), "color": color} for crop, color in sorted(crops.items())]
    return features


def parcel_summary(user, ident: str) -> dict | None:
    if not ident.isdigit():
        return None
    parcel = (LandParcel.objects.restrict(user, "view").filter(pk=int(ident))
              .select_related("household", "household__region").first())
    if parcel is None:
        return None
    household = parcel.household
    return {"title": str(parcel), "kind": _("Land parcel"), "url": household.get_absolute_url(),
            "rows": [[_("Land type"), parcel.get_land_type_display()], [_("Area (mu)"), str(parcel.area_mu)],
                     [_("Crop"), parcel.crop or "—"],
                     [_("Household"), f"{household.number} {mask_name(household.head_name)}"],
                     [_("Village"), household.region.display_name]]}


register(Layer(
    key="parcels", title=gettext_lazy("Land parcels"), kind="fill", permission="households.view_landparcel",
    features=parcel_features, group=GROUP, order=50, min_zoom=13,
    paint={"fill-color": ["get", "k"], "fill-opacity": 0.45, "fill-outline-color": "#495057"},
    legend=[{"label": kind.label, "color": LAND_COLORS[kind]} for kind in LandType],
    options=[{"param": "color", "label": gettext_lazy("Colour by"),
              "choices": [{"value": "land_type", "label": gettext_lazy("land type")},
                          {"value": "crop", "label": gettext_lazy("crop")}]}],
    summary=parcel_summary,
))


# --- households as points -----------------------------------------------------------------------------------

def household_features(user, bbox, params) -> Features:
    bbox = require_bbox(bbox)
    code = params.get("tag", "")
    queryset = within_box(Household.objects.restrict(user, "view"), bbox).order_by("pk")
    color = "#206bc4"
    features = Features()
    if code:
        tag = _tag(code)
        color = tag_color(tag.color)
        queryset = queryset.filter(_has_tag(tag, "pk"))
        features.legend = [{"label": tag.name, "color": color}]
    rows, features.capped = take(queryset.values_list("uuid", "longitude", "latitude")[:HOUSEHOLD_CAP + 1],
                                 HOUSEHOLD_CAP)
    features.extend(feature(str(ident), point(lng, lat), {"k": color}) for ident, lng, lat in rows)
    return features


def household_summary(user, ident: str) -> dict | None:
    household = (Household.objects.restrict(user, "view").filter(uuid=ident).select_related("region").first()
                 if _is_uuid(ident) else None)
    if household is None:
        return None
    tags = "、".join(household.tags.values_list("name", flat=True)) or "—"
    center = ([round(household.longitude, 6), round(household.latitude, 6)]
              if household.latitude is not None and household.longitude is not None else None)
    return {"title": f"{household.number} {mask_name(household.head_name)}", "kind": _("Household"),
            "url": household.get_absolute_url(), "center": center,
            "rows": [[_("Village"), household.region.display_name], [_("Members"), household.member_count],
                     [_("Tags"), tags], [_("Status"), household.get_status_display()]]}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def household_search(user, query: str) -> list[dict]:
    """Households by number: the whole number, or its last digits inside the user's scope (four at least)."""
    digits = query.strip()
    if not digits.isdigit() or len(digits) < 4:
        return []
    queryset = Household.objects.restrict(user, "view")
    if len(digits) >= 16:
        queryset = queryset.filter(number=digits)
    else:
        queryset = queryset.filter(number__endswith=digits) if len(digits) < 12 else queryset.filter(
            number__startswith=digits)
    rows = queryset.select_related("region").order_by("number")[:SEARCH_LIMIT]
    return [{"layer": "households", "id": str(h.uuid), "label": f"{h.number} {mask_name(h.head_name)}",
             "detail": h.region.display_name,
             "center": [round(h.longitude, 6), round(h.latitude, 6)] if h.latitude is not None else None,
             "bbox": None} for h in rows]


register(Layer(
    key="households", title=gettext_lazy("Households (points)"), kind="circle",
    permission="households.view_household", features=household_features, group=GROUP, order=60, min_zoom=12,
    paint={"circle-radius": 4, "circle-color": ["get", "k"], "circle-stroke-color": "#fff",
           "circle-stroke-width": 1},
    legend=[{"label": gettext_lazy("household"), "color": "#206bc4"}],
    options=[{"param": "tag", "label": gettext_lazy("Only households tagged"),
              "choices": lambda: [{"value": "", "label": _("all households")}, *_tag_choices()]}],
    summary=household_summary, search=household_search,
))
