"""The reference rows every county starts with: the types of the low-income register.

Counties add, rename and reorder them on the configuration page; these are the national terms.
"""

from __future__ import annotations

CATEGORIES = (
    ("unstable", "脱贫不稳定户", True),
    ("edge", "边缘易致贫户", True),
    ("sudden", "突发严重困难户", True),
    ("dibao", "低保对象", False),
    ("tekun", "特困供养人员", False),
    ("dibao_edge", "低保边缘家庭", False),
    ("hardship", "刚性支出困难家庭", False),
)


def load_categories(category_model) -> None:
    """Create the missing categories (existing rows, perhaps renamed by the county, stay as they are)."""
    for order, (code, name, monitoring) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "is_monitoring": monitoring, "order": order * 10}
        )
