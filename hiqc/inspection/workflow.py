"""Quality inspection (质检) as case kinds on the engine (issue 15 §3; standard 4.1.3(2), 7.2).

Three cases, each with one kind of person who must act next, so "my work" lists it for them and
nobody else:

* the **task** 质检任务 — 待评分 pending → 已评分 scored: an inspector (``qa.inspect`` over the
  interaction's unit, never the agent themself) scores it. No time limit is set for scoring.
* the **score** 质检评分 — opened by scoring, assigned to the scored agent, with the **dispute
  window** clock (``inspection.dispute_window``: N working days from the score, rule
  ``inspection.dispute_window_days``): 已评分 scored → 申诉中 disputed (the agent disputes, the
  window stops as met) → 申诉维持 upheld / 申诉改分 amended (the decision on the dispute); or
  scored → 已确认 confirmed when the window runs out unused (``lapse``: run by the system when the
  sweep finds the window run out; the clock is then cancelled — a window is a right, not an
  obligation, so an unused one is not counted as a missed time limit).
* the **dispute** 质检申诉 — opened by the agent's dispute: 待裁决 open → 维持原评分 upheld /
  改正评分 amended: another inspector decides (the original scorer only when nobody else holds
  ``qa.inspect`` over the unit). No time limit is set for deciding.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Stop, T, Workflow

from .enums import DisputeStatus, ScoreStatus, TaskStatus
from .rules import DISPUTE_WINDOW

VIEW, INSPECT, DISPUTE = "qa.view", "qa.inspect", "qa.dispute"
# No role holds this one: only the system actor (jobs, the sweep's follow-up) has every
# permission. CLOSE_WINDOW guards ``lapse``.
CLOSE_WINDOW = "qa.close_window"
TASK_PROCESS = "inspection.inspectiontask"
SCORE_PROCESS = "inspection.score"
DISPUTE_PROCESS = "inspection.dispute"

WINDOW = Clock(
    "inspection.dispute_window",
    gettext_noop("质检评分申诉期限"),
    int(DISPUTE_WINDOW.default),
    Unit.WORKING_DAYS,
    # the rule (inspection.dispute_window_days) is named by its label: pages show this text
    gettext_noop(
        "HIQC 设计默认值（P）：被质检人自评分之日起 5 个工作日内可提出申诉"
        "（规则“质检评分申诉期限（工作日）”，可在规则页调整）"
    ),
    window=True,  # the agent's right: an unused window is no breach
)

TASK = Workflow.build(
    name="inspection_task",
    states=TaskStatus,
    initial=TaskStatus.PENDING,
    final=[TaskStatus.SCORED],
    transitions=[
        T("score", TaskStatus.PENDING, TaskStatus.SCORED, perm=INSPECT,
          label=gettext_noop("质检评分"), requires=["lines"]),
    ],
)  # fmt: skip

S = ScoreStatus
SCORE = Workflow.build(
    name="inspection_score",
    states=ScoreStatus,
    initial=S.SCORED,
    final=[S.CONFIRMED, S.UPHELD, S.AMENDED],
    clocks=[WINDOW],
    # started by task_score with the window in force (rule inspection.dispute_window_days), not
    # by on_create, whose clock amounts are fixed in code
    on_create=[],
    transitions=[
        T("dispute", S.SCORED, S.DISPUTED, perm=DISPUTE, label=gettext_noop("提出申诉"),
          requires=["reason"], effects=[Stop(WINDOW)]),
        T("lapse", S.SCORED, S.CONFIRMED, perm=CLOSE_WINDOW,
          label=gettext_noop("申诉期满，评分确认"),
          effects=[Cancel(WINDOW)]),
        T("uphold", S.DISPUTED, S.UPHELD, perm=INSPECT, label=gettext_noop("申诉维持原评分"),
          requires=["note"]),
        T("amend", S.DISPUTED, S.AMENDED, perm=INSPECT, label=gettext_noop("申诉改正评分"),
          requires=["note", "lines"]),
    ],
)  # fmt: skip

D = DisputeStatus
DISPUTE_CASE = Workflow.build(
    name="inspection_dispute",
    states=DisputeStatus,
    initial=D.OPEN,
    final=[D.UPHELD, D.AMENDED],
    transitions=[
        T("uphold", D.OPEN, D.UPHELD, perm=INSPECT, label=gettext_noop("维持原评分"),
          requires=["note"]),
        T("amend", D.OPEN, D.AMENDED, perm=INSPECT, label=gettext_noop("改正评分"),
          requires=["note", "lines"]),
    ],
)  # fmt: skip
