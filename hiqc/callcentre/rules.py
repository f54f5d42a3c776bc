"""The call centre's rules (DESIGN rule 9; regulations.md CC-1 to CC-4), registered into the
kernel's registry at start-up (``register_rules``).

``callcentre.answer_threshold_s`` (T, CC-2) and ``callcentre.service_level_target`` (CC-2) define
the service level; the short-abandon threshold is a ceiling: raising it would drop more abandoned
calls from the service level and flatter it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core import rules
from hiqc.core.rules import Rule

ANSWER_THRESHOLD = Rule(
    "callcentre.answer_threshold_s",
    20,
    "seconds",
    _("服务水平应答时限"),
    "标准 4.1.3(1)；行业惯例 20 秒 (CC-2)",
    "B",
)
SERVICE_LEVEL_TARGET = Rule(
    "callcentre.service_level_target",
    95,
    "percent",
    _("服务水平目标"),
    "标准 4.1.3(1)：≥95% 在设定时间内接通 (CC-2)",
    "B",
    "floor",
)
SHORT_ABANDON = Rule(
    "callcentre.short_abandon_s",
    5,
    "seconds",
    _("短时放弃阈值（不计入服务水平与放弃率）"),
    "CC-3：放弃时间 ≤ 5 秒的短时放弃可从分子分母中同时剔除",
    "C",
    "ceiling",
)
FORECAST_DAYS = Rule(
    "callcentre.forecast_history_days",
    28,
    "days",
    _("话务预测参照天数（取其中同一星期几的均值）"),
    "CC-4：按近 4 周同一星期几的来话均值预测（HIQC 设计默认值，P）",
    "P",
)
STAFFED_HOURS = Rule(
    "callcentre.staffed_hours_min",
    8,
    "hours",
    _("工作日人工接听最少小时数"),
    "CC-1：24 小时电话服务，工作日人工服务时间不少于 8 小时（2010 年规定第5条）",
    "B",
    "floor",
)
SHRINKAGE = Rule(
    "callcentre.shrinkage_percent",
    30,
    "percent",
    _("排班缩减率"),
    "CC-4：Erlang C 之外的休息、培训、缺勤等（HIQC 设计默认值，P）",
    "P",
)

# What the forecast (selectors.staffing_forecast) actually uses of the two rules above, whatever is
# configured: the kernel accepts any positive integer, but "the same weekday" needs at least a week
# of history, and shrinkage of 100 % or more would need infinitely many (or negative) agents.
FORECAST_MIN_DAYS = 7
SHRINKAGE_MAX_PERCENT = 90


def register_rules() -> None:
    rules.register_rules(
        ANSWER_THRESHOLD,
        SERVICE_LEVEL_TARGET,
        SHORT_ABANDON,
        STAFFED_HOURS,
        FORECAST_DAYS,
        SHRINKAGE,
    )
