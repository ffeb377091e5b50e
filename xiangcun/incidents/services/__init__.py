"""Writes on incidents (the only write path): reporting, the steps of the loop, configuration, patrols."""

from xiangcun.incidents.services.config import (
    category_create,
    category_update,
    department_create,
    department_update,
    dispatch_rule_create,
    dispatch_rule_update,
)
from xiangcun.incidents.services.handling import (
    Assignment,
    fetch_for,
    incident_accept,
    incident_add_note,
    incident_close,
    incident_dispatch,
    incident_escalate,
    incident_link_household,
    incident_merge,
    incident_rate,
    incident_reject,
    incident_relocate,
    incident_reopen,
    incident_resolve,
    incident_rework,
    incident_send_back,
    incident_start,
    incident_supervise,
    incidents_bulk_dispatch,
    may_work_on,
    suggest_assignment,
)
from xiangcun.incidents.services.open311 import (
    open311_key_check,
    open311_key_create,
    open311_key_revoke,
    open311_request_submit,
)
from xiangcun.incidents.services.patrols import (
    patrol_add_points,
    patrol_end,
    patrol_report_finding,
    patrol_start,
)
from xiangcun.incidents.services.privacy import incident_reveal_reporter_phone
from xiangcun.incidents.services.reporting import ReportInput, ReportResult, incident_report, next_tracking_code
from xiangcun.incidents.services.sla import incidents_apply_overdue_rules, incidents_mark_overdue

__all__ = [
    "Assignment", "ReportInput", "ReportResult", "category_create", "category_update", "department_create",
    "department_update", "dispatch_rule_create", "dispatch_rule_update", "fetch_for", "incident_accept",
    "incident_add_note", "incident_close", "incident_dispatch", "incident_escalate", "incident_link_household",
    "incident_merge", "incident_rate", "incident_reject", "incident_relocate", "incident_reopen", "incident_report",
    "incident_resolve", "incident_reveal_reporter_phone", "incident_rework", "incident_send_back", "incident_start",
    "incident_supervise", "incidents_apply_overdue_rules", "incidents_bulk_dispatch", "incidents_mark_overdue",
    "may_work_on", "next_tracking_code", "open311_key_check", "open311_key_create", "open311_key_revoke",
    "open311_request_submit", "patrol_add_points", "patrol_end", "patrol_report_finding", "patrol_start",
    "suggest_assignment",
]
