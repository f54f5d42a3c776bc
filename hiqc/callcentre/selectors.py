"""Reads of the call-centre domain: import runs, the dashboard's figures, the CC-1 staffed-hours
check and the CC-4 staffing forecast. Every read is scoped (``calls.view`` / ``calls.import``);
indicator figures come from the computed rows (DESIGN rule 5)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Mod

from hiqc.core.access import ROOT_PATH, Actor, scope
from hiqc.core.calendar import BEIJING, load_year
from hiqc.core.indicators import rolled_up
from hiqc.core.models import IndicatorValue
from hiqc.core.rules import rule_value
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import active_units, units_by_path

from .enums import CallQueue
from .erlang import agents_needed, with_shrinkage
from .indicators import code_for
from .ingest import BEIJING_OFFSET_SLOTS, SLOTS_PER_DAY
from .models import CallImport, CallRecord
from .rules import FORECAST_MIN_DAYS, SHRINKAGE_MAX_PERCENT


def call_import_list(actor: Actor) -> QuerySet[CallImport]:
    return scope(actor, CallImport.objects.all(), "calls.import")


def call_list(actor: Actor) -> QuerySet[CallRecord]:
    return scope(actor, CallRecord.objects.select_related("org_unit"), "calls.view")


def default_call_unit(actor: Actor) -> OrgUnit | None:
    """The top of the actor's first ``calls.view`` subtree."""
    paths = actor.paths_for("calls.view")
    if not paths:
        return None
    units = active_units()
    if paths[0] != ROOT_PATH:
        units = units.filter(path=paths[0])
    return units.first()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=BEIJING)
    return start, start + timedelta(days=1)


def latest_call_day(actor: Actor, unit: OrgUnit) -> date | None:
    """The Beijing day of the newest call in the unit's subtree (the dashboard's default day)."""
    newest = (
        call_list(actor)
        .filter(org_unit__path__startswith=unit.path)
        .order_by("-offered_at")
        .values_list("offered_at", flat=True)
        .first()
    )
    return newest.astimezone(BEIJING).date() if newest else None


def interval_series(unit: OrgUnit, queue: str, day: date) -> list[dict[str, Any]]:
    """Service level and abandon rate per 15-minute interval of ``day`` over the unit's subtree
    (Σn ÷ Σd of the computed rows), with the offered calls."""
    start, end = day_bounds(day)
    by_start: dict[datetime, dict[str, Any]] = {}
    for metric in ("service_level", "abandon_rate"):
        for row in rolled_up(
            code_for(metric, queue),
            granularity="15min",
            org_path=unit.path,
            start=start,
            end=end,
        ):
            entry = by_start.setdefault(row["period_start"], {"offered": row["denominator"]})
            entry[metric] = row["value"]
    if not by_start:
        return []
    out = []
    for k in range(SLOTS_PER_DAY):  # all 96 intervals: the hours without people show as gaps
        moment = start + timedelta(minutes=15 * k)
        v = by_start.get(moment, {})
        out.append(
            {
                "start": moment.strftime("%H:%M"),
                "offered": int(v.get("offered", 0)),
                "service_level": v.get("service_level"),
                "abandon_rate": v.get("abandon_rate"),
            }
        )
    return out


def period_figures(unit: OrgUnit, queue: str, granularity: str, start: datetime) -> dict:
    """The four indicators for one day or month over the unit's subtree."""
    from hiqc.core.indicators import next_start

    end = next_start(start, granularity)
    out: dict[str, Any] = {}
    for metric in ("service_level", "abandon_rate", "asa", "aht"):
        rows = rolled_up(
            code_for(metric, queue),
            granularity=granularity,
            org_path=unit.path,
            start=start,
            end=end,
        )
        out[metric] = rows[0]["value"] if rows else None
        if metric == "service_level":
            out["offered"] = int(rows[0]["denominator"]) if rows else 0
    return out


def daily_series(unit: OrgUnit, queue: str, start: date, end: date) -> list[dict[str, Any]]:
    """Daily service level over [start, end) for the trend chart."""
    rows = rolled_up(
        code_for("service_level", queue),
        granularity="day",
        org_path=unit.path,
        start=day_bounds(start)[0],
        end=day_bounds(end)[0],
    )
    return [
        {"day": r["period_start"].astimezone(BEIJING).strftime("%m-%d"), "value": r["value"]}
        for r in rows
    ]


@dataclass(frozen=True)
class BranchRow:
    unit: OrgUnit
    values: dict[str, float | None]  # queue ("" = all) → month service level
    offered: int
    worst: float


def branch_table(actor: Actor, unit: OrgUnit, month_start: datetime) -> list[BranchRow]:
    """Each call-centre site (unit with its own calls) in the subtree: the month's service
    level for all queues and per queue, worst first."""
    codes = {code_for("service_level", q): q for q in ("", *CallQueue.values)}
    rows = scope(
        actor,
        IndicatorValue.objects.filter(
            code__in=list(codes),
            granularity="month",
            period_start=month_start,
            org_path__startswith=unit.path,
        ),
        "calls.view",
    ).values_list("code", "org_path", "numerator", "denominator")
    sums: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for code, path, n, d in rows:
        sums[path][codes[code]] = [n, d]
    units = units_by_path(sums)
    out = []
    for path, by_queue in sums.items():
        values: dict[str, float | None] = {
            q: (by_queue[q][0] / by_queue[q][1]) if q in by_queue else None
            for q in ("", *CallQueue.values)
        }
        present = [v for v in values.values() if v is not None]
        out.append(
            BranchRow(
                units[path],
                values,
                int(by_queue.get("", [0, 0])[1]),
                min(present) if present else 1.0,
            )
        )
    return sorted(out, key=lambda r: (r.worst, r.unit.path))


@dataclass(frozen=True)
class StaffedDay:
    day: date
    working_day: bool
    hours: int  # hours of the day in which at least one call was answered by a person
    short: bool  # a working day with fewer staffed hours than the CC-1 minimum
    line_hours: int = 0  # hours with any call taken by the line (self-service IVR or a person)


def staffed_hours(actor: Actor, unit: OrgUnit, start: date, end: date) -> list[StaffedDay]:
    """CC-1: human answering on working days for at least ``callcentre.staffed_hours_min``
    hours — counted as the Beijing hours in which a call was answered, per day of [start, end).
    Alongside, the 24-hour line: the hours in which the line took any call (IVR included) — calls
    are evidence the line was open; a quiet night hour without calls is not proof it was closed,
    so that column informs rather than flags."""
    minimum = rule_value("callcentre.staffed_hours_min")
    begin, finish = day_bounds(start)[0], day_bounds(end)[0]
    hours_by_day: dict[int, int] = defaultdict(int)
    line_by_day: dict[int, int] = defaultdict(int)
    grouped = (
        call_list(actor)
        .filter(
            org_unit__path__startswith=unit.path,
            offered_at__gte=begin,
            offered_at__lt=finish,
        )
        .annotate(
            day=(F("offered_slot") + BEIJING_OFFSET_SLOTS) / SLOTS_PER_DAY,
            hour=(F("offered_slot") + BEIJING_OFFSET_SLOTS) / 4,
        )
        .values("day", "hour")
        .annotate(answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    for row in grouped:
        line_by_day[int(row["day"])] += 1
        if row["answered"]:
            hours_by_day[int(row["day"])] += 1
    out = []
    epoch = date(1970, 1, 1)
    day = start
    while day < end:
        working = load_year(day.year).is_working_day(day)
        hours = hours_by_day.get((day - epoch).days, 0)
        line = line_by_day.get((day - epoch).days, 0)
        out.append(StaffedDay(day, working, hours, working and hours < minimum, line))
        day += timedelta(days=1)
    return out


@dataclass(frozen=True)
class ForecastInterval:
    start: str
    calls: float
    aht_s: float | None
    agents_needed: int | None
    agents_scheduled: int | None
    service_level: float | None
    asa_s: float | None
    occupancy: float | None


@dataclass(frozen=True)
class Forecast:
    queue: str
    org_unit_path: str
    date: dt.date
    history_days: list[dt.date]
    aht_s: float | None
    target: float
    threshold_s: int
    shrinkage: float
    total_calls: float
    peak_agents: int
    agent_hours: float
    intervals: list[ForecastInterval]


def staffing_forecast(actor: Actor, *, unit: OrgUnit, queue: str, day: date) -> Forecast:
    """CC-4 for ``day``: calls per 15-minute interval = mean of the same weekday over the history
    window (rule ``callcentre.forecast_history_days``, 28 → the last 4 same weekdays before the
    day); AHT from the same calls; agents needed per interval for the target service level
    (Erlang C), scheduled with shrinkage; expected SL, ASA and occupancy at that staffing.
    Whatever the rules say, at least a week of history (``FORECAST_MIN_DAYS``) and at most 90 %
    shrinkage (``SHRINKAGE_MAX_PERCENT``) are used."""
    window = max(FORECAST_MIN_DAYS, int(rule_value("callcentre.forecast_history_days")))
    history = [day - timedelta(days=7 * k) for k in range(1, window // 7 + 1)]
    threshold = int(rule_value("callcentre.answer_threshold_s"))
    target = rule_value("callcentre.service_level_target") / 100
    shrinkage = min(SHRINKAGE_MAX_PERCENT, rule_value("callcentre.shrinkage_percent")) / 100
    calls = call_list(actor).filter(org_unit__path__startswith=unit.path, ivr_only=False)
    if queue:
        calls = calls.filter(queue=queue)
    in_history = Q()
    for d in history:
        begin, finish = day_bounds(d)
        in_history |= Q(offered_at__gte=begin, offered_at__lt=finish)
    calls = calls.filter(in_history) if history else calls.none()  # no history: no forecast
    totals = calls.aggregate(handle=Sum("handle_s"), answered=Count("answered_at"))
    aht = totals["handle"] / totals["answered"] if totals["answered"] else None
    per_slot = (
        calls.annotate(slot=Mod(F("offered_slot") + BEIJING_OFFSET_SLOTS, SLOTS_PER_DAY))
        .values("slot")
        .annotate(n=Count("id"))
        .order_by("slot")
    )
    counts = {int(r["slot"]): r["n"] for r in per_slot}
    intervals = []
    peak = 0
    agent_quarters = 0
    for slot in range(SLOTS_PER_DAY):
        volume = counts.get(slot, 0) / len(history) if history else 0.0  # none: no forecast
        label = f"{slot // 4:02d}:{slot % 4 * 15:02d}"
        if not volume or aht is None:
            intervals.append(ForecastInterval(label, volume, aht, 0, 0, None, None, None))
            continue
        try:
            need = agents_needed(
                calls=volume, interval_s=900, aht_s=aht, threshold_s=threshold, target=target
            )
        except ValueError:
            intervals.append(ForecastInterval(label, volume, aht, None, None, None, None, None))
            continue
        scheduled = with_shrinkage(need.agents, shrinkage)
        peak = max(peak, scheduled)
        agent_quarters += scheduled
        intervals.append(
            ForecastInterval(
                label,
                round(volume, 2),
                round(aht, 1),
                need.agents,
                scheduled,
                need.service_level,
                need.asa_s,
                need.occupancy,
            )
        )
    return Forecast(
        queue=queue,
        org_unit_path=unit.path,
        date=day,
        history_days=history,
        aht_s=round(aht, 1) if aht is not None else None,
        target=target,
        threshold_s=threshold,
        shrinkage=shrinkage,
        total_calls=round(sum(i.calls for i in intervals), 1),
        peak_agents=peak,
        agent_hours=agent_quarters / 4,
        intervals=intervals,
    )
