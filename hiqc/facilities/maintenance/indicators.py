"""The preventive-maintenance on-time rate (standard 8.2.2; issue 19 §4 and §6) on the kernel's
indicator engine.

``facilities.pm_on_time_rate`` 预防性保养按时完成率 — of the maintenance tasks due in the period
(their due date, a Beijing calendar day, in the period), those completed on or before the due date
÷ those due: a completed task counts whenever it was done; an open task counts (as late) once its
due date has passed; a task still open and not yet past due is not counted yet; cancelled tasks
are not counted. Counted at the item's org unit; rolled up as Σnumerator ÷ Σdenominator.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import CASES_LIMIT, Counted, Indicator, Period, register_indicator
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from ..models import MaintenanceTask
from .enums import TaskState

ON_TIME = "facilities.pm_on_time_rate"
RECORD = "facilities.maintenance_task"


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    """The Beijing days [first, last) of a period."""
    return start.astimezone(BEIJING).date(), end.astimezone(BEIJING).date()


def _counted(first: date, last: date, path: str = "") -> QuerySet[MaintenanceTask]:
    today = timezone.now().astimezone(BEIJING).date()
    qs = MaintenanceTask.objects.filter(due_on__gte=first, due_on__lt=last).exclude(
        status=TaskState.CANCELLED).exclude(status=TaskState.PENDING, due_on__gte=today)  # fmt: skip
    if path:
        qs = qs.filter(equipment__org_unit__path__startswith=path)
    return qs


def _on_time(period: Period) -> list[tuple[str, float, float]]:
    first, last = _days(period.start, period.end)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for path, on_time in _counted(first, last).values_list("equipment__org_unit__path", "on_time"):
        sums[path][0] += 1.0 if on_time else 0.0
        sums[path][1] += 1.0
    return [(path, n, d) for path, (n, d) in sums.items()]


def _cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    first, last = _days(start, end)
    rows = _counted(first, last, org_path).select_related("equipment", "equipment__org_unit",
                                                          "plan")  # fmt: skip
    out = []
    for t in rows.order_by("on_time", "due_on")[:CASES_LIMIT]:
        if t.status == TaskState.PENDING:
            counted = gettext("逾期未完成")
        elif t.on_time:
            counted = gettext("按时完成")
        else:
            counted = gettext("超期 {n} 天完成").format(
                n=((t.completed_on or t.due_on) - t.due_on).days
            )
        out.append(Counted(
            record_type=RECORD, record_id=str(t.pk), org_path=t.equipment.org_unit.path,
            when=datetime.combine(t.due_on, time(), tzinfo=BEIJING), counted=counted,
            bad=not t.on_time, label=f"{t.equipment.asset_number} {t.plan.name}",
            url=reverse("facilities:maintenance_task", args=[t.pk]),
            name=gettext("保养任务")))  # fmt: skip
    return sorted(out, key=lambda c: (not c.bad, c.when or start))


INDICATORS = (
    Indicator(
        code=ON_TIME,
        name_zh="预防性保养按时完成率",
        name_en="Preventive maintenance on time",
        unit="ratio",
        direction="higher_better",
        clauses=("8.2.2",),
        formula=gettext_noop(
            "应保养日期在统计期内的保养任务中，在应保养日期当天或之前完成的任务数 ÷ 应保养任务数"
            "（已取消的不计；未到期的未完成任务暂不计）"
        ),
        source=gettext_noop("本平台设备保养计划与保养任务"),
        compute=_on_time,
        granularities=("month",),
        cases=_cases,
        owner="facility_admin",
    ),
)


def register() -> None:
    for indicator in INDICATORS:
        register_indicator(indicator)


__all__ = ["ON_TIME", "register"]


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "facilities.pm_on_time_rate": (P.EFFICIENT, P.IMPROVEMENT),
    "facilities.inspection_pass_rate": (P.PEOPLE_FIRST, P.IMPROVEMENT),  # 8.1 areas, barrier-free
})  # fmt: skip
