"""What the profile and brief tests share: an overview dict of the contract's shape
(dashboard.selectors.region_overview) and 杰迪村 furnished with a cadre, a grid worker and a clinic."""

from __future__ import annotations

from xiangcun.core.testing import VILLAGE_A
from xiangcun.dashboard.views import profile
from xiangcun.regions.models import Grid, Region
from xiangcun.regions.tests.factories import make_facility


def use_fixed_overview(monkeypatch) -> None:
    """The pages read this fixed overview instead of computing one (its figures are tested in test_aggregates)."""
    monkeypatch.setattr(profile, "load_overview", lambda region: overview_fixture(region.code, region.name))


def furnished_village(tree: dict, personas: dict) -> Region:
    """杰迪村 with 李建国 (village_clerk_a, phone 13812345678), grid 1 with grid_worker_a, and 杰迪村卫生室."""
    village = tree[VILLAGE_A]
    clerk = personas["village_clerk_a"]
    clerk.full_name, clerk.phone = "李建国", "13812345678"
    clerk.save()
    grid = Grid.objects.create(code=f"{VILLAGE_A}G01", name="杰迪村第1网格", village=village)
    grid.workers.add(personas["grid_worker_a"])
    make_facility(village, kind="clinic", name="杰迪村卫生室")
    return village


def overview_fixture(code: str = "623023103203", name: str = "杰迪村") -> dict:
    bands = ["0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]
    return {
        "region": {"code": code, "name": name, "level": 5, "level_label": "村", "ancestors": [], "children": []},
        "computed_at": "2026-11-20T08:00:00+08:00", "generated_at": "2026-11-20T08:05:00+08:00",
        "population": {
            "households": 137, "persons": 512,
            "by_tag": [{"key": "monitored", "label": "监测户", "count": 12}, {"key": "elderly", "label": "独居老人",
                                                                            "count": None}],
            "by_ethnicity": [{"key": "han", "label": "汉族", "count": 300}, {"key": "zang", "label": "藏族",
                                                                           "count": 212}],
            "age_pyramid": {"bands": bands, "male": [30, 28, 35, 40, 33, 29, 22, 10, None],
                            "female": [27, 30, 31, 38, 36, 27, 20, 12, 6]},
        },
        "income": {"year": 2025, "monitoring_line": 7300.0,
                   "per_capita_trend": [{"year": 2023, "mean": 9100.5, "households": 130},
                                        {"year": 2024, "mean": 9800.0, "households": 133},
                                        {"year": 2025, "mean": 10450.0, "households": 137}],
                   "distribution": [{"key": "below", "label": "线下", "count": None}],
                   "below_line": None, "near_line": 9},
        "monitoring": {"by_state": [{"key": "identified", "label": "已识别", "count": 7},
                                    {"key": "helping", "label": "帮扶中", "count": None}], "open_cases": 9},
        "incidents": {"today": 2, "month": 31, "open": 5, "overdue": 1, "on_time_rate": 0.93,
                      "village_closed_share": 0.6,
                      "by_category": [{"key": "road", "label": "道路交通", "count": 11},
                                      {"key": "water", "label": "饮水安全", "count": 4}],
                      "recent": []},
        "grid": {"grids": 3, "workers": 4, "patrols_month": 20, "reports_per_grid": []},
        "suppressed_below": 5,
    }
