"""The reference rows every county starts with: household tags and low-income categories.

Counties add, rename and reorder them on the configuration page; these are the national terms.
"""

from __future__ import annotations

TAGS = (
    ("tuopin", "脱贫户", "green"),
    ("jiance", "监测户", "red"),
    ("dibao", "低保户", "orange"),
    ("tekun", "特困供养户", "orange"),
    ("canji", "残疾人户", "purple"),
    ("dujulaoren", "独居老人户", "yellow"),
    ("liushouertong", "留守儿童户", "cyan"),
    ("junlieshu", "军烈属", "blue"),
    ("yidibanqian", "易地搬迁户", "teal"),
    ("weifang", "危房户", "red"),
)

CATEGORIES = (
    ("unstable", "脱贫不稳定户", True),
    ("edge", "边缘易致贫户", True),
    ("sudden", "突发严重困难户", True),
    ("dibao", "低保对象", False),
    ("tekun", "特困供养人员", False),
    ("dibao_edge", "低保边缘家庭", False),
    ("hardship", "刚性支出困难家庭", False),
)


def load_reference(tag_model, category_model) -> None:
    """Create the missing reference rows (existing rows, perhaps renamed by the county, stay as they are)."""
    for order, (code, name, color) in enumerate(TAGS, start=1):
        tag_model.objects.get_or_create(code=code, defaults={"name": name, "color": color, "order": order * 10})
    for order, (code, name, monitoring) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "is_monitoring": monitoring, "order": order * 10}
        )
