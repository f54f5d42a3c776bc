"""Quality monitoring pages (standard 10.1–10.2; issue 7 §2–§3): the overview (质量总览), the
indicator catalogue and one indicator with its control chart and funnel plot. Thin: they read
through ``selectors`` and ``monitoring`` and render."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.http import HiqcRequest
from hiqc.core.indicator_cases import cases_behind, period_bounds, supported
from hiqc.core.indicators import INDICATORS
from hiqc.core.pagecache import cached_page
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .monitoring import (
    KEY_INDICATORS,
    WE_RULES,
    control_chart,
    display,
    funnel,
    look_back,
    period_label,
    period_window,
    tiles,
)

VIEW = "indicators.view"
GRANULARITIES = {"month": 12, "quarter": 8}


def _unit_asked(request: HiqcRequest) -> str | None:
    """The unit in the query: ``unit``, or ``org_unit`` as the API and the other lists call it.
    One asked for and not in scope answers 404 (it was once ignored: the page then showed the
    reader's own unit as if it were the one asked for, issue 14 §9)."""
    return request.GET.get("unit") or request.GET.get("org_unit")


def _choices(request: HiqcRequest) -> tuple[Any, str, int]:
    unit = selectors.chosen_unit(request.actor, _unit_asked(request))
    granularity = request.GET.get("granularity", "month")
    if granularity not in GRANULARITIES:
        granularity = "month"
    return unit, granularity, GRANULARITIES[granularity]


@login_required
@cached_page
def overview_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    unit, granularity, count = _choices(request)
    now, asof, periods = look_back(request.GET.get("asof", ""), granularity,
                                   count * 2, timezone.now())  # fmt: skip
    children = list(selectors.children(actor, unit))
    rows = [(child, tiles(child.path, granularity=granularity, periods=2, now=now))
            for child in children]  # fmt: skip
    main = tiles(unit.path, granularity=granularity, periods=count, now=now)
    return render(request, "quality/overview.html", {
        "unit": unit, "units": units_in_scope(actor, selectors.VIEW), "granularity": granularity,
        "tiles": main, "children": rows, "ancestors": selectors.ancestors(actor, unit),
        "spark": {t.indicator.code: t.spark for t in main}, "asof": asof, "periods": periods,
    })  # fmt: skip


@login_required
def catalogue_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    unit = selectors.chosen_unit(request.actor, _unit_asked(request))
    found = selectors.targets(unit.path)
    rows = [(i, found.get(i.code), selectors.owner_label(i), _target_text(i, found.get(i.code)))
            for i in INDICATORS.values()]  # fmt: skip
    return render(request, "quality/catalogue.html", {"rows": rows, "unit": unit,
                                                     "key": set(KEY_INDICATORS)})  # fmt: skip


def _target_text(indicator: Any, target: Any) -> str:
    """ "100.0% / 97.0%": a target and its warning level as the indicator's values are shown."""
    if target is None:
        return "—"
    text = display(indicator, target.target)
    return text if target.warning is None else f"{text} / {display(indicator, target.warning)}"


def _indicator(code: str) -> Any:
    indicator = INDICATORS.get(code)
    if indicator is None:
        raise Http404(_("没有该指标。"))
    return indicator


@login_required
def indicator_page(request: HiqcRequest, code: str) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    indicator = _indicator(code)
    unit, granularity, count = _choices(request)
    now = timezone.now()
    start, end = period_window(granularity, count * 2, now)  # two years of months for the chart
    chart = control_chart(code, unit.path, granularity=granularity, start=start, end=end, on=now)
    recent_start, _e = period_window("month", 3, now)
    children = list(selectors.children(actor, unit))
    plot = funnel(code, children, unit.path, start=recent_start, end=end) if children else None
    data = {
        "kind": chart.kind,
        "unit": indicator.unit,
        "labels": [period_label(p.period_start, granularity) for p in chart.points],
        "values": [p.value for p in chart.points],
        "centre": [p.centre for p in chart.points],
        "lower": [p.lower for p in chart.points],
        "upper": [p.upper for p in chart.points],
        "target": [p.target for p in chart.points],
        "signals": [bool(p.rules) for p in chart.points],
        "names": {"value": _("数值"), "centre": _("中心线"), "limits": _("控制限"), "target": _("目标"),
                  "signal": _("判异"), "unit": _("机构"), "overall": _("整体")},
        "funnel": None if plot is None else {
            "p0": plot["p0"], "xs": plot["xs"], "lines": plot["lines"],
            "points": [{"name": p.name, "x": p.denominator, "y": p.value} for p in plot["points"]],
        },
    }  # fmt: skip
    target = selectors.targets(unit.path).get(code)
    return render(request, "quality/indicator.html", {
        "i": indicator, "unit": unit, "units": units_in_scope(actor, selectors.VIEW), "granularity": granularity,
        "chart": chart, "plot": plot, "data": data, "rules": {k: _(v) for k, v in WE_RULES.items()},
        "has_cases": supported(code), "owner": selectors.owner_label(indicator),
        "target": target, "target_text": _target_text(indicator, target),
        "rows": [(p, period_label(p.period_start, granularity), display(indicator, p.value),
                  [_(WE_RULES[r]) for r in p.rules]) for p in reversed(chart.points)],
    })  # fmt: skip


@login_required
def indicator_series_xlsx(request: HiqcRequest, code: str) -> HttpResponse:
    from openpyxl import Workbook

    require(request.actor, VIEW)
    indicator = _indicator(code)
    unit, granularity, count = _choices(request)
    now = timezone.now()
    start, end = period_window(granularity, count * 2, now)
    chart = control_chart(code, unit.path, granularity=granularity, start=start, end=end, on=now)
    wb = Workbook()
    ws = wb.active
    ws.title = code[:31]
    ws.append([indicator.localized_name, unit.localized_name, indicator.formula_text()])
    ws.append([_("期间"), _("分子"), _("分母"), _("数值"), _("中心线"), _("下限"), _("上限"),
               _("目标"), _("状态"), _("判异规则")])  # fmt: skip
    for p in chart.points:
        ws.append([period_label(p.period_start, granularity), p.numerator, p.denominator, p.value,
                   p.centre, p.lower, p.upper, p.target, p.status or "",
                   "; ".join(str(r) for r in p.rules)])  # fmt: skip
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-{granularity}.xlsx"'
    return response


def _report(request: HiqcRequest) -> Any:
    from . import report

    require(request.actor, VIEW)
    unit = selectors.chosen_unit(request.actor, _unit_asked(request))
    month = report.month_start(request.GET.get("month"))
    return report, report.build(unit, list(selectors.children(request.actor, unit)), month)


@login_required
def report_pdf(request: HiqcRequest) -> HttpResponse:
    """The monthly quality report, printed (issue 7 §6)."""
    report, built = _report(request)
    response = HttpResponse(report.pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="quality-{built.unit.code}-{built.month:%Y-%m}.pdf"'
    )
    return response


@login_required
def report_xlsx(request: HiqcRequest) -> HttpResponse:
    report, built = _report(request)
    response = HttpResponse(
        report.xlsx(built),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="quality-{built.unit.code}-{built.month:%Y-%m}.xlsx"'
    )
    return response


def _cases(request: HiqcRequest, code: str) -> tuple[Any, Any, str, Any, Any]:
    """The indicator, unit, period text and [start, end) asked for, and the records behind it;
    ValueError saying what a period looks like when it is not one."""
    require(request.actor, VIEW)
    indicator = _indicator(code)
    unit = selectors.chosen_unit(request.actor, _unit_asked(request))
    period = request.GET.get("period", "")
    start, end = period_bounds(period)
    return indicator, unit, period, start, cases_behind(request.actor, code, unit.path, start, end)


@login_required
def indicator_cases_page(request: HiqcRequest, code: str) -> HttpResponse:
    """The cases one figure counted (a unit and a month, quarter or day), each linked to its
    page."""
    try:
        indicator, unit, period, start, rows = _cases(request, code)
    except ValueError as exc:  # a period that is not one: say what it should look like
        return render(request, "quality/indicator_cases.html", {
            "i": _indicator(code), "error": str(exc), "period": request.GET.get("period", ""),
        }, status=400)  # fmt: skip
    return render(request, "quality/indicator_cases.html", {
        "i": indicator, "unit": unit, "start": start, "label": period, "rows": rows,
    })  # fmt: skip


@login_required
def indicator_cases_xlsx(request: HiqcRequest, code: str) -> HttpResponse:
    """The same list as Excel, for follow-up outside HIQC (only what the page shows the reader)."""
    from openpyxl import Workbook

    try:
        indicator, unit, period, _start, rows = _cases(request, code)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = period
    ws.append([indicator.localized_name, unit.localized_name, period])
    ws.append([_("类型"), _("编号"), _("机构"), _("时间"), _("计入"), _("未达要求")])
    for r in rows or []:
        when = r.when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if r.when else ""
        ws.append([r.name, r.label, r.unit, when, r.counted, _("是") if r.bad else ""])
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-{period}-cases.xlsx"'
    return response


@login_required
def targets_page(request: HiqcRequest) -> HttpResponse:
    """The targets in force and their history; holders of quality.targets.manage set new ones."""
    from hiqc.core.errors import ValidationFailed
    from hiqc.core.models import IndicatorTarget

    from .targets import MANAGE, target_set

    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        require(actor, MANAGE)
        values = request.POST.dict()
        try:
            target_set(actor=actor, data=request.POST)
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已设定目标。"))
            return redirect("quality:targets")
    units = {u.path: u.localized_name for u in units_in_scope(actor, selectors.VIEW)}
    rows = [(t, INDICATORS.get(t.code), units.get(t.org_path, _("全部机构") if not t.org_path else t.org_path))
            for t in selectors.target_rows(actor)]  # fmt: skip
    return render(request, "quality/targets.html", {
        "rows": rows, "can_manage": actor.can(MANAGE), "errors": errors, "values": values,
        "indicators": list(INDICATORS.values()),
        "units": units_in_scope(actor, selectors.VIEW), "kinds": IndicatorTarget.SourceKind.choices,
    }, status=status)  # fmt: skip
