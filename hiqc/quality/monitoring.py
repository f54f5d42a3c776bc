"""Quality monitoring reads (standard 10.1; issue 7 §2–§3): tiles for the overview, an indicator's
history with its control chart and Western Electric rules, and the funnel plot of the units below.

Everything here reads indicator rows (``hiqc.core.indicators.rolled_up``) and targets
(``hiqc.core.targets``) only — never the operational tables — so a page's cost depends on the number
of periods shown, not on the history behind them.

* Proportions (unit ``ratio``): a **p-chart** with per-point 3σ limits, p̄ = Σx ÷ Σn and
  σᵢ = √(p̄(1 − p̄)/nᵢ), because n (the denominator) varies from period to period.
* Everything else (days, seconds, scores, indices): an **XmR (individuals) chart**, centre x̄ and
  limits x̄ ± 2.66·MR̄.
* Western Electric rules 1–4 flag the points that complete a pattern (``hiqc.core.stats``).
* Funnel plot: the units one level below, each its proportion over the chosen periods against its
  denominator, with 95 % and 99.8 % limits around the parent's proportion (exact binomial).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext, gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import (
    INDICATORS,
    Indicator,
    align,
    next_start,
    rolled_up,
    rolled_up_stored,
)
from hiqc.core.stats import funnel_limits, p_chart, western_electric, xmr_chart
from hiqc.core.targets import Target, status, targets_for

# the overview's tiles, in the standard's order (chapters 2, 4, 5, 7, 4.3): stored rows only
KEY_INDICATORS = (
    "core.deadlines_met_rate",
    "callcentre.service_level",
    "callcentre.abandon_rate",
    "consultations.fcr_rate",
    "complaints.decided_on_time_rate",
    "complaints.repeat_rate",
    "claims.decided_on_time_rate",
    "claims.paid_on_time_rate",
    "claims.refusal_notice_on_time_rate",
    "claims.days_to_payment",
    "claims.accuracy_rate",
    "inspection.fatal_error_rate",
    "people.qualified_work_share",
    "people.required_training_coverage",
    "surveys.csat",
    "claims.satisfaction",
    "surveys.nps",
)
WE_RULES = {1: gettext_noop("1 点超出 3σ"), 2: gettext_noop("3 点中 2 点超出 2σ（同侧）"),
            3: gettext_noop("5 点中 4 点超出 1σ（同侧）"), 4: gettext_noop("连续 8 点在中心线同侧")}  # fmt: skip


def display(indicator: Indicator, value: float | None) -> str:
    """A value as people read it: shares in %, the NPS on −100…100, durations with their unit."""
    if value is None:
        return "—"
    if indicator.unit == "ratio":
        return f"{100 * value:.1f}%"
    if indicator.unit == "index":
        return f"{100 * value:.1f}"
    if indicator.unit == "days":
        return gettext("{n} 天").format(n=f"{value:,.1f}")
    if indicator.unit == "seconds":
        return gettext("{n} 秒").format(n=f"{value:,.0f}")
    return f"{value:.2f}" if abs(value) < 100 else f"{value:,.0f}"


def period_window(granularity: str, count: int, now: datetime) -> tuple[datetime, datetime]:
    """The ``count`` periods ending with the current one (Beijing)."""
    end = next_start(align(now, granularity), granularity)
    start = align(now, granularity)
    for _ in range(count - 1):
        start = align(start - timedelta(days=1), granularity)
    return start, end


def period_label(moment: datetime, granularity: str) -> str:
    """A period as people name it, in Beijing time: 2026-03, or 2026Q1."""
    local = moment.astimezone(BEIJING)
    if granularity == "quarter":
        return f"{local.year}Q{(local.month - 1) // 3 + 1}"
    return local.strftime("%Y-%m")


def look_back(asof: str, granularity: str, count: int, now: datetime
              ) -> tuple[datetime, str, list[tuple[str, str]]]:  # fmt: skip
    """The moment a page looks back from: ``asof`` (YYYY-MM, the start of one of the ``count``
    periods before the current one — that month, or the quarter holding it), else ``now``; with
    the value kept and the choices (value, label), the current period first."""
    choices, cursor = [], now
    for _i in range(count):
        start = align(cursor, granularity)
        choices.append((start.strftime("%Y-%m"), period_label(start, granularity)))
        cursor = start - timedelta(days=1)
    if asof in {value for value, _l in choices[1:]}:
        year, month = (int(p) for p in asof.split("-"))
        return datetime(year, month, 1, tzinfo=BEIJING), asof, choices
    return now, "", choices


@dataclass
class Tile:
    indicator: Indicator
    value: float | None
    period_start: datetime | None
    denominator: float
    target: Target | None
    status: str | None
    spark: list[float | None] = field(default_factory=list)
    previous: float | None = None

    @property
    def shown(self) -> str:
        return display(self.indicator, self.value)

    @property
    def target_shown(self) -> str:
        return display(self.indicator, self.target.target) if self.target else "—"

    @property
    def trend(self) -> str:
        if self.value is None or self.previous is None or self.value == self.previous:
            return ""
        better = (self.value > self.previous) == (self.indicator.direction == "higher_better")
        return "better" if better else "worse"

    @property
    def moved(self) -> str:
        """Which way the value went since the period before ("up" / "down"); ``trend`` says
        whether that is better or worse for this indicator (a falling repeat rate is better)."""
        if self.value is None or self.previous is None or self.value == self.previous:
            return ""
        return "up" if self.value > self.previous else "down"


def tiles(org_path: str, *, granularity: str, periods: int, now: datetime) -> list[Tile]:
    """One tile per key indicator: the latest period with data, its target and status, and the
    trend line over ``periods`` periods."""
    start, end = period_window(granularity, periods, now)
    starts = []
    cursor = start
    while cursor < end:
        starts.append(cursor)
        cursor = next_start(cursor, granularity)
    found = targets_for(KEY_INDICATORS, org_path, now.astimezone(BEIJING).date())
    window: dict[str, Any] = {
        "granularity": granularity, "org_path": org_path, "start": start, "end": end
    }  # fmt: skip
    stored = rolled_up_stored(  # the stored indicators in one query, percentiles one by one
        [c for c in KEY_INDICATORS if c in INDICATORS and INDICATORS[c].samples is None], **window
    )
    out = []
    for code in KEY_INDICATORS:
        indicator = INDICATORS.get(code)
        if indicator is None:
            continue
        series = stored[code] if code in stored else rolled_up(code, **window)
        rows = {r["period_start"]: r for r in series}
        spark = [rows[s]["value"] if s in rows else None for s in starts]
        filled = [s for s in starts if s in rows and rows[s]["value"] is not None]
        last = rows[filled[-1]] if filled else None
        before = rows[filled[-2]]["value"] if len(filled) > 1 else None
        value = last["value"] if last else None
        target = found.get(code)
        out.append(Tile(indicator, value, last["period_start"] if last else None,
                        last["denominator"] if last else 0.0, target,
                        status(code, value, target), spark, before))  # fmt: skip
    return out


@dataclass
class ChartPoint:
    period_start: datetime
    value: float | None
    numerator: float
    denominator: float
    centre: float | None = None
    lower: float | None = None
    upper: float | None = None
    rules: list[int] = field(default_factory=list)
    target: float | None = None
    status: str | None = None


@dataclass
class Chart:
    kind: str  # "p" or "xmr"
    points: list[ChartPoint]
    centre: float | None
    mr_bar: float | None = None

    @property
    def signals(self) -> list[ChartPoint]:
        return [p for p in self.points if p.rules]


def control_chart(code: str, org_path: str, *, granularity: str, start: datetime, end: datetime,
                  on: datetime) -> Chart:  # fmt: skip
    indicator = INDICATORS[code]
    rows = [r for r in rolled_up(code, granularity=granularity, org_path=org_path, start=start,
                                 end=end) if r["value"] is not None]  # fmt: skip
    target = targets_for([code], org_path, on.astimezone(BEIJING).date()).get(code)
    points = [ChartPoint(r["period_start"], r["value"], r["numerator"], r["denominator"],
                         target=target.target if target else None,
                         status=status(code, r["value"], target)) for r in rows]  # fmt: skip
    if not points:
        return Chart("p" if indicator.unit == "ratio" else "xmr", [], None)
    proportion = indicator.unit == "ratio" and all(
        0 <= p.numerator <= p.denominator and float(p.denominator).is_integer() for p in points
    )
    if proportion:
        chart = p_chart([(int(p.numerator), int(p.denominator)) for p in points])
        sigmas = list(chart.sigma)
        for p, lo, hi in zip(points, chart.lower, chart.upper, strict=True):
            p.centre, p.lower, p.upper = chart.centre, lo, hi
        if all(s > 0 for s in sigmas):  # p̄ of 0 or 1 has no spread: no run rules
            rules = western_electric([p.value for p in points if p.value is not None],
                                     chart.centre, sigmas)  # fmt: skip
            for p, fired in zip(points, rules, strict=True):
                p.rules = fired
        return Chart("p", points, chart.centre)
    values = [float(p.value) for p in points if p.value is not None]
    if len(values) < 2:
        return Chart("xmr", points, values[0] if values else None)
    xmr = xmr_chart(values)
    for p in points:
        p.centre, p.lower, p.upper = xmr.centre, xmr.lower, xmr.upper
    if xmr.sigma > 0:
        for p, fired in zip(points, western_electric(values, xmr.centre, xmr.sigma), strict=True):
            p.rules = fired
    return Chart("xmr", points, xmr.centre, xmr.mr_bar)


@dataclass
class FunnelPoint:
    name: str
    path: str
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def funnel(code: str, units: list[Any], parent_path: str, *, start: datetime, end: datetime
           ) -> dict[str, Any] | None:  # fmt: skip
    """Units below against the parent's proportion over [start, end), with 95 % and 99.8 %
    limits for every denominator on the x axis (exact binomial, Spiegelhalter 2005)."""
    if INDICATORS[code].unit != "ratio":
        return None
    points = []
    for u in units:
        rows = rolled_up(code, granularity="month", org_path=u.path, start=start, end=end)
        n = sum(r["numerator"] for r in rows)
        d = sum(r["denominator"] for r in rows)
        if d:
            points.append(FunnelPoint(u.localized_name, u.path, n, d))
    whole = rolled_up(code, granularity="month", org_path=parent_path, start=start, end=end)
    total_n = sum(r["numerator"] for r in whole)
    total_d = sum(r["denominator"] for r in whole)
    if not points or not total_d:
        return None
    p0 = total_n / total_d

    def limits(n: int, confidence: float) -> tuple[float, float]:
        # all on time (or none): every unit sits on the target, the funnel is the line itself
        return funnel_limits(p0, n, confidence) if 0 < p0 < 1 else (p0, p0)

    top = max(p.denominator for p in points)
    xs = sorted({max(1, round(top * k / 40)) for k in range(1, 41)})
    lines = {
        "95": [limits(int(x), 95) for x in xs],
        "99.8": [limits(int(x), 99.8) for x in xs],
    }
    outside = []
    for p in points:
        lo, hi = limits(int(p.denominator), 99.8)
        if p.value is not None and not lo <= p.value <= hi:
            outside.append(p.name)
    return {"p0": p0, "points": points, "xs": xs, "lines": lines, "outside": outside}
