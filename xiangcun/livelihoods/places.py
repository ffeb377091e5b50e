"""务工 destinations: the 31 provinces by name and code, and the usual destinations of the questionnaire.

The national division list (/work/shared/data/admin-divisions/) is not imported at run time; the
province level is small enough to keep here, and names below it are looked up in the imported
``regions.Region`` tree when the destination lies inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# 统计用区划代码, province level: code -> official name.
PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
# Work abroad (境外务工) is outside the province; it has no division code.
ABROAD = "境外"

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "省", "市", "县",
             "区", "盟", "旗")


def bare_name(name: str) -> str:
    """新疆维吾尔自治区 -> 新疆, 甘南藏族自治州 -> 甘南藏族, 舟曲县 -> 舟曲: what people type."""
    name = (name or "").strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def same_place(a: str, b: str) -> bool:
    """Whether two spellings name the same place (舟曲, 舟曲县; 甘南, 甘南藏族自治州)."""
    a, b = bare_name(a), bare_name(b)
    return bool(a and b) and (a == b or a.startswith(b) or b.startswith(a))


_BY_BARE_NAME = {bare_name(name): code for code, name in PROVINCES.items()}


def province_code(name: str) -> str | None:
    """The 2-digit code of a province given by its full or spoken name (新疆, 江苏省), or None."""
    name = (name or "").strip()
    if not name:
        return None
    bare = bare_name(name)
    if bare in _BY_BARE_NAME:
        return _BY_BARE_NAME[bare]
    # "内蒙古" / "广西" / "宁夏": spoken names are a prefix of the official one.
    for code, official in PROVINCES.items():
        if official.startswith(bare) and len(bare) >= 2:
            return code
    return None


def province_name(code: str) -> str:
    return PROVINCES.get(code[:2], "")


@dataclass(frozen=True)
class Destination:
    """A destination button of the questionnaire: filled in for the person, who may still edit it."""

    key: str
    label: str | Promise
    province: str
    city: str = ""
    county: str = ""


# The usual destinations of 舟曲县's migrant workers (the issue's list).
USUAL_DESTINATIONS: tuple[Destination, ...] = (
    Destination("xinjiang", _("Xinjiang"), "新疆维吾尔自治区"),
    Destination("jiangsu", _("Jiangsu"), "江苏省"),
    Destination("zhejiang", _("Zhejiang"), "浙江省"),
    Destination("guangdong", _("Guangdong"), "广东省"),
    Destination("lanzhou", _("Lanzhou"), "甘肃省", "兰州市"),
    Destination("hezuo", _("Hezuo"), "甘肃省", "甘南藏族自治州", "合作市"),
    Destination("zhouqu", _("Zhouqu county town"), "甘肃省", "甘南藏族自治州", "舟曲县"),
)
