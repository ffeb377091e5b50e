"""GCJ-02 conversion and distances: what a WeChat location turns into before it is stored."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xiangcun.core.geo import bounding_box, distance_m, gcj02_to_wgs84, wgs84_to_gcj02

china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lng = st.floats(min_value=74.0, max_value=134.0)


@given(china_lat, china_lng)
def test_converting_to_gcj02_and_back_lands_within_a_centimetre(lat, lng):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert distance_m(lat, lng, *back) < 0.01


def test_the_offset_in_zhouqu_is_hundreds_of_metres_not_zero():
    # 舟曲县城: a WeChat point taken as WGS84 would land in the wrong hamlet.
    offset = distance_m(33.785, 104.371, *wgs84_to_gcj02(33.785, 104.371))
    assert 100 < offset < 1000


def test_points_outside_china_are_left_alone():
    assert gcj02_to_wgs84(48.85, 2.35) == (48.85, 2.35)


@given(china_lat, china_lng, st.floats(min_value=1, max_value=5000))
def test_the_bounding_box_holds_the_circle(lat, lng, radius):
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
    assert distance_m(lat, lng, max_lat, lng) >= radius * 0.999
    assert distance_m(lat, lng, lat, max_lng) >= radius * 0.999
    assert min_lat < lat < max_lat and min_lng < lng < max_lng
