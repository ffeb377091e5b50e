"""Many incidents at once for benchmarks: a year of a county's reports, written with one ``executemany``.

``bulk_incidents(n)`` spreads ``n`` incidents over the county's villages (weighted, so some villages
report far more than others), the reference categories, the sources and the last 365 days, in the
states a year of work leaves behind: most closed or rated, about one in six still open, some of those
overdue or under supervision. The rows are built as ``Incident`` objects and each value is prepared by
its field (``get_db_prep_save``), as ``bulk_create`` does, but sent in one ``executemany`` (``bulk_create``
would cut 100,000 rows into thousands of statements of a few dozen rows: SQLite's parameter limit).
No events, photos or notifications are written: the lists read none of them.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

# (state, share) of a year of incidents; open states first.
STATE_SHARES = (
    ("reported", 0.02), ("accepted", 0.01), ("dispatched", 0.05), ("in_progress", 0.06), ("resolved", 0.02),
    ("rejected", 0.03), ("merged", 0.01), ("closed", 0.35), ("rated", 0.45),
)
SOURCE_SHARES = (("villager", 0.45), ("patrol", 0.35), ("hotline", 0.12), ("deputy", 0.02), ("video_ai", 0.03),
                 ("device", 0.02), ("open311", 0.01))
WORDS = ("路灯不亮", "垃圾未清运", "道路塌方", "水管破裂", "邻里纠纷", "河道漂浮物", "危房", "饮水中断", "占道堆放",
         "护栏损坏", "山体落石", "秸秆焚烧")


def _pick(rng: random.Random, shares) -> str:
    return rng.choices([name for name, _share in shares], weights=[share for _name, share in shares])[0]


def bulk_incidents(n: int, *, seed: int = 2026, county_code: str = "623023", batch: int = 10_000) -> dict:
    """Write ``n`` incidents in the county's villages; returns counts. Tracking codes are ``BK-…``."""
    from django.db import connection, transaction
    from django.utils import timezone

    from xiangcun.incidents import choices
    from xiangcun.incidents.models import Category, Incident
    from xiangcun.regions.choices import Level
    from xiangcun.regions.models import Grid, Region

    rng = random.Random(f"bench-incidents-{seed}")  # not the stream of the demo's own incidents
    villages = list(Region.objects.filter(level=Level.VILLAGE, code__startswith=county_code).order_by("code"))
    weights = [rng.paretovariate(1.5) for _village in villages]
    grids: dict[int, list[int]] = {}
    for grid_id, village_id in Grid.objects.filter(village__in=villages).values_list("id", "village_id"):
        grids.setdefault(village_id, []).append(grid_id)
    categories = list(Category.objects.filter(active=True, parent__isnull=False)) or list(Category.objects.all())
    now = timezone.now()
    open_states = {str(state) for state in choices.OPEN_STATES}

    fields = [field for field in Incident._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(Incident._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")

    written = 0
    with transaction.atomic():
        while written < n:
            rows = []
            for index in range(written, min(n, written + batch)):
                village = rng.choices(villages, weights=weights)[0]
                category = rng.choice(categories)
                state = _pick(rng, STATE_SHARES)
                created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
                stamp = created
                row = Incident(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    code=f"BK-{created:%Y%m%d}-{index + 1:06d}", source=_pick(rng, SOURCE_SHARES),
                    category=category, description=f"{rng.choice(WORDS)}（测试数据 {index + 1}）",
                    priority=rng.choices(["low", "normal", "high", "urgent"], weights=[10, 70, 15, 5])[0],
                    is_public=category.default_public, region=village,
                    grid_id=rng.choice(grids[village.pk]) if grids.get(village.pk) else None,
                    lat=round(33.78 + rng.uniform(-0.3, 0.3), 6), lng=round(104.37 + rng.uniform(-0.4, 0.4), 6),
                    reporter_name="测试", state=state,
                    level=rng.choices([5, 4, 3], weights=[85, 12, 3])[0],
                )
                if state not in ("reported", "rejected", "merged"):
                    stamp = row.accepted_at = created + timedelta(hours=rng.uniform(0.1, 6))
                if state in ("dispatched", "in_progress", "resolved", "closed", "rated"):
                    stamp = row.dispatched_at = stamp + timedelta(hours=rng.uniform(0.1, 6))
                    row.assignee_kind = rng.choice(["grid", "village", "department"])
                if state in ("in_progress", "resolved", "closed", "rated"):
                    stamp = row.started_at = stamp + timedelta(hours=rng.uniform(0.1, 24))
                if state in ("resolved", "closed", "rated"):
                    stamp = row.resolved_at = stamp + timedelta(hours=rng.uniform(1, 72))
                    row.result = "已处置"
                if state in ("closed", "rated"):
                    stamp = row.closed_at = stamp + timedelta(hours=rng.uniform(1, 24))
                    row.closed_level = row.level
                if state == "rated":
                    stamp = row.rated_at = stamp + timedelta(hours=rng.uniform(1, 72))
                    row.rating = rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 4, 3])[0]
                    row.low_rating = row.rating <= 2
                if state == "rejected":
                    row.reject_reason = "不属于受理范围"
                if state in open_states:
                    row.stage_deadline = stamp + timedelta(hours=rng.choice([4, 24, 72]))
                    row.overdue = row.stage_deadline < now
                    if row.overdue:
                        row.overdue_since, row.overdue_count = row.stage_deadline, 1
                        row.supervised = rng.random() < 0.3
                        row.supervised_at = row.overdue_since if row.supervised else None
                row.created_at, row.updated_at = created, min(stamp, now)
                rows.append(row)
            with connection.cursor() as cursor:
                cursor.executemany(sql, [[field.get_db_prep_save(getattr(row, field.attname), connection)
                                          for field in fields] for row in rows])
            written += len(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute(f"ANALYZE {quote(Incident._meta.db_table)}")
    return {"incidents": written, "open": Incident.objects.filter(state__in=choices.OPEN_STATES).count(),
            "overdue": Incident.objects.filter(overdue=True).count()}
