"""The claims process as data (standard 5.1.1: application → document review → adjudication →
payment; clocks of the Insurance Law, CL-1…CL-11).

- ``claims.decide``: decide within 30 days of first receipt (CL-2); paused from the day a
  supplement notice reaches the claimant to the day the documents reach the insurer (CL-3).
- ``claims.advance``: at 60 days from receipt (supplement time deducted the same way) without a
  fixed amount, an advance-payment task opens (CL-7); cancelled once the amount is fixed.
- ``claims.notice``: internal target — the one-time notice (or completeness) within 3 working
  days of receipt (CL-1, P).
- ``claims.refusal_notice``: the refusal notice with reasons within 3 days of the decision (CL-6).
- ``claims.payment``: pay within 10 days of agreeing the amount (CL-5).
- ``claims.fast_track``: small claims closed within 24 hours of acceptance (CL-11, C; started by
  the service only for small claims).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Pause, Resume, Start, Stop, T, Workflow

from .enums import Status

DECIDE = Clock(
    "claims.decide",
    gettext_noop("理赔核定"),
    30,
    Unit.CALENDAR_DAYS,
    gettext_noop("《保险法》第23条：30日内作出核定；补充材料期间扣除（司法解释二第15条）(CL-2/3)"),
)
ADVANCE = Clock(
    "claims.advance",
    gettext_noop("先予支付"),
    60,
    Unit.CALENDAR_DAYS,
    gettext_noop("《保险法》第25条：60日内不能确定赔付金额的，先予支付可确定部分 (CL-7)"),
)
NOTICE = Clock(
    "claims.notice",
    gettext_noop("一次性告知"),
    3,
    Unit.WORKING_DAYS,
    gettext_noop("《保险法》第22条：资料不完整的一次性通知；内部目标3个工作日 (CL-1, P)"),
)
REFUSAL_NOTICE = Clock(
    "claims.refusal_notice",
    gettext_noop("拒赔通知"),
    3,
    Unit.CALENDAR_DAYS,
    gettext_noop("《保险法》第24条：作出拒赔决定之日起3日内发出拒赔通知书并说明理由 (CL-6)"),
)
PAYMENT = Clock(
    "claims.payment",
    gettext_noop("赔款支付"),
    10,
    Unit.CALENDAR_DAYS,
    gettext_noop("《保险法》第23条：达成赔付协议后10日内履行赔付义务 (CL-5)"),
)
FAST_TRACK = Clock(
    "claims.fast_track",
    gettext_noop("小额快赔"),
    24,
    Unit.HOURS,
    gettext_noop("小额理赔服务承诺：受理后24小时内结案 (CL-11, C)"),
)

HANDLE = "claims.handle"
OVERRIDE = "claims.override"
S = Status

WORKFLOW = Workflow.build(
    name="claim",
    states=Status,
    initial=S.RECEIVED,
    final=[S.CLOSED, S.WITHDRAWN],
    clocks=[DECIDE, ADVANCE, NOTICE, REFUSAL_NOTICE, PAYMENT, FAST_TRACK],
    # from the claim's receipt (an imported claim's is the source system's, not the import's)
    on_create=[Start(DECIDE, at_field="received_at"), Start(ADVANCE, at_field="received_at"),
               Start(NOTICE, at_field="received_at")],
    transitions=[
        T("start_review", S.RECEIVED, S.REVIEW, perm=HANDLE, label=gettext_noop("开始审核资料")),
        T("request_supplement", S.REVIEW, S.AWAITING_SUPPLEMENT, perm=HANDLE,
          label=gettext_noop("一次性告知补充资料"), requires=["items"],
          effects=[Stop(NOTICE, optional=True)]),
        T("notice_delivered", S.AWAITING_SUPPLEMENT, S.AWAITING_SUPPLEMENT, perm=HANDLE,
          label=gettext_noop("通知送达（中止计时）"),
          effects=[Pause(DECIDE, optional=True), Pause(ADVANCE, optional=True)]),
        T("supplement_received", S.AWAITING_SUPPLEMENT, S.REVIEW, perm=HANDLE,
          label=gettext_noop("补充材料送达（恢复计时）"),
          effects=[Resume(DECIDE, optional=True), Resume(ADVANCE, optional=True)]),
        T("documents_complete", S.REVIEW, S.ADJUDICATION, perm=HANDLE,
          label=gettext_noop("资料齐全，进入核定"), effects=[Stop(NOTICE, optional=True)]),
        T("decide", S.ADJUDICATION, S.DECIDED, perm=HANDLE, label=gettext_noop("核定赔付"),
          requires=["outcome", "amount_approved"],
          effects=[Stop(DECIDE, optional=True), Cancel(ADVANCE, optional=True)]),
        T("refuse", S.ADJUDICATION, S.DECIDED, perm=HANDLE, label=gettext_noop("核定拒赔"),
          requires=["reason_code", "reason_text"],
          effects=[Stop(DECIDE, optional=True), Cancel(ADVANCE, optional=True),
                   Start(REFUSAL_NOTICE, optional=True)]),
        T("send_refusal_notice", S.DECIDED, S.DECIDED, perm=HANDLE, label=gettext_noop("发出拒赔通知书"),
          effects=[Stop(REFUSAL_NOTICE)]),
        T("agree_amount", S.DECIDED, S.PAYING, perm=HANDLE, label=gettext_noop("赔付金额达成一致"),
          effects=[Start(PAYMENT, optional=True)]),
        T("pay", S.PAYING, S.PAID, perm=HANDLE, label=gettext_noop("支付赔款"),
          requires=["channel", "reference"], effects=[Stop(PAYMENT, optional=True)]),
        T("close", [S.PAID, S.DECIDED], S.CLOSED, perm=HANDLE, label=gettext_noop("结案"),
          effects=[Stop(FAST_TRACK, optional=True)]),
        T("request_human_review", [S.DECIDED, S.PAYING, S.PAID], S.ADJUDICATION, perm=HANDLE,
          label=gettext_noop("申请人工复核自动核定"), requires=["reason"]),
        T("withdraw", [S.RECEIVED, S.REVIEW, S.AWAITING_SUPPLEMENT, S.ADJUDICATION], S.WITHDRAWN,
          perm=HANDLE, label=gettext_noop("申请人撤回"), requires=["reason"],
          effects=[Cancel(DECIDE, optional=True), Cancel(ADVANCE, optional=True),
                   Cancel(NOTICE, optional=True), Cancel(FAST_TRACK, optional=True)]),
    ],
)  # fmt: skip
