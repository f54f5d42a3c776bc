"""The rectification of a failed inspection item as data (DESIGN §4 rule 3; standard 8.1, 8.3.4;
issue 19 §3).

待整改 open → 已整改待验证 done → 已验证关闭 closed; a verification that finds the correction
insufficient sends it back to open (``reject``); cancelled from open or done with a reason. The
clock runs from the inspection to the first recorded correction (met or breached then); a
rejected correction is visible in the case's events and its reason. The clock is an **internal target** (no regulation sets it): the
correction within 15 calendar days of the inspection, tunable per org subtree through the process
configuration like every internal target.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .enums import INSPECT, RECTIFY, VIEW
from .enums import RectificationStatus as S

PROCESS = "facilities.rectification"

RECTIFICATION_CLOCK = Clock(
    "facilities.rectification", gettext_noop("设施整改（内部目标）"), 15, Unit.CALENDAR_DAYS,
    gettext_noop("内部目标 (P)：检查发现不合格项后 15 日内完成整改（8.1、8.3.4）"),
)  # fmt: skip

RECTIFICATION = Workflow.build(
    name="facility_rectification",
    states=S,
    initial=S.OPEN,
    final=[S.CLOSED, S.CANCELLED],
    clocks=[RECTIFICATION_CLOCK],
    on_create=[Start(RECTIFICATION_CLOCK)],
    transitions=[
        T("rectify", S.OPEN, S.DONE, perm=RECTIFY, label=gettext_noop("登记整改措施"),
          requires=["correction"], effects=[Stop(RECTIFICATION_CLOCK, optional=True)]),
        T("verify", S.DONE, S.CLOSED, perm=INSPECT, label=gettext_noop("验证并关闭"),
          requires=["verification"]),
        T("reject", S.DONE, S.OPEN, perm=INSPECT, label=gettext_noop("验证未通过，退回整改"),
          requires=["reason"]),
        T("cancel", [S.OPEN, S.DONE], S.CANCELLED, perm=INSPECT, label=gettext_noop("撤销"),
          requires=["reason"], effects=[Cancel(RECTIFICATION_CLOCK, optional=True)]),
    ],
)  # fmt: skip

# "My work" (CaseKind.work_by_state): an open task is the work of those who correct it; a
# corrected one waits for an inspector to verify it. Cancelling is an inspector's right, not work
# waiting for them.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {S.OPEN: (RECTIFY,), S.DONE: (INSPECT,)}

ACTION_LABELS = {
    "create": gettext_noop("登记"),
    **{t.name: t.label for t in RECTIFICATION.transitions},
}

__all__ = ["PROCESS", "RECTIFICATION", "RECTIFICATION_CLOCK", "VIEW"]
