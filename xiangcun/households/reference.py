"""The reference rows every county starts with: household tags (the low-income categories: monitoring/reference.py).

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

def load_tags(tag_model) -> None:
    """Create the missing tags (existing rows, perhaps renamed by the county, stay as they are)."""
    for order, (code, name, color) in enumerate(TAGS, start=1):
        tag_model.objects.get_or_create(code=code, defaults={"name": name, "color": color, "order": order * 10})
