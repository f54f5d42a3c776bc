"""The fault ticket as data (DESIGN §4 rule 3; standard 8.2.3 "设备出现故障应及时维修"; issue 19 §5).

已报告 reported → 已响应处理中 in_progress (``accept`` by a repairer, or ``assign`` to one by the
facility administrator) → 已修复待确认 repaired (``repair``: resolution, cause, when the service came
back) → 已关闭 closed (``confirm`` by the reporting side), or back to in_progress (``reopen``: the
repair did not hold). ``cancel`` (a false alarm, a duplicate) from reported or in_progress.

Two clocks run from the report, chosen by the severity — **internal targets (P)**: no regulation
sets a repair time; 8.2.3 asks only that faults be repaired promptly. The defaults:

============  ===================  ====================
severity      response             repair
============  ===================  ====================
紧急 critical  1 hour (24×7)        4 hours (24×7)
严重 major     4 hours (24×7)       1 working day
一般 minor     1 working day        3 working days
============  ===================  ====================

Hours are elapsed hours around the clock (a stopped service is restored at night and at the
weekend); working days skip weekends and public holidays (the kernel's calendar). Each amount is
a rule (``facilities.fault.<severity>.<response|repair>``, ``hiqc.core.rules``) the quality
department may change; the warning thresholds are tuned per org subtree through the process
configuration (``clocks.<code>.warning_fractions`` of process ``facilities.fault``). The
response clock stops at the first response (accept or assign); the repair clock at the first
recorded repair (a reopened ticket keeps the measurement of the first repair, visible in its
events, as the rectification does).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Stop, T, Workflow

from ..enums import MANAGE
from .enums import FAULT_REPAIR, FAULT_REPORT
from .enums import FaultSeverity as V
from .enums import FaultStatus as S

PROCESS = "facilities.fault"


def _clock(severity: str, step: str, amount: int, unit: Unit, label: str, source: str) -> Clock:
    return Clock(f"facilities.fault.{severity}.{step}", label, amount, unit, source)


# (severity, step) → the clock declared with its default target
CLOCKS: dict[tuple[str, str], Clock] = {
    (V.CRITICAL, "response"): _clock(V.CRITICAL, "response", 1, Unit.HOURS,
        gettext_noop("紧急故障响应（内部目标）"),
        gettext_noop("内部目标 (P)：紧急故障（服务中断）1 小时内响应，昼夜连续计算（8.2.3）")),
    (V.CRITICAL, "repair"): _clock(V.CRITICAL, "repair", 4, Unit.HOURS,
        gettext_noop("紧急故障修复（内部目标）"),
        gettext_noop("内部目标 (P)：紧急故障（服务中断）4 小时内修复，昼夜连续计算（8.2.3）")),
    (V.MAJOR, "response"): _clock(V.MAJOR, "response", 4, Unit.HOURS,
        gettext_noop("严重故障响应（内部目标）"),
        gettext_noop("内部目标 (P)：严重故障（服务降级）4 小时内响应，昼夜连续计算（8.2.3）")),
    (V.MAJOR, "repair"): _clock(V.MAJOR, "repair", 1, Unit.WORKING_DAYS,
        gettext_noop("严重故障修复（内部目标）"),
        gettext_noop("内部目标 (P)：严重故障（服务降级）1 个工作日内修复（8.2.3）")),
    (V.MINOR, "response"): _clock(V.MINOR, "response", 1, Unit.WORKING_DAYS,
        gettext_noop("一般故障响应（内部目标）"),
        gettext_noop("内部目标 (P)：一般故障 1 个工作日内响应（8.2.3）")),
    (V.MINOR, "repair"): _clock(V.MINOR, "repair", 3, Unit.WORKING_DAYS,
        gettext_noop("一般故障修复（内部目标）"),
        gettext_noop("内部目标 (P)：一般故障 3 个工作日内修复（8.2.3）")),
}  # fmt: skip
RESPONSE = [c for (_s, step), c in CLOCKS.items() if step == "response"]
REPAIR = [c for (_s, step), c in CLOCKS.items() if step == "repair"]


def _stop(clocks: list[Clock]) -> list:
    return [Stop(c, optional=True) for c in clocks]  # only the ticket's severity's clock runs


FAULT = Workflow.build(
    name="facility_fault",
    states=S,
    initial=S.REPORTED,
    final=[S.CLOSED, S.CANCELLED],
    clocks=list(CLOCKS.values()),
    # the clocks of the ticket's severity are started by fault_report (their amounts are rules)
    on_create=[],
    transitions=[
        T("accept", S.REPORTED, S.IN_PROGRESS, perm=FAULT_REPAIR, label=gettext_noop("响应并受理维修"),
          effects=_stop(RESPONSE)),
        T("assign", [S.REPORTED, S.IN_PROGRESS], S.IN_PROGRESS, perm=MANAGE,
          label=gettext_noop("指派维修人员"), requires=["assignee"], effects=_stop(RESPONSE)),
        T("repair", S.IN_PROGRESS, S.REPAIRED, perm=FAULT_REPAIR, label=gettext_noop("登记修复"),
          requires=["resolution", "cause"], effects=_stop(REPAIR)),
        T("confirm", S.REPAIRED, S.CLOSED, perm=FAULT_REPORT, label=gettext_noop("确认修复并关闭")),
        T("reopen", S.REPAIRED, S.IN_PROGRESS, perm=FAULT_REPORT,
          label=gettext_noop("修复未达要求，退回维修"), requires=["reason"]),
        T("cancel", [S.REPORTED, S.IN_PROGRESS], S.CANCELLED, perm=MANAGE,
          label=gettext_noop("撤销（误报或重复）"), requires=["reason"],
          effects=[Cancel(c, optional=True) for c in CLOCKS.values()]),
    ],
)  # fmt: skip

# "My work" (CaseKind.work_by_state): a reported fault waits for a repairer in scope; one in
# progress is its assignee's; a repaired one waits for the reporting side to confirm it.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {
    S.REPORTED: (FAULT_REPAIR,), S.IN_PROGRESS: (), S.REPAIRED: (FAULT_REPORT,),
}  # fmt: skip

ACTION_LABELS = {
    "create": gettext_noop("报告故障"),
    **{t.name: t.label for t in FAULT.transitions},
}
