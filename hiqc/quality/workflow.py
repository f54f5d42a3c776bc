"""The nonconformity process as data (DESIGN §4 rule 3; standard 10.2, 2.3.1; issue 7 §4).

已登记 open → 原因分析中 analysing → 整改中 correcting → 已关闭 closed, or 已撤销 cancelled before
correction. Both clocks are **internal targets** (no regulation sets them): the root-cause analysis
within 10 working days, closure within 60 calendar days of opening; configurable per org subtree
through the process configuration like every internal target.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .enums import NCStatus as S
from .enums import PlanStatus as P

VIEW, HANDLE, OPEN = "quality.nc.view", "quality.nc.handle", "quality.nc.open"
PROCESS = "quality.nonconformity"

ANALYSIS = Clock("quality.nc_analysis", gettext_noop("不符合项原因分析（内部目标）"), 10,
                 Unit.WORKING_DAYS, gettext_noop("内部目标 (P)：登记后 10 个工作日内完成原因分析"))  # fmt: skip
CLOSURE = Clock("quality.nc_closure", gettext_noop("不符合项关闭（内部目标）"), 60,
                Unit.CALENDAR_DAYS, gettext_noop("内部目标 (P)：登记后 60 日内完成整改并验证关闭"))  # fmt: skip

NONCONFORMITY = Workflow.build(
    name="nonconformity",
    states=S,
    initial=S.OPEN,
    final=[S.CLOSED, S.CANCELLED],
    clocks=[ANALYSIS, CLOSURE],
    on_create=[Start(ANALYSIS), Start(CLOSURE)],
    transitions=[
        T("start_analysis", S.OPEN, S.ANALYSING, perm=HANDLE, label=gettext_noop("开始原因分析")),
        T("record_cause", S.ANALYSING, S.CORRECTING, perm=HANDLE, label=gettext_noop("登记原因与整改措施"),
          requires=["root_cause", "correction"], effects=[Stop(ANALYSIS)]),
        T("close", S.CORRECTING, S.CLOSED, perm=HANDLE, label=gettext_noop("验证并关闭"),
          requires=["verification"], effects=[Stop(CLOSURE)]),
        T("cancel", [S.OPEN, S.ANALYSING], S.CANCELLED, perm=OPEN, label=gettext_noop("撤销"),
          requires=["reason"], effects=[Cancel(ANALYSIS, optional=True), Cancel(CLOSURE)]),
    ],
)  # fmt: skip

# "My work" (issue 15 §3; CaseKind.work_by_state): the handlers over the unit must act in every
# open state. Cancelling (quality.nc.open) is a right of whoever opens nonconformities, not work
# waiting for them: an open or analysing one is not in their work for it.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {
    S.OPEN: (HANDLE,),
    S.ANALYSING: (HANDLE,),
    S.CORRECTING: (HANDLE,),
}

ACTION_LABELS = {
    "create": gettext_noop("登记"),
    **{t.name: t.label for t in NONCONFORMITY.transitions},
}


# --- improvement plans (PDCA) -----------------------------------------------------------------------

PLAN_PROCESS = "quality.improvementplan"

IMPROVEMENT = Workflow.build(
    name="improvement_plan",
    states=P,
    initial=P.PLAN,
    final=[P.CLOSED, P.CANCELLED],
    transitions=[
        T("start", P.PLAN, P.DO, perm=HANDLE, label=gettext_noop("开始实施")),
        T("check", P.DO, P.CHECK, perm=HANDLE, label=gettext_noop("进入效果检查"),
          requires=["after_start"]),
        T("act", P.CHECK, P.CLOSED, perm=HANDLE, label=gettext_noop("处置（标准化或新一轮）"),
          requires=["act_outcome", "act_note"]),
        T("cancel", [P.PLAN, P.DO], P.CANCELLED, perm=OPEN, label=gettext_noop("撤销"),
          requires=["reason"]),
    ],
)  # fmt: skip

# the same for plans: the handlers carry a plan through PDCA; cancelling it is a right (see above)
PLAN_WORK_BY_STATE: dict[str, tuple[str, ...]] = {
    P.PLAN: (HANDLE,),
    P.DO: (HANDLE,),
    P.CHECK: (HANDLE,),
}

PLAN_ACTION_LABELS = {
    "create": gettext_noop("制定"),
    **{t.name: t.label for t in IMPROVEMENT.transitions},
}
