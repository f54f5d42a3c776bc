"""An equipment renewal plan as a case on the engine (standard 8.3.6 "服务环境…及时更新";
issue 19 §8; ADR 0032).

计划中 ``planned`` → 已批准 ``approved`` (``facilities.renewal_approve``) → 已完成 ``done``
(``facilities.manage``); an approved plan may be sent back to planned or dropped by the
approver; a planned one dropped by the equipment manager. No clock: no rule sets when a plan is
approved or carried out (its budget year is its horizon).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.workflow import T, Workflow

from .enums import MANAGE, RENEWAL_APPROVE
from .enums import RenewalState as S

PROCESS = "facilities.renewalplan"

RENEWAL = Workflow.build(
    name="facility_renewal",
    states=S,
    initial=S.PLANNED,
    final=[S.DONE, S.DROPPED],
    transitions=[
        T("approve", S.PLANNED, S.APPROVED, perm=RENEWAL_APPROVE, label=gettext_noop("批准")),
        T("send_back", S.APPROVED, S.PLANNED, perm=RENEWAL_APPROVE,
          label=gettext_noop("退回计划中")),
        T("drop", S.PLANNED, S.DROPPED, perm=MANAGE, label=gettext_noop("取消计划")),
        T("withdraw", S.APPROVED, S.DROPPED, perm=RENEWAL_APPROVE,
          label=gettext_noop("撤销已批准的计划")),
        T("complete", S.APPROVED, S.DONE, perm=MANAGE, label=gettext_noop("完成更新")),
    ],
)  # fmt: skip

# (from, to) → the action: the plan's page and ``PUT /renewal-plans/{id}`` move the state by
# naming the target, as before the engine
MOVES: dict[tuple[str, str], str] = {(t.sources[0], t.target): t.name for t in RENEWAL.transitions}

# "My work": the engine's default — the holders of the permissions of the steps out of a state
# (a planned plan: its approver, and the manager who may drop it; an approved one: the manager
# who carries it out, and the approver who may send it back), exactly who is offered an action.
