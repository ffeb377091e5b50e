"""Setting region boundaries from GeoJSON: centroids, unknown codes listed, broken files refused."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from shapely.geometry import Point, shape

from xiangcun.core.errors import ServiceError
from xiangcun.regions.models import Region
from xiangcun.regions.services import region_set_boundaries

JIEDI, LANGCHABA = "623023103203", "623023102214"


def square(lng: float, lat: float, size: float = 0.02) -> dict:
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                                                [lng, lat + size], [lng, lat]]]}


def feature(code, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": {"adcode": code, "name": "x"}, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


# An L-shaped village, whose centroid falls outside it: the marker must still land inside.
L_SHAPE = {"type": "Polygon", "coordinates": [[[104.0, 33.0], [104.1, 33.0], [104.1, 33.01], [104.01, 33.01],
                                               [104.01, 33.1], [104.0, 33.1], [104.0, 33.0]]]}
BOW_TIE = {"type": "Polygon", "coordinates": [[[104.0, 33.0], [104.1, 33.1], [104.1, 33.0], [104.0, 33.1],
                                               [104.0, 33.0]]]}


@pytest.mark.django_db
def test_command_sets_boundaries_and_centroids(tree, tmp_path):
    multi = {"type": "MultiPolygon", "coordinates": [square(104.3, 33.7)["coordinates"],
                                                     square(104.4, 33.7)["coordinates"]]}
    path = tmp_path / "villages.geojson"
    # Codes as numbers, as DataV-style files have them.
    path.write_text(json.dumps(collection(feature(int(JIEDI), L_SHAPE), feature(int(LANGCHABA), multi))))
    out = StringIO()

    with translation.override("en"):
        call_command("import_boundaries", str(path), code_field="adcode", stdout=out)

    for code in (JIEDI, LANGCHABA):
        region = Region.objects.get(code=code)
        outline = shape(region.boundary)
        assert outline.is_valid
        assert outline.contains(Point(region.centroid_lng, region.centroid_lat))
    assert Region.objects.get(code=JIEDI).boundary == L_SHAPE
    assert out.getvalue().startswith("2 region boundaries set, 0 already up to date")
    stamp = Region.objects.get(code=JIEDI).updated_at

    again = region_set_boundaries(actor=None, features=path.read_text(), code_field="adcode")

    assert (again.updated, again.unchanged) == (0, 2)
    assert Region.objects.get(code=JIEDI).updated_at == stamp


@pytest.mark.django_db
def test_unknown_codes_and_invalid_features_are_listed_and_the_rest_still_set(tree, tmp_path):
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps(collection(
        feature(JIEDI, square(104.3, 33.7)),
        feature("623023999999", square(104.5, 33.7)),
        feature(LANGCHABA, BOW_TIE),
        feature("623023103202", {"type": "Point", "coordinates": [104.3, 33.7]}),
        feature(None, square(104.6, 33.7)),
    )))
    out = StringIO()

    call_command("import_boundaries", str(path), code_field="adcode", stdout=out)

    text = out.getvalue()
    assert "623023999999" in text
    assert f"#3 ({LANGCHABA})" in text and "#4 (623023103202)" in text and "#5 (?)" in text
    assert Region.objects.get(code=JIEDI).boundary is not None
    assert Region.objects.get(code=LANGCHABA).boundary is None

    result = region_set_boundaries(actor=None, features=path.read_text(), code_field="adcode")
    assert (result.updated, result.unchanged, result.unknown_codes) == (0, 1, ["623023999999"])
    assert [(f.index, f.code) for f in result.invalid_features] == [(3, LANGCHABA), (4, "623023103202"), (5, "")]


@pytest.mark.django_db
@pytest.mark.parametrize("content", [
    "this is not json",
    json.dumps({"type": "FeatureCollection", "features": []}),
    json.dumps({"type": "Feature", "geometry": square(104.3, 33.7)}),
    json.dumps(collection(feature(JIEDI, square(104.3, 33.7)), feature(LANGCHABA, None))),
])
def test_a_broken_file_is_refused_and_changes_nothing(tree, tmp_path, content):
    region_set_boundaries(actor=None, features=collection(feature(JIEDI, square(104.0, 33.0))), code_field="adcode")
    before = Region.objects.get(code=JIEDI)
    path = tmp_path / "broken.geojson"
    path.write_text(content)

    with pytest.raises(CommandError):
        call_command("import_boundaries", str(path), code_field="adcode", stdout=StringIO())
    with pytest.raises(ServiceError):
        region_set_boundaries(actor=None, features=content, code_field="adcode")

    after = Region.objects.get(code=JIEDI)
    assert (after.boundary, after.centroid_lat, after.updated_at) == (before.boundary, before.centroid_lat,
                                                                      before.updated_at)
    assert Region.objects.exclude(code=JIEDI).filter(boundary__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_county_admin_sets_boundaries_in_the_county_only(personas):
    features = collection(feature(JIEDI, square(104.3, 33.7)), feature("62", square(100.0, 35.0, 5.0)))

    result = region_set_boundaries(actor=personas["county_admin"], features=features, code_field="adcode")

    assert (result.updated, result.unknown_codes) == (1, ["62"])  # the province lies outside: "not found"
    assert Region.objects.get(code="62").boundary is None


@pytest.mark.django_db
def test_a_user_without_the_permission_is_refused(personas):
    with pytest.raises(ServiceError) as caught:
        region_set_boundaries(actor=personas["village_clerk_a"], features=collection(
            feature(JIEDI, square(104.3, 33.7))), code_field="adcode")
    assert caught.value.status == 403
    assert Region.objects.get(code=JIEDI).boundary is None


def test_the_report_form_and_the_map_use_one_rule_for_where_a_villager_may_report(tree, personas):
    from xiangcun.incidents.views.mobile import report_villages
    from xiangcun.regions.boundaries import map_regions
    from xiangcun.regions.choices import Level
    from xiangcun.regions.models import Region

    villager, clerk = personas["villager_a"], personas["village_clerk_a"]
    county_villages = set(Region.objects.under("623023").filter(level=Level.VILLAGE).values_list("code", flat=True))
    assert set(report_villages(villager).values_list("code", flat=True)) == county_villages
    assert set(map_regions(villager).filter(level=Level.VILLAGE).values_list("code", flat=True)) == county_villages
    assert set(report_villages(clerk).values_list("code", flat=True)) == {"623023103203"}
    assert set(map_regions(clerk).values_list("code", flat=True)) == {"623023103203"}
