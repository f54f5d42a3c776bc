"""The survey app's rules (DESIGN rule 9), shown on the rules page with their source."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import Rule

MIN_CELL = Rule(
    "surveys.min_cell",
    5,
    "count",
    _("分组结果的最小答卷数（少于此数只显示答卷数，不显示结果）"),
    "HIQC 设计默认值（P）：小样本分组既不可靠，也可能识别出答卷客户（PIPL 第 51 条最小必要）",
    "P",
)

MYSTERY_PASS_MARK = Rule(
    "surveys.mystery_pass_mark",
    80,
    "percent",
    _("神秘客户走访合格线（检查项加权得分率，低于此值或出现致命项即记为不合格并生成合规事项）"),
    "HIQC 设计默认值（P）：行业神秘客户检查常用 80 分合格线；致命项一票否决",
    "P",
)


def register_rules() -> None:
    rules.register_rules(MIN_CELL, MYSTERY_PASS_MARK)
