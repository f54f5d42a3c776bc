"""The information app's rules (DESIGN rule 9): every number with its source, shown on the rules
page and tunable there. Registered from ``AppConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.core.rules import Rule

P = "HIQC 设计默认值（P）"

RULES: tuple[Rule, ...] = (
    Rule("information.dormant_days", 90, "days", _("长期未登录账号停用天数"),
         f"标准 6.2.3(4)（人员调离、岗位变动时及时停用账号）；{P}", "P", "ceiling"),
    Rule("information.dormant_warning_days", 14, "days", _("停用前预警天数"), P, "P"),
    Rule("information.reveal_baseline_days", 30, "days", _("敏感信息查看基线天数"),
         f"标准 6.2.3(3)；{P}", "P"),
    Rule("information.reveal_sd_multiple", 3, "count", _("查看量异常倍数（基线均值加 N 倍标准差）"),
         f"标准 6.2.3(3)；{P}", "P"),
    Rule("information.reveal_daily_floor", 20, "count", _("查看量异常的最低日查看次数"),
         f"标准 6.2.3(3)；{P}", "P"),
    Rule("information.work_start_hour", 8, "hours", _("工作时间开始（北京时间，时）"), P, "P"),
    Rule("information.work_end_hour", 18, "hours", _("工作时间结束（北京时间，时）"), P, "P"),
    Rule("information.reveal_burst_customers", 20, "count", _("短时集中查看的客户数"),
         f"标准 6.2.3(3)；{P}", "P"),
    Rule("information.reveal_burst_minutes", 10, "minutes", _("短时集中查看的时间窗口"),
         f"标准 6.2.3(3)；{P}", "P"),
)  # fmt: skip
