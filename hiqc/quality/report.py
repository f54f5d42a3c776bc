"""The monthly quality report (issue 7 §6; standard 10.1–10.2): key indicators against their
targets for the unit and the units below, the breaches and signals of the month, the open
nonconformities, and the improvement plans with their measured effect — as a printed PDF with
charts (``hiqc.core.pdf``) and the indicator tables as Excel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import next_start
from hiqc.organisations.models import OrgUnit

from .enums import NCStatus, PlanStatus
from .models import ImprovementPlan, Nonconformity
from .monitoring import Tile, tiles
from .plans.services import plan_effect


@dataclass
class Report:
    unit: OrgUnit
    month: datetime
    tiles: list[Tile]
    children: list[tuple[OrgUnit, list[Tile]]]
    opened: list[Nonconformity]
    open_count: int
    overdue_count: int
    plans: list[tuple[ImprovementPlan, Any]]


def month_start(value: str | None, now: datetime | None = None) -> datetime:
    """``YYYY-MM`` (Beijing), else the last complete month."""
    now = (now or timezone.now()).astimezone(BEIJING)
    if value:
        try:
            year, month = (int(p) for p in value.split("-", 1))
            return datetime(year, month, 1, tzinfo=BEIJING)
        except ValueError:
            pass
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=1)).replace(day=1)


def build(unit: OrgUnit, children: list[OrgUnit], month: datetime) -> Report:
    end = next_start(month, "month")
    at = end - timedelta(seconds=1)  # the month's tiles: its value and the eleven before
    own = tiles(unit.path, granularity="month", periods=12, now=at)
    rows = [(c, tiles(c.path, granularity="month", periods=1, now=at)) for c in children]
    ncs = Nonconformity.objects.filter(org_unit__path__startswith=unit.path)
    open_ncs = ncs.exclude(status__in=[NCStatus.CLOSED, NCStatus.CANCELLED])
    plans = (
        ImprovementPlan.objects.filter(org_unit__path__startswith=unit.path)
        .exclude(status=PlanStatus.CANCELLED)
        .select_related("org_unit")[:20]
    )
    from hiqc.core.models import Deadline

    overdue = Deadline.objects.filter(
        case_type="quality.nonconformity", closed_at=None, due_at__lt=timezone.now(),
        case_id__in=[str(pk) for pk in open_ncs.values_list("pk", flat=True)],
    ).values("case_id").distinct().count()  # fmt: skip
    return Report(unit, month, own, rows,
                  list(ncs.filter(period_start=month).select_related("org_unit")[:60]),
                  open_ncs.count(), overdue, [(p, plan_effect(p)) for p in plans])  # fmt: skip


def pdf(report: Report) -> bytes:
    from hiqc.core.pdf import asset_uri, html_to_pdf

    chart = {
        "labels": [t.indicator.localized_name for t in report.tiles],
        "trends": [{"name": t.indicator.localized_name, "unit": t.indicator.unit, "values": t.spark,
                    "target": t.target.target if t.target else None}
                   for t in report.tiles if any(v is not None for v in t.spark)][:8],
        "months": [(report.month - timedelta(days=31 * (11 - i))).strftime("%Y-%m") for i in range(12)],
    }  # fmt: skip
    html = render_to_string("quality/report_pdf.html", {
        "r": report, "generated": timezone.now(), "chart": chart,
        "assets": {"css": asset_uri("hiqc/print.css"), "js": asset_uri("quality/report.js"),
                   "echarts": asset_uri("vendor/echarts.min.js")},
    })  # fmt: skip
    return html_to_pdf(html)


def xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("关键指标")
    ws.append([_("指标"), _("编码"), _("条款"), _("数值"), _("分母"), _("目标"), _("状态")])
    for t in report.tiles:
        ws.append([t.indicator.localized_name, t.indicator.code, "、".join(t.indicator.clauses), t.value,
                   t.denominator, t.target.target if t.target else None, t.status or ""])  # fmt: skip
    by_unit = wb.create_sheet(_("下级机构"))
    by_unit.append([_("机构"), *(t.indicator.localized_name for t in report.tiles)])
    for child, row in report.children:
        by_unit.append([child.name, *(t.value for t in row)])
    ncs = wb.create_sheet(_("不符合项"))
    ncs.append([_("编号"), _("机构"), _("来源"), _("标题"), _("状态")])
    for n in report.opened:
        ncs.append(
            [n.number, n.org_unit.name, n.get_source_display(), n.title, n.get_status_display()]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
