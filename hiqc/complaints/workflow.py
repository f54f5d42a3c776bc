"""The complaint process as data (standard 4.2; CP-1…CP-8, CP-12).

Clocks (the law counts calendar days from receipt; the engine applies the Civil-Code rules):
- ``complaints.decide``: decide and tell the complainant within 15 days (CP-1); extendable to 30
  with a reason and a notice (CP-2) and to 60 only with a head-office senior approval (CP-3);
  paused for outside appraisal and restarted in full on new facts (CP-4).
- ``complaints.internal_reply``: the legacy 10-working-day reply target, an internal early warning
  ahead of the legal 15 days (CP-12).
- ``complaints.review``: the superior institution's review opinion within 30 days of the request
  (CP-8 review path).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import (
    Cancel,
    Clock,
    Extend,
    Pause,
    Restart,
    Resume,
    Start,
    Stop,
    T,
    Workflow,
)

from .enums import Status

DECIDE = Clock(
    "complaints.decide",
    gettext_noop("投诉处理决定"),
    15,
    Unit.CALENDAR_DAYS,
    gettext_noop(
        "《银行业保险业消费投诉处理管理办法》：15日内作出决定，可延至30日、经批准再延30日 (CP-1/2/3)"
    ),
    max_amount=60,
)
INTERNAL_REPLY = Clock(
    "complaints.internal_reply",
    gettext_noop("内部答复目标"),
    10,
    Unit.WORKING_DAYS,
    gettext_noop("《人身保险业务基本服务规定》：10个工作日内明确答复（内部目标，CP-12）"),
)
REVIEW = Clock(
    "complaints.review",
    gettext_noop("核查意见"),
    30,
    Unit.CALENDAR_DAYS,
    gettext_noop(
        "《银行业保险业消费投诉处理管理办法》：上级机构自收到核查申请之日起30日内作出核查意见 (CP-8)"
    ),
)
FIRST_EXTENSION_DAYS = 30
SECOND_EXTENSION_DAYS = 60
REVIEW_REQUEST_DAYS = 30  # CP-8: the complainant may ask within 30 days of the decision

HANDLE = "complaints.handle"
APPROVE = "complaints.approve"
S = Status

WORKFLOW = Workflow.build(
    name="complaint",
    states=Status,
    initial=S.REGISTERED,
    final=[S.WITHDRAWN, S.MERGED, S.ARCHIVED],
    clocks=[DECIDE, INTERNAL_REPLY, REVIEW],
    # both run from the receipt (CP-1), which may precede the registration
    on_create=[Start(DECIDE, at_field="received_at"), Start(INTERNAL_REPLY, at_field="received_at")],
    transitions=[
        T("assign", S.REGISTERED, S.INVESTIGATING, perm=HANDLE, label=gettext_noop("分派承办人"),
          requires=["assignee"]),
        T("reassign", S.INVESTIGATING, S.INVESTIGATING, perm=HANDLE, label=gettext_noop("改派承办人"),
          requires=["assignee", "reason"]),
        T("extend", S.INVESTIGATING, S.INVESTIGATING, perm=HANDLE, label=gettext_noop("延期至30日"),
          requires=["reason"], effects=[Extend(DECIDE, to_amount=FIRST_EXTENSION_DAYS)]),
        T("request_further_extension", S.INVESTIGATING, S.INVESTIGATING, perm=HANDLE,
          label=gettext_noop("申请再延期（报总公司批准）"), requires=["reason"]),
        T("extend_further", S.INVESTIGATING, S.INVESTIGATING, perm=APPROVE,
          label=gettext_noop("批准再延期30日"), requires=["reason"],
          effects=[Extend(DECIDE, to_amount=SECOND_EXTENSION_DAYS)]),
        T("start_appraisal", S.INVESTIGATING, S.APPRAISAL, perm=HANDLE, label=gettext_noop("外部鉴定（中止计时）"),
          requires=["reason"], effects=[Pause(DECIDE)]),
        T("end_appraisal", S.APPRAISAL, S.INVESTIGATING, perm=HANDLE, label=gettext_noop("鉴定结束（恢复计时）"),
          effects=[Resume(DECIDE)]),
        T("new_facts", [S.INVESTIGATING, S.APPRAISAL], S.INVESTIGATING, perm=HANDLE,
          label=gettext_noop("新事实新理由（重新计时）"), requires=["summary"], effects=[Restart(DECIDE)]),
        T("withdraw", [S.REGISTERED, S.INVESTIGATING, S.APPRAISAL], S.WITHDRAWN, perm=HANDLE,
          label=gettext_noop("投诉人撤回"), requires=["reason"],
          effects=[Cancel(DECIDE), Cancel(INTERNAL_REPLY)]),
        T("merge", [S.REGISTERED, S.INVESTIGATING], S.MERGED, perm=HANDLE, label=gettext_noop("合并至在办投诉"),
          requires=["into"], effects=[Cancel(DECIDE), Cancel(INTERNAL_REPLY)]),
        T("decide", S.INVESTIGATING, S.DECIDED, perm=HANDLE, label=gettext_noop("作出处理决定"),
          requires=["outcome", "root_cause", "facts_found", "basis", "decision_text"],
          effects=[Stop(DECIDE), Stop(INTERNAL_REPLY)]),
        T("request_review", S.DECIDED, S.UNDER_REVIEW, perm=HANDLE, label=gettext_noop("登记核查申请"),
          requires=["reason"], effects=[Start(REVIEW)]),
        T("conclude_review", S.UNDER_REVIEW, S.REVIEWED, perm=APPROVE, label=gettext_noop("出具核查意见"),
          requires=["opinion"], effects=[Stop(REVIEW)]),
        T("archive", [S.DECIDED, S.REVIEWED], S.ARCHIVED, perm=HANDLE, label=gettext_noop("归档")),
    ],
)  # fmt: skip

# "My work" (issue 15 §3): who must act in a state is whoever holds the permission of one of its
# transitions (CaseKind.work_map): the handlers, and under review the approvers alone. In
# investigation the approvers act only on a further extension asked for (CP-3): the kind's
# ``not_for`` (recusal.not_for) leaves out the others.
