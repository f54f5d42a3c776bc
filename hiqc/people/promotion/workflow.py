"""Promotion as data (standard 7.3.2–7.3.3; issue 18 §6).

已提名 nominated (员工自荐 or 部门推荐) → ``evaluate`` 已完成综合评估 evaluated (the three criteria
of 7.3.2 scored with their evidence) → ``publish`` 公示中 notice (the notice clock starts) →
``end_notice`` 公示期满 review (when the clock has run out: by the system as the sweep finds it,
or by a handler) → ``appoint`` 已任命 appointed, once every objection is answered and none was
upheld. Objections are lodged during the notice (not a step: see ``services.objection_lodge``)
and answered, each with reasons, once the notice has ended: ``dismiss_objection`` (the state
stays) or ``uphold_objection`` → 异议成立，已终止 stopped. ``reject`` → 未予晋升 rejected from any open state.

Clock ``people.promotion_notice``: the public notice, N **working days** (with 调休, the kernel
calendar) from the day after publication; N is rule ``people.promotion_notice_days`` (HIQC design
default (P) 5) read when the notice is published, so the clock is started by the service with the
rule in force (as inspection's dispute window), not by the step's fixed amount. It is a window —
a right of the unit's staff to object — so its end is no breach.

Who acts: the evaluator holds ``promotions.evaluate``, the decider ``promotions.decide`` over the
candidate's unit — never the candidate themself (the domain guard).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, T, Workflow

from .models import PromotionStatus as P
from .permissions import DECIDE, EVALUATE, NOMINATE, NOTICE_READ, TAKE_PART, VIEW
from .rules import NOTICE_DAYS

__all__ = ["DECIDE", "EVALUATE", "NOMINATE", "NOTICE_READ", "TAKE_PART", "VIEW"]

PROCESS = "people.promotion"

NOTICE = Clock(
    "people.promotion_notice",
    gettext_noop("晋升公示期"),
    int(NOTICE_DAYS.default),
    Unit.WORKING_DAYS,
    gettext_noop(
        "HIQC 设计默认值（P）：晋升名单公示 5 个工作日，期间本机构人员可提出异议"
        "（规则“晋升公示期（工作日）”，可在规则页调整）；标准 7.3.3(4)"
    ),
    window=True,  # the unit's right to object: its end is no breach
)

OPEN = (P.NOMINATED, P.EVALUATED, P.NOTICE, P.REVIEW)

PROMOTION = Workflow.build(
    name="promotion",
    states=P,
    initial=P.NOMINATED,
    final=[P.APPOINTED, P.STOPPED, P.REJECTED],
    clocks=[NOTICE],
    # the notice clock is started by ``promotion_act`` on ``publish`` with the rule in force
    on_create=[],
    transitions=[
        T("evaluate", P.NOMINATED, P.EVALUATED, perm=EVALUATE, label=gettext_noop("综合评估"),
          requires=["performance", "ability", "conduct"]),
        T("publish", P.EVALUATED, P.NOTICE, perm=DECIDE, label=gettext_noop("发布公示")),
        T("end_notice", P.NOTICE, P.REVIEW, perm=DECIDE, label=gettext_noop("公示期满"),
          effects=[Cancel(NOTICE, optional=True)]),
        T("dismiss_objection", P.REVIEW, P.REVIEW, perm=DECIDE,
          label=gettext_noop("答复异议：不成立"), requires=["objection", "reasons"]),
        T("uphold_objection", P.REVIEW, P.STOPPED, perm=DECIDE,
          label=gettext_noop("答复异议：成立（终止晋升）"), requires=["objection", "reasons"]),
        T("appoint", P.REVIEW, P.APPOINTED, perm=DECIDE, label=gettext_noop("正式任命"),
          requires=["effective_on"]),
        T("reject", list(OPEN), P.REJECTED, perm=DECIDE, label=gettext_noop("不予晋升"),
          requires=["reasons"], effects=[Cancel(NOTICE, optional=True)]),
    ],
)  # fmt: skip

ACTION_LABELS = {
    "create": gettext_noop("提名"),
    **{t.name: t.label for t in PROMOTION.transitions},
}
