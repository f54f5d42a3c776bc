"""The emergency rules (DESIGN rule 9): every number with its source. No statute fixes any of them
(regulations.md "People, facilities, emergencies"): each is a HIQC design default (P), shown as
such on the rules page and never presented as law.

* ``emergency.drill_interval_months`` — each plan drilled at least once a year (9.3.2; PIPL art. 51
  asks for an incident plan "组织实施"). A ceiling: head office may drill more often, never less.
* ``emergency.drill_lead_days`` — how long before its due date the next drill is put on the
  schedule (so a unit can prepare it).
* ``emergency.containment_hours`` — an incident contained within this many hours of detection.
* ``emergency.notification_hours`` — affected customers and the regulator notified within this
  many hours of detection. PIPL art. 57 says "立即" (at once) and fixes no hours (PI-6): the number
  is a design default and a ceiling — it may be tightened, never loosened.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules

DRILL_INTERVAL = rules.Rule(
    "emergency.drill_interval_months", 12, "months", _("应急预案演练最长间隔"),
    "HIQC 设计默认值（P）：每项应急预案每年至少演练一次（标准 9.3.2；《个人信息保护法》第51条）",
    "P", "ceiling",
)  # fmt: skip
DRILL_LEAD = rules.Rule(
    "emergency.drill_lead_days", 30, "days", _("应急演练提前排期天数"),
    "HIQC 设计默认值（P）：演练到期前 30 日列入演练计划（标准 9.3.2）", "P",
)  # fmt: skip
CONTAINMENT = rules.Rule(
    "emergency.containment_hours", 24, "hours", _("突发事件控制时限"),
    "HIQC 设计默认值（P）：自发现起 24 小时内控制事态（标准 9.3.3、6.2.1(3)）；无法规规定具体时数",
    "P", "ceiling",
)  # fmt: skip
NOTIFICATION = rules.Rule(
    "emergency.notification_hours", 72, "hours", _("信息安全事件通知时限"),
    "HIQC 设计默认值（P）：《个人信息保护法》第57条要求“立即”采取补救措施并通知履行个人信息"
    "保护职责的部门和个人，未规定小时数；本系统以自发现起 72 小时为上限（可收紧，不可放宽）",
    "P", "ceiling",
)  # fmt: skip


def register_rules() -> None:
    rules.register_rules(DRILL_INTERVAL, DRILL_LEAD, CONTAINMENT, NOTIFICATION)
