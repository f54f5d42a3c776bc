"""The emergency indicator (standard 9.3.2; issue 20 §6), on the kernel's indicator engine.

* ``emergency.drill_targets_met`` 应急演练达标率 — drills performed in the period whose every step
  met its target and whose recovery met the RTO ÷ drills performed in the period, at the drill's
  unit. An after-action improvement plan is measured on it.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import Indicator, Period, register_indicator
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from .models import Drill

DRILLS_MET = "emergency.drill_targets_met"


def _drills_met(period: Period) -> list[tuple[str, float, float]]:
    start, end = period.start.astimezone(BEIJING).date(), period.end.astimezone(BEIJING).date()
    rows = Drill.objects.filter(performed_on__gte=start, performed_on__lt=end).values_list(
        "org_unit__path", "met"
    )
    out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for path, met in rows:
        out[path][0] += 1.0 if met else 0.0
        out[path][1] += 1.0
    return [(path, n, d) for path, (n, d) in out.items()]


INDICATORS = (
    Indicator(
        code=DRILLS_MET,
        name_zh="应急演练达标率",
        name_en="Emergency drills meeting their targets",
        unit="ratio",
        direction="higher_better",
        clauses=("9.3",),
        formula=gettext_noop(
            "统计期内各步骤用时均达到目标且恢复用时不超过恢复时间目标的演练次数 ÷ 实施的演练次数"
        ),
        source=gettext_noop("应急演练记录"),
        compute=_drills_met,
        granularities=("month",),
        owner="risk_manager",
    ),
)


def register() -> None:
    for indicator in INDICATORS:
        register_indicator(indicator)


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "emergency.drill_targets_met": (P.COMPLIANCE, P.IMPROVEMENT),
})  # fmt: skip
