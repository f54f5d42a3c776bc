"""A compliance inspection visit as data (DESIGN §4 rule 3; standard 9.1.2(3)(4); issue 20 §3;
ADR 0029).

待检查 planned → 检查中 in_progress (``start``: the inspector arrives; the report clock starts) →
已出具报告 reported (``report``: every checklist item marked, a summary; failed items become kernel
findings; the clock stops) → 已关闭 closed (``close``: the conclusion once the findings are
followed up). While reported, ``open_nc`` opens a nonconformity (quality, 10.2) for one finding
of the visit, so its correction runs on the quality chapter's case. ``cancel`` from planned or
in progress with a reason.

The clock is an **internal target** (no regulation sets it): the report issued within 10 working
days of the visit starting (a design default, P).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from ..enums import MANAGE
from .enums import InspectionStatus as S

PROCESS = "compliance.complianceinspection"

REPORT_CLOCK = Clock(
    "compliance.inspection_report", gettext_noop("合规检查报告（内部目标）"), 10,
    Unit.WORKING_DAYS,
    gettext_noop("内部目标 (P)：开始现场检查后 10 个工作日内出具检查报告（9.1.2(4)）"),
)  # fmt: skip

INSPECTION = Workflow.build(
    name="compliance_inspection",
    states=S,
    initial=S.PLANNED,
    final=[S.CLOSED, S.CANCELLED],
    clocks=[REPORT_CLOCK],
    transitions=[
        T("start", S.PLANNED, S.IN_PROGRESS, perm=MANAGE, label=gettext_noop("开始检查"),
          effects=[Start(REPORT_CLOCK)]),
        T("report", S.IN_PROGRESS, S.REPORTED, perm=MANAGE, label=gettext_noop("出具检查报告"),
          requires=["summary"], effects=[Stop(REPORT_CLOCK, optional=True)]),
        T("open_nc", S.REPORTED, S.REPORTED, perm=MANAGE, label=gettext_noop("就合规事项开启不符合项"),
          requires=["finding"]),
        T("close", S.REPORTED, S.CLOSED, perm=MANAGE, label=gettext_noop("关闭检查"),
          requires=["conclusion"]),
        T("cancel", [S.PLANNED, S.IN_PROGRESS], S.CANCELLED, perm=MANAGE,
          label=gettext_noop("撤销"), requires=["reason"],
          effects=[Cancel(REPORT_CLOCK, optional=True)]),
    ],
)  # fmt: skip

WORK_BY_STATE: dict[str, tuple[str, ...]] = {
    S.PLANNED: (MANAGE,), S.IN_PROGRESS: (MANAGE,), S.REPORTED: (MANAGE,),
}  # fmt: skip

ACTION_LABELS = {
    "create": gettext_noop("登记检查"),
    **{t.name: t.label for t in INSPECTION.transitions},
}
