"""Background work of the core: Excel import jobs (导入任务). Thin: the work is in ``core.excel``."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from xiangcun.core import excel


@db_task()
def import_job_task(job_id: int) -> None:
    excel.import_job_run(job_id)
