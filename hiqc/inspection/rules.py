"""The inspection app's rules (DESIGN rule 9): registered with the kernel's ``register_rules`` at
start-up, so they show on the rules page with their source."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import Rule

DISPUTE_WINDOW = Rule(
    "inspection.dispute_window_days",
    5,
    "days",
    _("质检评分申诉期限（工作日）"),
    "HIQC 设计默认值（P）：坐席自评分之日起 5 个工作日内可提出申诉",
    "P",
)
REPEAT_WINDOW = Rule(
    "inspection.repeat_window_days",
    7,
    "days",
    _("重复来电认定期间（质检定向抽样）"),
    "HIQC 设计默认值（P）：同一客户或联系电话在此期间内再次来电计为重复来电",
    "P",
)
LONG_CALL_PERCENTILE = Rule(
    "inspection.long_call_percentile",
    90,
    "percent",
    _("长通话认定分位数（同队列、同期间的处理时长）"),
    "HIQC 设计默认值（P）：处理时长高于本期间同队列 P90 的通话计为长通话",
    "P",
)
TARGETED_SHARE = Rule(
    "inspection.targeted_share_percent",
    50,
    "percent",
    _("定向抽样占每名坐席样本量的上限"),
    "HIQC 设计默认值（P）：其余样本随机抽取",
    "P",
)


def register_rules() -> None:
    rules.register_rules(DISPUTE_WINDOW, REPEAT_WINDOW, LONG_CALL_PERCENTILE, TARGETED_SHARE)
