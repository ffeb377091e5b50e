"""Background work of the core: Excel import jobs (导入任务). Thin: the work is in ``core.excel``."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from xiangcun.core import excel


@db_task()
def import_job_task(job_id: int) -> None:
    excel.import_job_run(job_id)


@db_task()
def deliver_notifications(notification_ids: list[int], phones: list[str], kind: str, title: str, body: str,
                          url: str, channel_names: list[str] | None = None) -> None:
    """Send committed notifications through the outside channels that are not inline (e-mail, gateways)."""
    from xiangcun.core import channels

    channels.deliver(notification_ids, phones, kind=kind, title=title, body=body, url=url,
                     channel_names=channel_names)
