"""The impact assessment of a regulatory change as data (DESIGN §4 rule 3; standard 9.1.2(2),
9.1.3; issue 20 §1).

待评估 open → 评估中 assessing (``start``: who analyses) → 已完成 done (``conclude``: the outcome,
with the obligations, controls and rules it updated recorded as links); ``cancel`` from open or
assessing with a reason. The clock is an **internal target** (no regulation sets it): the
assessment concluded within 30 calendar days of the change being recorded (a design default, P),
so that the register is updated before most changes take effect.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .enums import MANAGE
from .enums import AssessmentStatus as S

PROCESS = "compliance.impactassessment"

ASSESSMENT_CLOCK = Clock(
    "compliance.impact_assessment", gettext_noop("法规变化影响评估（内部目标）"), 30,
    Unit.CALENDAR_DAYS,
    gettext_noop("内部目标 (P)：登记法规变化后 30 日内完成影响评估并更新义务、控制或规则（9.1.3）"),
)  # fmt: skip

ASSESSMENT = Workflow.build(
    name="impact_assessment",
    states=S,
    initial=S.OPEN,
    final=[S.DONE, S.CANCELLED],
    clocks=[ASSESSMENT_CLOCK],
    on_create=[Start(ASSESSMENT_CLOCK)],
    transitions=[
        T("start", S.OPEN, S.ASSESSING, perm=MANAGE, label=gettext_noop("开始评估"),
          requires=["analysis"]),
        T("note", S.ASSESSING, S.ASSESSING, perm=MANAGE, label=gettext_noop("记录更新内容"),
          requires=["ref"]),
        T("conclude", S.ASSESSING, S.DONE, perm=MANAGE, label=gettext_noop("完成评估"),
          requires=["outcome"], effects=[Stop(ASSESSMENT_CLOCK, optional=True)]),
        T("cancel", [S.OPEN, S.ASSESSING], S.CANCELLED, perm=MANAGE, label=gettext_noop("撤销"),
          requires=["reason"], effects=[Cancel(ASSESSMENT_CLOCK, optional=True)]),
    ],
)  # fmt: skip

WORK_BY_STATE: dict[str, tuple[str, ...]] = {S.OPEN: (MANAGE,), S.ASSESSING: (MANAGE,)}

ACTION_LABELS = {
    "create": gettext_noop("登记"),
    **{t.name: t.label for t in ASSESSMENT.transitions},
}
