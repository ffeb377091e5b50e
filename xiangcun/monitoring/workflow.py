"""The 防返贫 monitoring workflow as data: which step leads where, and who may take it.

Two tables, one per case kind (see docs/workflows.md for the diagram):

- 纳入 (inclusion): 风险线索 → 入户核实 (承诺授权) → 信息比对 → 村级民主评议 → 村级公示 → 乡镇审核 → 县级审定
  → 帮扶 (assisting) → 风险消除 (eliminated, when an elimination case of the household is approved);
  不予纳入 (rejected, with a reason) at any step before the decision.
- 风险消除 (elimination): 民主评议 → 公示 → 乡镇审核 → 县级审定 → eliminated, or rejected (the household
  stays under assistance).

During 公示 an objection pauses the notice (``notice_paused``). A dismissed objection resumes it, the end
date moved on by the days it was paused; an upheld objection sends the case back (inclusion: to 入户核实,
elimination: to 民主评议) and the notice starts again, in full, when the case comes round again.

Permissions: village steps need ``change`` on the case (village cadres and up); the township review
needs ``review_township_monitoringcase`` (township officers and up); the county decision
``approve_county_monitoringcase`` (county staff). Always in the case's region.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiangcun.core.workflow import Transition, TransitionTable
from xiangcun.monitoring.choices import CaseKind, CaseState

VILLAGE = "change"
TOWNSHIP = "monitoring.review_township_monitoringcase"
COUNTY = "monitoring.approve_county_monitoringcase"

S = CaseState

# Fields a step requires (checked by monitoring.services.case_transition before the step is applied).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "record_consent_and_verify": ("consent_signed_on",),
    "record_comparison": ("comparison",),
    "record_deliberation": ("deliberation",),
    "reject": ("reason",),
    "send_back": ("comment",),
}

INCLUSION: TransitionTable = {
    (S.CLUE, "start_verification"): Transition(S.VERIFYING, VILLAGE, _("Start home verification")),
    (S.CLUE, "reject"): Transition(S.REJECTED, VILLAGE, _("Do not include")),
    (S.VERIFYING, "record_consent_and_verify"): Transition(S.COMPARING, VILLAGE,
                                                           _("Record consent and verification")),
    (S.VERIFYING, "reject"): Transition(S.REJECTED, VILLAGE, _("Do not include")),
    (S.COMPARING, "record_comparison"): Transition(S.DELIBERATION, VILLAGE, _("Record the comparison")),
    (S.COMPARING, "reject"): Transition(S.REJECTED, VILLAGE, _("Do not include")),
    (S.DELIBERATION, "record_deliberation"): Transition(S.NOTICE, VILLAGE,
                                                        _("Record the review and start the notice")),
    (S.DELIBERATION, "reject"): Transition(S.REJECTED, VILLAGE, _("Do not include")),
    (S.NOTICE, "raise_objection"): Transition(S.NOTICE_PAUSED, VILLAGE, _("Objection raised"), manual=False),
    (S.NOTICE, "end_notice"): Transition(S.TOWNSHIP_REVIEW, VILLAGE, _("End the notice")),
    (S.NOTICE_PAUSED, "dismiss_objection"): Transition(S.NOTICE, VILLAGE, _("Objection dismissed"), manual=False),
    (S.NOTICE_PAUSED, "uphold_objection"): Transition(S.VERIFYING, VILLAGE, _("Objection upheld"), manual=False),
    (S.TOWNSHIP_REVIEW, "township_approve"): Transition(S.COUNTY_REVIEW, TOWNSHIP, _("Approve (township)")),
    (S.TOWNSHIP_REVIEW, "send_back"): Transition(S.VERIFYING, TOWNSHIP, _("Send back for re-verification")),
    (S.TOWNSHIP_REVIEW, "reject"): Transition(S.REJECTED, TOWNSHIP, _("Do not include")),
    (S.COUNTY_REVIEW, "county_approve"): Transition(S.ASSISTING, COUNTY, _("Approve (county)")),
    (S.COUNTY_REVIEW, "send_back"): Transition(S.VERIFYING, COUNTY, _("Send back for re-verification")),
    (S.COUNTY_REVIEW, "reject"): Transition(S.REJECTED, COUNTY, _("Do not include")),
    (S.ASSISTING, "eliminate"): Transition(S.ELIMINATED, COUNTY, _("Risk eliminated"), manual=False),
}

ELIMINATION: TransitionTable = {
    (S.DELIBERATION, "record_deliberation"): Transition(S.NOTICE, VILLAGE,
                                                        _("Record the review and start the notice")),
    (S.DELIBERATION, "reject"): Transition(S.REJECTED, VILLAGE, _("Withdraw the elimination")),
    (S.NOTICE, "raise_objection"): Transition(S.NOTICE_PAUSED, VILLAGE, _("Objection raised"), manual=False),
    (S.NOTICE, "end_notice"): Transition(S.TOWNSHIP_REVIEW, VILLAGE, _("End the notice")),
    (S.NOTICE_PAUSED, "dismiss_objection"): Transition(S.NOTICE, VILLAGE, _("Objection dismissed"), manual=False),
    (S.NOTICE_PAUSED, "uphold_objection"): Transition(S.DELIBERATION, VILLAGE, _("Objection upheld"), manual=False),
    (S.TOWNSHIP_REVIEW, "township_approve"): Transition(S.COUNTY_REVIEW, TOWNSHIP, _("Approve (township)")),
    (S.TOWNSHIP_REVIEW, "send_back"): Transition(S.DELIBERATION, TOWNSHIP, _("Send back to the village review")),
    (S.TOWNSHIP_REVIEW, "reject"): Transition(S.REJECTED, TOWNSHIP, _("Refuse the elimination")),
    (S.COUNTY_REVIEW, "county_approve"): Transition(S.ELIMINATED, COUNTY, _("Approve (county)")),
    (S.COUNTY_REVIEW, "send_back"): Transition(S.DELIBERATION, COUNTY, _("Send back to the village review")),
    (S.COUNTY_REVIEW, "reject"): Transition(S.REJECTED, COUNTY, _("Refuse the elimination")),
}

TABLES: dict[str, TransitionTable] = {CaseKind.INCLUSION: INCLUSION, CaseKind.ELIMINATION: ELIMINATION}

# Where a new case starts: an inclusion at its clue, an elimination at the village review (the
# reasons and the household's situation are recorded when it is opened).
INITIAL_STATE = {CaseKind.INCLUSION: S.CLUE, CaseKind.ELIMINATION: S.DELIBERATION}

# States in which a case is still under way (not decided): at most one such case per household and kind.
OPEN_STATES = frozenset({S.CLUE, S.VERIFYING, S.COMPARING, S.DELIBERATION, S.NOTICE, S.NOTICE_PAUSED,
                         S.TOWNSHIP_REVIEW, S.COUNTY_REVIEW})
FINAL_STATES = frozenset({S.ELIMINATED, S.REJECTED})


# The steps a person takes (a button of the case page, ``POST /api/v1/monitoring-cases/{uuid}/{step}/``), in the
# order of the tables; the others follow from an objection or an elimination case.
MANUAL_STEPS: tuple[str, ...] = tuple(dict.fromkeys(
    action for table in TABLES.values() for (_state, action), transition in table.items() if transition.manual))


def table_for(kind: str) -> TransitionTable:
    return TABLES[kind]


# Words for the timeline's rows: the steps, and the rows that are not state changes.
EVENT_LABELS = {
    "open": _("Case opened"),
    "elimination_opened": _("Risk elimination proposed"),
    "measure_added": _("Assistance measure added"),
    **{action: t.label for table in TABLES.values() for (_state, action), t in table.items()
       if action not in ("reject", "send_back", "county_approve")},
    "reject": _("Not included / refused"),
    "send_back": _("Sent back"),
    "county_approve": _("Approved (county)"),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


def label_of(kind: str, state: str, action: str) -> str:
    """The button's words for an action (the action code when the table does not know it)."""
    transition = TABLES[kind].get((state, action))
    return str(transition.label) if transition and transition.label else action
