"""Call-centre pages: the dashboard (CC-1..CC-4; standard 4.1.3(1)), the call-record import
(issue 4 §2) and the staffing calculator (Erlang C, CC-4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.downtime import TELEPHONY, downtime_intervals
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.forms import list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.rules import rule_value
from hiqc.organisations.selectors import unit_in_scope, units_in_scope

from . import selectors, services
from .enums import CallQueue, ImportSource
from .erlang import MAX_AGENTS, agents_needed, erlang_c, with_shrinkage
from .forms import CallImportForm, DashboardForm, StaffingForm


@login_required
def staffing_page(request: HiqcRequest) -> HttpResponse:
    defaults = {
        "threshold_s": rule_value("callcentre.answer_threshold_s"),
        "target": rule_value("callcentre.service_level_target"),
    }
    form = StaffingForm(
        request.GET if "calls" in request.GET else None,
        initial={**defaults, "interval_s": 900, "shrinkage": 30},
    )
    needed = evaluated = scheduled = None
    if form.is_valid():
        d = form.cleaned_data
        threshold = d["threshold_s"] if d["threshold_s"] is not None else defaults["threshold_s"]
        target = (d["target"] if d["target"] is not None else defaults["target"]) / 100
        common = {
            "calls": d["calls"],
            "interval_s": d["interval_s"],
            "aht_s": d["aht_s"],
            "threshold_s": threshold,
        }
        try:
            needed = agents_needed(target=target, **common)
            scheduled = with_shrinkage(needed.agents, d["shrinkage"] / 100)
        except ValueError:
            form.add_error(None, f"> {MAX_AGENTS}")
        if d["agents"]:
            evaluated = erlang_c(agents=d["agents"], **common)
    return render(
        request,
        "callcentre/staffing.html",
        {
            "form": form,
            "needed": needed,
            "evaluated": evaluated,
            "scheduled": scheduled,
            "defaults": defaults,
        },
    )


@login_required
def import_page(request: HiqcRequest) -> HttpResponse:
    """Upload a CSV or JSON-lines file of call records; report inserted / duplicates / bad rows."""
    actor = request.actor
    require(actor, "calls.import")
    form = CallImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.calls_import(
                actor=actor,
                source=upload,
                file_format=form.cleaned_data["file_format"],
                origin=ImportSource.PAGE,
                file_name=upload.name,
            )
        except ValidationFailed as exc:
            for messages in exc.fields.values():
                for m in messages:
                    form.add_error("file", m)
    return render(
        request,
        "callcentre/import.html",
        {
            "form": form,
            "report": report,
            "runs": selectors.call_import_list(actor)[:10],
            "columns": "call_id, queue, org_unit, offered_at, answered_at, ended_at, agent, "
            "abandoned, ivr_only",
        },
    )


def _percent_or_none(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


SLOT = timedelta(minutes=15)


def downtime_overlay(unit_path: str, day_start: datetime, trend_start: datetime,
                     now: datetime) -> dict[str, list[dict[str, str]]]:  # fmt: skip
    """The telephony outages at the unit (issue 19 §6; the kernel's downtime registry) as the
    charts draw them: ``intervals`` — first and last 15-minute slot ("HH:MM") of each outage
    on the day shown; ``days`` — first and last day ("MM-DD") of each outage in the 30-day
    trend. A supervisor sees whether an outage explains a bad interval."""
    day_end = day_start + timedelta(days=1)
    intervals, days = [], []
    for d in downtime_intervals(unit_path, trend_start, day_end, categories=(TELEPHONY,)):
        end = d.end or now
        label = f"{d.reference} {d.label}"
        if d.start < day_end and end > day_start:
            first = int((max(d.start, day_start) - day_start) / SLOT)
            last = max(first, -(-int((min(end, day_end) - day_start).total_seconds()) // 900) - 1)
            intervals.append({"from": (day_start + first * SLOT).strftime("%H:%M"),
                              "to": (day_start + last * SLOT).strftime("%H:%M"),
                              "label": label, "url": d.url})  # fmt: skip
        lo, hi = max(d.start, trend_start), min(end, day_end - timedelta(microseconds=1))
        if lo <= hi:
            days.append({"from": lo.astimezone(BEIJING).strftime("%m-%d"),
                         "to": hi.astimezone(BEIJING).strftime("%m-%d"), "label": label})  # fmt: skip
    return {"intervals": intervals, "days": days}


@login_required
def dashboard_page(request: HiqcRequest) -> HttpResponse:
    """Service level by interval against the target, abandon rate, the month per site worst
    first, the CC-1 staffed-hours check and tomorrow's staffing plan (CC-4)."""
    actor = request.actor
    require(actor, "calls.view")
    units = units_in_scope(actor, "calls.view")
    form = DashboardForm(request.GET or None, units=units)
    unit = selectors.default_call_unit(actor)
    f = list_filters(form)  # a bad filter is shown at its field; the valid ones still apply
    if f.get("org_unit"):
        unit = unit_in_scope(actor, f["org_unit"], "calls.view")
    queue, day = f.get("queue") or "", f.get("day")
    if unit is None:
        raise NotFound()
    today = timezone.localdate()
    day = day or selectors.latest_call_day(actor, unit) or today - timedelta(days=1)
    if not form.is_bound:
        form.initial = {"org_unit": str(unit.pk), "queue": queue, "day": day}
    target = rule_value("callcentre.service_level_target") / 100
    day_start = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
    month_start = day_start.replace(day=1)
    intervals = selectors.interval_series(unit, queue, day)
    trend = selectors.daily_series(unit, queue, day - timedelta(days=29), day + timedelta(days=1))
    forecast = selectors.staffing_forecast(
        actor, unit=unit, queue=queue, day=max(day, today) + timedelta(days=1)
    )
    staffed = selectors.staffed_hours(actor, unit, day - timedelta(days=13), day + timedelta(1))
    chart = {
        "target": round(target * 100, 1),
        "labels": {
            "service_level": str(_("服务水平")),
            "downtime": str(_("电话设备停机")),
            "abandon_rate": str(_("放弃率")),
            "target": str(_("目标")),
            "offered": str(_("来话量")),
            "agents": str(_("建议排班人数")),
            "forecast": str(_("预测来话量")),
        },
        "intervals": [
            {
                "start": i["start"],
                "offered": i["offered"],
                "service_level": _percent_or_none(i["service_level"]),
                "abandon_rate": _percent_or_none(i["abandon_rate"]),
            }
            for i in intervals
        ],
        "trend": [{"day": t["day"], "value": _percent_or_none(t["value"])} for t in trend],
        "forecast": [
            {"start": i.start, "calls": i.calls, "agents": i.agents_scheduled}
            for i in forecast.intervals
            if i.calls
        ],
        "downtime": downtime_overlay(
            unit.path, day_start, day_start - timedelta(days=29), timezone.now()
        ),
    }
    return render(
        request,
        "callcentre/dashboard.html",
        {
            "form": form,
            "unit": unit,
            "queue": queue,
            "queue_label": dict(CallQueue.choices).get(queue, _("全部队列")),
            "day": day,
            "target": target,
            "threshold": rule_value("callcentre.answer_threshold_s"),
            "short_abandon": rule_value("callcentre.short_abandon_s"),
            "staffed_minimum": rule_value("callcentre.staffed_hours_min"),
            "day_figures": selectors.period_figures(unit, queue, "day", day_start),
            "month_figures": selectors.period_figures(unit, queue, "month", month_start),
            "month": month_start,
            "branches": selectors.branch_table(actor, unit, month_start),
            "queues": CallQueue.choices,
            "staffed": staffed,
            "forecast": forecast,
            "forecast_rows": [i for i in forecast.intervals if i.calls],
            "chart": chart,
        },
    )
