"""Supervision visits and findings as data (standard 2.3.1, 2.3.2; issue 16 §6).

Visit: 已计划 planned → 已完成 done (the checklist recorded) or 已取消 cancelled.

Finding: 待整改答复 open → 已答复 responded → 已验证 verified, or 已关闭 closed (withdrawn, or
handed over to a nonconformity) from open or responded. Clock ``processes.finding_response``:
the owning unit answers within 10 working days of opening — an **internal target** (no clause
sets one), configurable per org subtree through the process configuration like every internal
target.

Who must act: the handlers over the finding's unit (``processes.findings.handle``) while it is
open; the supervisors (``processes.supervise``) once it is answered. Closing an open finding is a
supervisor's right, not work waiting for them.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .models import FindingStatus as F
from .models import VisitStatus as V

VIEW, SUPERVISE, HANDLE = "processes.view", "processes.supervise", "processes.findings.handle"
VISIT_PROCESS = "process_management.supervisionvisit"
FINDING_PROCESS = "process_management.supervisionfinding"

RESPONSE = Clock(
    "processes.finding_response",
    gettext_noop("监督发现整改答复（内部目标）"),
    10,
    Unit.WORKING_DAYS,
    gettext_noop("内部目标 (P)：监督发现登记后 10 个工作日内由责任机构答复整改情况"),
)

VISIT = Workflow.build(
    name="supervision_visit",
    states=V,
    initial=V.PLANNED,
    final=[V.DONE, V.CANCELLED],
    transitions=[
        T("record", V.PLANNED, V.DONE, perm=SUPERVISE, label=gettext_noop("录入检查结果")),
        T("cancel", V.PLANNED, V.CANCELLED, perm=SUPERVISE, label=gettext_noop("取消检查"),
          requires=["reason"]),
    ],
)  # fmt: skip

FINDING = Workflow.build(
    name="supervision_finding",
    states=F,
    initial=F.OPEN,
    final=[F.VERIFIED, F.CLOSED],
    clocks=[RESPONSE],
    on_create=[Start(RESPONSE)],
    transitions=[
        T("respond", F.OPEN, F.RESPONDED, perm=HANDLE, label=gettext_noop("答复整改情况"),
          requires=["response"], effects=[Stop(RESPONSE)]),
        T("verify", F.RESPONDED, F.VERIFIED, perm=SUPERVISE, label=gettext_noop("验证整改"),
          requires=["verification"]),
        T("close", [F.OPEN, F.RESPONDED], F.CLOSED, perm=SUPERVISE, label=gettext_noop("关闭"),
          requires=["reason"], effects=[Cancel(RESPONSE, optional=True)]),
    ],
)  # fmt: skip

FINDING_WORK_BY_STATE: dict[str, tuple[str, ...]] = {F.OPEN: (HANDLE,), F.RESPONDED: (SUPERVISE,)}

VISIT_ACTION_LABELS = {
    "create": gettext_noop("计划"),
    **{t.name: t.label for t in VISIT.transitions},
}
FINDING_ACTION_LABELS = {
    "create": gettext_noop("登记"),
    **{t.name: t.label for t in FINDING.transitions},
}
