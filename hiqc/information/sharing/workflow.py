"""The outgoing data share as data (DESIGN §4 rule 3; standard 6.3; PIPL arts. 23, 29; PI-1,
PI-2; issue 21 §7).

待审批 requested → (``approve``: the data owner, when the agreement covers no sensitive data) →
已批准 approved; with sensitive data ``approve_owner`` → 数据负责人已批准 owner_approved →
``approve_compliance`` (the compliance officer) → approved. ``export`` produces the masked file
and its ``ShareRecord`` (approved → 已导出 exported); ``send`` records the delivery (→ 已发送 sent).
``reject`` (data owner or compliance officer) and ``cancel`` (the requester's side) end it.

Clock: an **internal target (P)** of 5 working days from the request to the export — no
regulation sets one; tunable per subtree like every internal target.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Start, Stop, T, Workflow

from .enums import SHARE_APPROVE, SHARE_COMPLIANCE, SHARE_REQUEST
from .enums import AgreementStatus as A
from .enums import ShareStatus as S

SHARE_PROCESS = "information.datashare"

SHARE_CLOCK = Clock(
    "information.datashare", gettext_noop("数据共享办理（内部目标）"), 5, Unit.WORKING_DAYS,
    gettext_noop("内部目标 (P)：共享申请后 5 个工作日内完成审批与导出（6.3）"),
)  # fmt: skip

OPEN_FOR_APPROVAL = [S.REQUESTED, S.OWNER_APPROVED]

DATASHARE = Workflow.build(
    name="data_share",
    states=S,
    initial=S.REQUESTED,
    final=[S.SENT, S.REJECTED, S.CANCELLED],
    clocks=[SHARE_CLOCK],
    on_create=[Start(SHARE_CLOCK)],
    transitions=[
        T("approve", S.REQUESTED, S.APPROVED, perm=SHARE_APPROVE,
          label=gettext_noop("数据负责人批准")),
        T("approve_owner", S.REQUESTED, S.OWNER_APPROVED, perm=SHARE_APPROVE,
          label=gettext_noop("数据负责人批准（敏感数据，转合规审批）")),
        T("approve_compliance", S.OWNER_APPROVED, S.APPROVED, perm=SHARE_COMPLIANCE,
          label=gettext_noop("合规负责人批准")),
        T("reject", S.REQUESTED, S.REJECTED, perm=SHARE_APPROVE, label=gettext_noop("驳回"),
          requires=["reason"], effects=[Cancel(SHARE_CLOCK, optional=True)]),
        T("reject_compliance", S.OWNER_APPROVED, S.REJECTED, perm=SHARE_COMPLIANCE,
          label=gettext_noop("合规驳回"), requires=["reason"],
          effects=[Cancel(SHARE_CLOCK, optional=True)]),
        T("export", S.APPROVED, S.EXPORTED, perm=SHARE_REQUEST,
          label=gettext_noop("按脱敏规则导出"), effects=[Stop(SHARE_CLOCK, optional=True)]),
        T("send", S.EXPORTED, S.SENT, perm=SHARE_REQUEST, label=gettext_noop("登记发送"),
          requires=["channel"]),
        T("cancel", [S.REQUESTED, S.OWNER_APPROVED, S.APPROVED], S.CANCELLED, perm=SHARE_REQUEST,
          label=gettext_noop("撤销"), requires=["reason"],
          effects=[Cancel(SHARE_CLOCK, optional=True)]),
    ],
)  # fmt: skip

# "My work": by default, whoever may act from the state (the approvers of a request, the
# requester's side who may cancel it or export and send once approved) — the engine's work map.

SHARE_LABELS = {"create": gettext_noop("申请"), **{t.name: t.label for t in DATASHARE.transitions}}


# --- the agreement ---------------------------------------------------------------------------------
# 草拟 draft → ``activate`` (the compliance officer; refused ``pia_missing`` for sensitive data
# without a concluded impact assessment, ``agreement_expired`` past its expiry) → 生效 active →
# ``end`` (a reason) → 终止 ended. A draft never brought into force is ``withdraw``n (a reason).
# No clock: an agreement runs until its expiry date or its end.

AGREEMENT_PROCESS = "information.sharingagreement"

AGREEMENT = Workflow.build(
    name="sharing_agreement",
    states=A,
    initial=A.DRAFT,
    final=[A.ENDED],
    transitions=[
        T("activate", A.DRAFT, A.ACTIVE, perm=SHARE_COMPLIANCE, label=gettext_noop("登记生效")),
        T("end", A.ACTIVE, A.ENDED, perm=SHARE_COMPLIANCE, label=gettext_noop("终止协议"),
          requires=["reason"]),
        T("withdraw", A.DRAFT, A.ENDED, perm=SHARE_COMPLIANCE, label=gettext_noop("撤回草拟"),
          requires=["reason"]),
    ],
)  # fmt: skip

# "My work": a draft waits for the compliance officer; an agreement in force is nobody's task.
AGREEMENT_WORK: dict[str, tuple[str, ...]] = {A.DRAFT: (SHARE_COMPLIANCE,), A.ACTIVE: ()}

AGREEMENT_LABELS = {"create": gettext_noop("草拟协议"),
                    **{t.name: t.label for t in AGREEMENT.transitions}}  # fmt: skip
