"""A self-assessment round as data (DESIGN §4 rule 3; issue 22 §3; ADR 0035).

自评中 in_progress (opened with every clause's automatic status for the unit's subtree and the
period; ``refresh`` recomputes them, keeping the judgements) → ``submit`` (the assessor: a
summary) → 待签署 submitted → ``sign_off`` (the quality lead, never the person who submitted it:
refused ``own_round``) → 已签署 signed_off, final: every leaf clause judged not conforming opens a
quality nonconformity. ``return`` sends a submitted round back with a reason; ``cancel`` ends an
in-progress one with a reason.

The clock is an **internal target** (no regulation sets it): signed off within 20 working days of
opening (a design default, P).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .enums import ASSESS, SIGN_OFF
from .enums import RoundStatus as S

PROCESS = "conformance.assessmentround"

SIGNOFF_CLOCK = Clock(
    "conformance.round_signoff", gettext_noop("自评估签署（内部目标）"), 20, Unit.WORKING_DAYS,
    gettext_noop("内部目标 (P)：自评估开始后 20 个工作日内由质量管理负责人签署"),
)  # fmt: skip

ROUND = Workflow.build(
    name="conformance_round",
    states=S,
    initial=S.IN_PROGRESS,
    final=[S.SIGNED_OFF, S.CANCELLED],
    clocks=[SIGNOFF_CLOCK],
    on_create=[Start(SIGNOFF_CLOCK)],
    transitions=[
        T("refresh", S.IN_PROGRESS, S.IN_PROGRESS, perm=ASSESS,
          label=gettext_noop("重新计算自动状态")),
        T("submit", S.IN_PROGRESS, S.SUBMITTED, perm=ASSESS, label=gettext_noop("提交签署"),
          requires=["summary"]),
        T("sign_off", S.SUBMITTED, S.SIGNED_OFF, perm=SIGN_OFF, label=gettext_noop("签署"),
          effects=[Stop(SIGNOFF_CLOCK)]),
        T("return", S.SUBMITTED, S.IN_PROGRESS, perm=SIGN_OFF, label=gettext_noop("退回修改"),
          requires=["reason"]),
        T("cancel", S.IN_PROGRESS, S.CANCELLED, perm=ASSESS, label=gettext_noop("撤销"),
          requires=["reason"], effects=[Cancel(SIGNOFF_CLOCK)]),
    ],
)  # fmt: skip

WORK_BY_STATE: dict[str, tuple[str, ...]] = {S.IN_PROGRESS: (ASSESS,), S.SUBMITTED: (SIGN_OFF,)}

ACTION_LABELS = {
    "create": gettext_noop("开始自评估"),
    **{t.name: t.label for t in ROUND.transitions},
}
