"""The information app's processes as data (DESIGN §4 rule 3; standard 6.2.1(4), 6.2.3(3)(4),
6.2.3(1); issue 21 §4, §5).

**Access recertification** (权限复核): opened by the quarterly job for each unit with members;
``decide`` records one line's decision (confirm, or revoke with a reason: the membership is
revoked at once), ``confirm_rest`` confirms every line still pending, ``submit`` closes the case
once every line is decided. The clock is an **internal target (P)**: no regulation sets one; 6.2.1(4)
asks for periodic review and 6.2.3(4) for access to end promptly — HIQC's design default is 15
working days from the opening of the round, tunable per subtree through the process
configuration like every internal target.

**Remediation** (信息安全整改) of a failed self-evaluation item: 待整改 open → 已整改待验证
done → 已验证关闭 closed, ``reject`` back to open, ``cancel`` with a reason; internal target
(P) 30 calendar days from the evaluation to the recorded correction.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .enums import RECERTIFY, REMEDIATE, SECURITY
from .enums import RecertificationStatus as R
from .enums import RemediationStatus as S

RECERT_PROCESS = "information.accessrecertification"
REMEDIATION_PROCESS = "information.remediation"

RECERT_CLOCK = Clock(
    "information.recertification", gettext_noop("权限复核（内部目标）"), 15, Unit.WORKING_DAYS,
    gettext_noop("内部目标 (P)：季度复核发起后 15 个工作日内完成（6.2.1(4)、6.2.3(4)）"),
)  # fmt: skip

RECERTIFICATION = Workflow.build(
    name="access_recertification",
    states=R,
    initial=R.OPEN,
    final=[R.COMPLETED],
    clocks=[RECERT_CLOCK],
    on_create=[Start(RECERT_CLOCK)],
    transitions=[
        T("decide", R.OPEN, R.OPEN, perm=RECERTIFY, label=gettext_noop("确认或撤销一项授权"),
          requires=["line", "decision"]),
        T("confirm_rest", R.OPEN, R.OPEN, perm=RECERTIFY,
          label=gettext_noop("确认其余待确认授权")),
        T("submit", R.OPEN, R.COMPLETED, perm=RECERTIFY, label=gettext_noop("提交复核结果"),
          effects=[Stop(RECERT_CLOCK, optional=True)]),
    ],
)  # fmt: skip

REMEDIATION_CLOCK = Clock(
    "information.remediation", gettext_noop("信息安全整改（内部目标）"), 30, Unit.CALENDAR_DAYS,
    gettext_noop("内部目标 (P)：自评估发现不合格项后 30 日内完成整改（6.2.1(4)、6.2.3(1)）"),
)  # fmt: skip

REMEDIATION = Workflow.build(
    name="security_remediation",
    states=S,
    initial=S.OPEN,
    final=[S.CLOSED, S.CANCELLED],
    clocks=[REMEDIATION_CLOCK],
    on_create=[Start(REMEDIATION_CLOCK)],
    transitions=[
        T("rectify", S.OPEN, S.DONE, perm=REMEDIATE, label=gettext_noop("登记整改措施"),
          requires=["correction"], effects=[Stop(REMEDIATION_CLOCK, optional=True)]),
        T("verify", S.DONE, S.CLOSED, perm=SECURITY, label=gettext_noop("验证并关闭"),
          requires=["verification"]),
        T("reject", S.DONE, S.OPEN, perm=SECURITY, label=gettext_noop("验证未通过，退回整改"),
          requires=["reason"]),
        T("cancel", [S.OPEN, S.DONE], S.CANCELLED, perm=SECURITY, label=gettext_noop("撤销"),
          requires=["reason"], effects=[Cancel(REMEDIATION_CLOCK, optional=True)]),
    ],
)  # fmt: skip

# "My work": an open recertification is the work of whoever holds the recertify permission over
# its unit; an open remediation of those who correct it, a corrected one of the security officer.
RECERT_WORK: dict[str, tuple[str, ...]] = {R.OPEN: (RECERTIFY,)}
REMEDIATION_WORK: dict[str, tuple[str, ...]] = {S.OPEN: (REMEDIATE,), S.DONE: (SECURITY,)}

RECERT_LABELS = {
    "create": gettext_noop("发起"),
    **{t.name: t.label for t in RECERTIFICATION.transitions},
}
REMEDIATION_LABELS = {
    "create": gettext_noop("登记"),
    **{t.name: t.label for t in REMEDIATION.transitions},
}
