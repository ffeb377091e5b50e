"""The default category tree (事件分类) every county starts from; counties edit it on the configuration page.

舟曲 is a landslide county (the 2010 debris flow): 地质灾害 and 森林防火 are urgent, with short deadlines
and escalation when they run late. Disputes (矛盾纠纷) are private by default and handled by the village.
"""

from __future__ import annotations

# code, parent code, name, options
CATEGORIES: list[tuple[str, str | None, str, dict]] = [
    ("env", None, "人居环境", {"order": 10}),
    ("env-garbage", "env", "垃圾堆放", {"order": 11}),
    ("env-sewage", "env", "污水排放", {"order": 12}),
    ("env-toilet", "env", "厕所问题", {"order": 13}),
    ("env-livestock", "env", "畜禽粪污", {"order": 14}),
    ("road", None, "道路与基础设施", {"order": 20, "handle_hours": 120}),
    ("road-damage", "road", "道路损毁", {"order": 21, "handle_hours": 120}),
    ("road-light", "road", "路灯故障", {"order": 22}),
    ("road-water", "road", "供水设施", {"order": 23, "handle_hours": 48}),
    ("dispute", None, "矛盾纠纷", {"order": 30, "is_dispute": True, "default_public": False,
                                  "default_assignee_kind": "village", "handle_hours": 168}),
    ("dispute-land", "dispute", "土地山林纠纷", {"order": 31, "is_dispute": True, "default_public": False,
                                            "default_assignee_kind": "village", "handle_hours": 168}),
    ("dispute-family", "dispute", "家庭邻里纠纷", {"order": 32, "is_dispute": True, "default_public": False,
                                             "default_assignee_kind": "village", "handle_hours": 72}),
    ("dispute-wage", "dispute", "劳资纠纷", {"order": 33, "is_dispute": True, "default_public": False,
                                         "default_assignee_kind": "township", "handle_hours": 168}),
    ("safety", None, "安全隐患", {"order": 40, "default_priority": "high", "handle_hours": 48}),
    ("safety-house", "safety", "危房隐患", {"order": 41, "default_priority": "high", "handle_hours": 48}),
    ("safety-power", "safety", "用电安全", {"order": 42, "default_priority": "high", "handle_hours": 24}),
    ("fire", None, "森林防火", {"order": 50, "default_priority": "urgent", "accept_hours": 1, "dispatch_hours": 1,
                            "handle_hours": 12, "check_hours": 12, "overdue_action": "escalate",
                            "escalate_after_hours": 1}),
    ("geohazard", None, "地质灾害", {"order": 60, "default_priority": "urgent", "accept_hours": 1,
                                 "dispatch_hours": 1, "handle_hours": 24, "check_hours": 12,
                                 "overdue_action": "escalate", "escalate_after_hours": 1}),
    ("drowning", None, "防溺水", {"order": 70, "default_priority": "high", "accept_hours": 2, "dispatch_hours": 2,
                               "handle_hours": 24}),
    ("other", None, "其他", {"order": 99}),
]


def load_reference(category_model) -> None:
    """Create the categories that do not exist yet; never overwrite what a county has edited."""
    by_code = {row.code: row for row in category_model.objects.all()}
    for code, parent_code, name, options in CATEGORIES:
        if code in by_code:
            continue
        by_code[code] = category_model.objects.create(code=code, name=name, parent=by_code.get(parent_code),
                                                      **options)
