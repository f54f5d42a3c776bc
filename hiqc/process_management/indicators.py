"""Per-process indicators (standard 2.2.1; issue 16 §5), declared on the kernel's indicator engine
for every process (every registered case kind with a final state), so targets, control charts and
nonconformities come from the quality pages as for any other figure:

* ``process.<kind>.cycle_days`` — 平均处理周期: Σ calendar days from creation to the final state
  ÷ cases that reached it in the period;
* ``process.<kind>.touches`` — 每案处理步骤数: Σ events ÷ those cases (touches per case);
* ``process.<kind>.rework_rate`` — 返工率: cases that did any step more than once ÷ those cases.

A case counts in the period and unit of the event that closed it. The three are one family: one
read of the closing events and one grouped read of those cases' events per range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from django.db.models import Count, Min
from django.utils.translation import gettext_noop

from hiqc.core.casekinds import CASE_KINDS, CaseKind
from hiqc.core.indicators import Family, Indicator, RangeRow, align, register_indicator
from hiqc.core.models import CaseEvent
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

PARTS = ("cycle_days", "touches", "rework_rate")
CHUNK = 5000  # case ids per grouped read of their events


def code(kind: CaseKind, part: str) -> str:
    return f"process.{kind.label}.{part}"


def _rows(kind: CaseKind) -> Callable[[str, datetime, datetime], dict[str, list[RangeRow]]]:
    def compute(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
        closing = CaseEvent.objects.filter(
            case_type=kind.label, to_state__in=sorted(kind.workflow.final),
            at__gte=start, at__lt=end,
        ).values_list("case_id", "org_path", "at")  # fmt: skip
        closed = {case_id: (path, at) for case_id, path, at in closing}
        sums: defaultdict[tuple[datetime, str], list[float]] = defaultdict(lambda: [0.0] * 4)
        ids = list(closed)
        for i in range(0, len(ids), CHUNK):
            stats = (
                CaseEvent.objects.filter(case_type=kind.label, case_id__in=ids[i : i + CHUNK])
                .values("case_id")
                .annotate(n=Count("id"), steps=Count("activity", distinct=True), first=Min("at"))
            )
            for s in stats:
                path, at = closed[s["case_id"]]
                row = sums[(align(at, granularity), path)]
                row[0] += (at - s["first"]).total_seconds() / 86400
                row[1] += s["n"]
                row[2] += s["n"] > s["steps"]
                row[3] += 1
        out: dict[str, list[RangeRow]] = {code(kind, p): [] for p in PARTS}
        for (period, path), (days, events, rework, cases) in sums.items():
            out[code(kind, "cycle_days")].append((period, path, days, cases))
            out[code(kind, "touches")].append((period, path, events, cases))
            out[code(kind, "rework_rate")].append((period, path, rework, cases))
        return out

    return compute


DECLARED = {
    "cycle_days": (
        "days", gettext_noop("{process}：自创建至办结的平均自然日数（按办结时间与机构统计）"),
        "平均处理周期", "mean cycle time",
    ),
    "touches": (
        "count", gettext_noop("{process}：办结案件的平均事件（处理步骤）数"),
        "每案处理步骤数", "touches per case",
    ),
    "rework_rate": (
        "ratio", gettext_noop("{process}：办结案件中有步骤重复的案件占比"),
        "返工率", "rework rate",
    ),
}  # fmt: skip


def register_process_indicators() -> None:
    """Declare the three figures for every process with a final state (called once, at ready)."""
    for kind in list(CASE_KINDS.values()):
        if not kind.workflow.final:
            continue
        family = Family(f"process.{kind.label}", _rows(kind))
        for part, (unit, formula, zh, en) in DECLARED.items():
            register_indicator(
                Indicator(
                    code=code(kind, part),
                    name_zh=f"{kind.name}·{zh}",
                    name_en=f"{kind.label}: {en}",
                    unit=unit,
                    direction="lower_better",
                    clauses=("2.2.1",),
                    formula=formula,
                    source=gettext_noop("案件引擎的事件日志（各流程案件的全部事件）"),
                    owner="quality_lead",
                    family=family,
                    granularities=("day", "month"),
                    formula_params={"process": kind.name},
                )
            )


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    # every process's cycle time, rework and touches: the figures of its optimisation (2.2)
    "process.": (P.EFFICIENT, P.IMPROVEMENT),
})  # fmt: skip
