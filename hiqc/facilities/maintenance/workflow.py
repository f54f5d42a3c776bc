"""A preventive-maintenance task as a case on the engine (DESIGN §4 rule 3; standard 8.2.2;
issue 19 §4; ADR 0032).

待保养 ``pending`` → 已完成 ``done`` (``facilities.maintain``: the plan's owners) / 已取消
``cancelled`` (``facilities.manage``, a reason). Its clock is an **internal target** (P: no
regulation sets a maintenance date, the plan does): it starts at the task's warning day
(``warn_on`` = due − the plan's lead: "due soon" is the clock's warning span) and falls due at
the end of its planned day (``Start(due_from="due_on")``: the date the plan's interval and the
last completion set, not N days after the task was written). Completing stops it — met when done
on or before ``due_on``, breached after; cancelling cancels it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from ..enums import MANAGE
from .enums import MAINTAIN
from .enums import TaskState as S

PROCESS = "facilities.maintenancetask"

PM_CLOCK = Clock(
    "facilities.maintenance", gettext_noop("预防性保养（内部目标）"), 1, Unit.CALENDAR_DAYS,
    gettext_noop("内部目标 (P)：按保养计划在应保养日期（含）前完成保养，提前期内预警（8.2.2）"),
)  # fmt: skip

MAINTENANCE = Workflow.build(
    name="facility_maintenance",
    states=S,
    initial=S.PENDING,
    final=[S.DONE, S.CANCELLED],
    clocks=[PM_CLOCK],
    on_create=[Start(PM_CLOCK, at_field="warn_on", due_from="due_on")],
    transitions=[
        T("complete", S.PENDING, S.DONE, perm=MAINTAIN, label=gettext_noop("登记保养完成"),
          effects=[Stop(PM_CLOCK, optional=True)]),
        T("cancel", S.PENDING, S.CANCELLED, perm=MANAGE, label=gettext_noop("取消保养任务"),
          requires=["reason"], effects=[Cancel(PM_CLOCK, optional=True)]),
    ],
)  # fmt: skip

# "My work": an open task is the work of those who maintain the item; cancelling is the
# equipment manager's right, not work waiting for them.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {S.PENDING: (MAINTAIN,)}
