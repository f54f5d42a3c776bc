"""An incident as data (DESIGN §4 rule 3; standard 9.3.3, 6.2.1(3); issue 20 §6).

已报告 reported → 处置中 handling (``accept``: the plan is activated) → 已控制 contained
(``contain``: the containment measures) → 已关闭 closed (``close``: root cause and lessons learnt,
which may open an improvement plan). A false alarm is withdrawn (误报撤销) from reported or handling.
While handling (and after containment) the notification of the affected customers and of the
regulator is recorded (``notify`` / ``notify_after_containment``); ``log`` adds a line to the
timeline while handling. Closing is refused while a required notification is missing.

Two clocks run from detection, both HIQC design defaults (P) read from the rules when the incident
is reported (``emergency.containment_hours``, ``emergency.notification_hours``): containment, and
— when personal information is involved or the regulator must be told — notification. PIPL art. 57
says "立即" and fixes no hours; the clock says so.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Stop, T, Workflow

from .enums import INCIDENT, VIEW
from .enums import IncidentStatus as S
from .rules import CONTAINMENT as CONTAINMENT_RULE
from .rules import NOTIFICATION as NOTIFICATION_RULE

PROCESS = "emergency.incident"

CONTAINMENT = Clock(
    "emergency.containment", gettext_noop("事件控制时限（设计默认值）"),
    int(CONTAINMENT_RULE.default), Unit.HOURS,
    gettext_noop("HIQC 设计默认值（P）：自发现起控制事态（规则“突发事件控制时限”；标准 9.3.3）"),
)  # fmt: skip
NOTIFICATION = Clock(
    "emergency.notification", gettext_noop("通知客户与监管部门时限（设计默认值）"),
    int(NOTIFICATION_RULE.default), Unit.HOURS,
    gettext_noop("《个人信息保护法》第57条要求“立即”通知，未规定小时数；时数为 HIQC 设计默认值（P）"
                 "（规则“信息安全事件通知时限”）"),
)  # fmt: skip

INCIDENT_FLOW = Workflow.build(
    name="emergency_incident",
    states=S,
    initial=S.REPORTED,
    final=[S.CLOSED, S.WITHDRAWN],
    clocks=[CONTAINMENT, NOTIFICATION],
    transitions=[
        T("accept", S.REPORTED, S.HANDLING, perm=INCIDENT, label=gettext_noop("启动应急处置")),
        T("log", S.HANDLING, S.HANDLING, perm=INCIDENT, label=gettext_noop("记录事件经过"),
          requires=["note"]),
        T("notify", S.HANDLING, S.HANDLING, perm=INCIDENT,
          label=gettext_noop("登记通知客户与报告监管"), requires=["notification"],
          effects=[Stop(NOTIFICATION, optional=True)]),
        T("contain", S.HANDLING, S.CONTAINED, perm=INCIDENT, label=gettext_noop("事态已控制"),
          requires=["containment"], effects=[Stop(CONTAINMENT, optional=True)]),
        T("notify_after_containment", S.CONTAINED, S.CONTAINED, perm=INCIDENT,
          label=gettext_noop("登记通知客户与报告监管（控制后）"), requires=["notification"],
          effects=[Stop(NOTIFICATION, optional=True)]),
        T("close", S.CONTAINED, S.CLOSED, perm=INCIDENT, label=gettext_noop("关闭事件"),
          requires=["root_cause", "lessons"]),
        T("withdraw", [S.REPORTED, S.HANDLING], S.WITHDRAWN, perm=INCIDENT,
          label=gettext_noop("误报撤销"), requires=["reason"],
          effects=[Cancel(CONTAINMENT, optional=True), Cancel(NOTIFICATION, optional=True)]),
    ],
)  # fmt: skip

# "My work": every open state is the work of those who handle incidents in scope.
WORK_BY_STATE: dict[str, tuple[str, ...]] = {
    S.REPORTED: (INCIDENT,), S.HANDLING: (INCIDENT,), S.CONTAINED: (INCIDENT,),
}  # fmt: skip

ACTION_LABELS = {
    "create": gettext_noop("报告事件"),
    **{t.name: t.label for t in INCIDENT_FLOW.transitions},
}

__all__ = ["CONTAINMENT", "INCIDENT_FLOW", "NOTIFICATION", "PROCESS", "VIEW"]
