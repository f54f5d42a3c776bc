"""The risk treatment plan as data (DESIGN §4 rule 3; standard 9.2.2; issue 20 §4).

待实施 open → 实施中 in_progress (``start``: the plan) → 已完成 done (``complete``: the outcome,
every action done); ``add_action`` (title, owner, due date) and
``complete_action`` (its number), both in progress; ``cancel`` with a reason. The clock is an
**internal target** (no regulation sets it): the plan completed within
``compliance.risk_treatment_days`` (90 calendar days, P) of being opened.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Stop, T, Workflow

from .enums import RISK_MANAGE
from .enums import TreatmentStatus as S
from .scale import TREATMENT_DAYS

PROCESS = "compliance.risktreatment"

TREATMENT_CLOCK = Clock(
    "compliance.risk_treatment", gettext_noop("风险应对计划完成（内部目标）"),
    int(TREATMENT_DAYS.default), Unit.CALENDAR_DAYS,
    gettext_noop("内部目标 (P)：应对计划自开启起 90 日内完成（9.2.2）；期限为可配置规则"),
)  # fmt: skip

TREATMENT = Workflow.build(
    name="risk_treatment",
    states=S,
    initial=S.OPEN,
    final=[S.DONE, S.CANCELLED],
    clocks=[TREATMENT_CLOCK],
    transitions=[
        T("start", S.OPEN, S.IN_PROGRESS, perm=RISK_MANAGE, label=gettext_noop("开始实施"),
          requires=["plan"]),
        T("add_action", S.IN_PROGRESS, S.IN_PROGRESS, perm=RISK_MANAGE,
          label=gettext_noop("增加应对措施"), requires=["title", "owner", "due"]),
        T("complete_action", S.IN_PROGRESS, S.IN_PROGRESS, perm=RISK_MANAGE,
          label=gettext_noop("完成应对措施"), requires=["index"]),
        T("complete", S.IN_PROGRESS, S.DONE, perm=RISK_MANAGE, label=gettext_noop("完成计划"),
          requires=["outcome"], effects=[Stop(TREATMENT_CLOCK, optional=True)]),
        T("cancel", [S.OPEN, S.IN_PROGRESS], S.CANCELLED, perm=RISK_MANAGE,
          label=gettext_noop("撤销"), requires=["reason"],
          effects=[Cancel(TREATMENT_CLOCK, optional=True)]),
    ],
)  # fmt: skip

WORK_BY_STATE: dict[str, tuple[str, ...]] = {S.OPEN: (RISK_MANAGE,),
                                             S.IN_PROGRESS: (RISK_MANAGE,)}  # fmt: skip

ACTION_LABELS = {
    "create": gettext_noop("开启"),
    **{t.name: t.label for t in TREATMENT.transitions},
}
