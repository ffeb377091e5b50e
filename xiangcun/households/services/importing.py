"""Excel imports of the registry (户籍成员, 收入, 务工): permission, then ``core.excel.run`` with the sheet.

Each service takes an :class:`~xiangcun.core.models.ImportJob` (its stored file, progress shown on the job
page) or a file, and a mode: ``all`` writes nothing when any row fails, ``valid`` writes the valid rows.
The validation runs before the write's transaction, so a job's progress is visible while it runs; the write
is one transaction (``core.excel.run``) that re-checks scope and duplicates. Each import leaves one summary
line in the log (counts only, never personal data) and its job row with the per-row report.
"""

from __future__ import annotations

import logging
from typing import IO

from django.db import connection

from xiangcun.core import excel
from xiangcun.core.models import ImportJob
from xiangcun.core.services import Actor, require_permission
from xiangcun.households import importing
from xiangcun.households.models import Household
from xiangcun.livelihoods.models import Employment, IncomeRecord

logger = logging.getLogger(__name__)

IMPORT_PERMISSION = "households.import_household"
# After a bulk load of this many records the planner statistics are refreshed (docs/benchmarks.md: without
# them SQLite reads the labour-ability filter through the status index, two to three times slower).
ANALYZE_AFTER_ROWS = 5000


def _run(importer: excel.Importer, *, actor: Actor, job_or_file: ImportJob | IO[bytes], mode: str,
         permissions: tuple[str, ...]) -> excel.ImportResult:
    if actor is not None:  # None is the system (a management command, the demo)
        for permission in (IMPORT_PERMISSION, *permissions):
            require_permission(actor, Household, permission)
    source, progress = excel.source_of(job_or_file)
    result = excel.run(importer, source, actor=actor, mode=mode, progress=progress)
    logger.info("excel import %s by %s (%s): %d rows, %d valid, %d with errors, %d records written",
                importer.kind, actor or "system", mode, result.total, result.valid, result.invalid, result.written)
    if result.written >= ANALYZE_AFTER_ROWS and connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


def households_import(*, actor: Actor, job_or_file: ImportJob | IO[bytes], mode: str = excel.Mode.ALL_OR_NOTHING
                      ) -> excel.ImportResult:
    """导入户籍成员 — create households and their members from the 户籍成员 sheet."""
    return _run(importing.MEMBERS, actor=actor, job_or_file=job_or_file, mode=mode,
                permissions=("households.add_household", "households.add_person"))


def incomes_import(*, actor: Actor, job_or_file: ImportJob | IO[bytes], mode: str = excel.Mode.ALL_OR_NOTHING
                   ) -> excel.ImportResult:
    """导入收入 — create or replace households' yearly income records from the 收入 sheet."""
    return _run(importing.INCOME, actor=actor, job_or_file=job_or_file, mode=mode,
                permissions=(f"livelihoods.add_{IncomeRecord._meta.model_name}",
                             f"livelihoods.change_{IncomeRecord._meta.model_name}"))


def employments_import(*, actor: Actor, job_or_file: ImportJob | IO[bytes], mode: str = excel.Mode.ALL_OR_NOTHING
                       ) -> excel.ImportResult:
    """导入务工 — record registered persons' jobs from the 务工 sheet."""
    return _run(importing.EMPLOYMENT, actor=actor, job_or_file=job_or_file, mode=mode,
                permissions=(f"livelihoods.add_{Employment._meta.model_name}",))


def import_start(*, actor: Actor, kind: str, upload, file_name: str,
                 mode: str = excel.Mode.ALL_OR_NOTHING) -> ImportJob:
    """Accept an uploaded file: a job is created and run now (short file) or in the background (long file)."""
    importer = importing.IMPORTERS.get(kind)
    if importer is None:
        importer = excel.get_importer(kind)
    require_permission(actor, Household, IMPORT_PERMISSION)
    job = excel.import_job_create(actor=actor, importer=importer, upload=upload, file_name=file_name, mode=mode)
    return excel.import_job_start(job)
