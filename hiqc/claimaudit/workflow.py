"""The claims accuracy audit as data (DESIGN §4 rule 3; standard 5.1.2(3), 5.3; issue 15 §3).

Two case kinds:

* **Audit round** (理赔抽检轮次): 进行中 ``open`` → 已完成 ``completed`` by ``complete``, which
  the domain guard holds back while any sampled claim is not yet fully reviewed.
* **Audit item** (抽检案件), one sampled claim: 待复核 ``pending`` → (the reviewer's own blind
  decision, ``readjudicate``) 待判定差错 ``compared`` → (the error types, ``record_errors``)
  已完成 ``done``. Domain guards: the round must be open; nobody reviews a claim they handled
  (its assignee or who decided it); only the reviewer who gave the decision records its errors.

No clocks: no law, regulation or clause of the standard sets a time limit for an internal claims
audit (regulations.md has none; 5.1.2(3) and 5.3.2 ask for accuracy and a *periodic* evaluation,
without a period), and the app has no rule of its own. A round's timing is the period it samples.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.workflow import T, Workflow

from .enums import ItemStatus as I
from .enums import RoundStatus as R

AUDIT = "claims.audit"
# "My work" lists an item only to whom it is assigned: the reviewer who gave the blind decision
# and must now record the errors. Items still pending are not assigned ahead (anyone eligible may
# take one, "复核下一件"), so they show as their open round, not one by one — listing them by
# scope would also show them to the claim's own handler, who may never review it: the item kind
# lists assigned items alone (CaseKind.work_in_scope=False).

ROUND_LABEL = "claimaudit.auditround"
ITEM_LABEL = "claimaudit.audititem"

ROUND = Workflow.build(
    name="claim_audit_round",
    states=R,
    initial=R.OPEN,
    final=[R.COMPLETED],
    transitions=[
        T("complete", R.OPEN, R.COMPLETED, perm=AUDIT, label=gettext_noop("完成本轮抽检")),
    ],
)

ITEM = Workflow.build(
    name="claim_audit_item",
    states=I,
    initial=I.PENDING,
    final=[I.DONE],
    transitions=[
        T("readjudicate", I.PENDING, I.COMPARED, perm=AUDIT,
          label=gettext_noop("提交盲审复核结论"), requires=["outcome"]),
        T("record_errors", I.COMPARED, I.DONE, perm=AUDIT, label=gettext_noop("判定差错")),
    ],
)  # fmt: skip
