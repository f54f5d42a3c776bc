"""Indicators declared in code and computed into rows (DESIGN rule 5; issues 4 and 7).

An ``Indicator`` declares its code, names (zh/en), unit, direction, clauses, formula text and
source, how its rows are computed, and the records behind a figure (``cases``). Rows are
(period start, org path, numerator, denominator) for each org unit's *own* records; reads roll up
a subtree as Σnumerator ÷ Σdenominator, never an average of ratios. How rows are computed, from the
most to the least common:

* ``compute_range(granularity, start, end)`` — every period of a range from one grouped query,
  usually ``counted_by_period`` / ``summed_by_period`` (the database groups by the Beijing day or
  month);
* ``family`` — several indicators from one read (``Family``: the call-centre figures, the
  claim-step means, the survey answers);
* ``compute(period)`` — one period at a time, for figures that need a month's reference data;
* ``samples`` + ``percentile`` — nothing stored: medians and P90 are read from the values.

``indicators_compute`` replaces the rows of a range at once (idempotent), written by
``indicator_rows_replace`` (the one writer, through ``core.bulkwrite``). Period starts are Beijing
time (UTC+8, no daylight saving), aligned with ``align``. Targets are ``core.targets``; the pages,
control charts and nonconformities are ``hiqc.quality``.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, Q, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop

from .bulkwrite import Table, rendered, store
from .calendar import BEIJING
from .casekinds import window_codes
from .models import Deadline, IndicatorValue
from .principles import Principle, tag_principles

Granularity = Literal["15min", "day", "month"]
GRANULARITIES: tuple[str, ...] = ("15min", "day", "month")  # stored
READ_GRANULARITIES: tuple[str, ...] = (*GRANULARITIES, "quarter")  # quarters sum their months


@dataclass(frozen=True)
class Period:
    granularity: str
    start: datetime  # Beijing time, aligned
    end: datetime


RangeRow = tuple[datetime, str, float, float]
RangeCompute = Callable[[str, datetime, datetime], Iterable[RangeRow]]


@dataclass(frozen=True)
class Family:
    """Indicators computed together from one read (the twenty call-centre figures from one grouped
    query of the calls, the claim-step means from one of the steps): ``compute(granularity, start,
    end)`` answers {code: rows} for every member; ``indicators_compute`` calls it once per
    granularity for all the members asked for."""

    name: str
    compute: Callable[[str, datetime, datetime], dict[str, list[RangeRow]]]


@dataclass(frozen=True)
class Counted:
    """One record a figure counted (issue 7 §2: every figure links to the cases behind it): a case
    of a declared kind (``record_type`` = its kind, e.g. ``claims.claim``, shown by its number and
    linked to its page for those who may see it) or another record (a call, a QA score: its ``name``,
    ``label`` and, where it has a page, ``url``)."""

    record_type: str
    record_id: str
    org_path: str
    when: datetime | None
    counted: str  # what the figure counted for it: 按时 / 超时, "12.4 天", "2 分" …
    bad: bool  # counted against the figure (breached, not resolved at first contact, …)
    label: str = ""
    url: str = ""
    name: str = ""  # what a record that is not a case is (来电, 质检评分 …)


CASES_LIMIT = 500  # records listed behind one figure, worst first
CasesOf = Callable[[str, datetime, datetime], list[Counted]]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str  # ratio | seconds | days | count
    direction: str  # higher_better | lower_better
    clauses: tuple[str, ...]
    # the definition (口径) and the data source, each a Chinese msgid marked where it is declared
    # (``gettext_noop``) and shown translated: ``formula_text()`` / ``source_text()``
    formula: str
    source: str
    compute: Callable[[Period], Iterable[tuple[str, float, float]]] | None = None
    granularities: tuple[str, ...] = ("day", "month")
    # optional: every period of [start, end) at once → (period start, org path, n, d)
    compute_range: RangeCompute | None = None
    # optional: computed with the other members of its family from one read
    family: Family | None = None
    # a percentile indicator (e.g. P90 days to decision) stores no rows: it is read from the
    # underlying values, ``samples(org_path, start, end)`` → [(when, value)] in one query
    samples: Callable[[str, datetime, datetime], list[tuple[datetime, float]]] | None = None
    percentile: float | None = None
    # the records behind a figure: ``cases(org_path, start, end)`` → at most CASES_LIMIT records
    # of the subtree the figure counted in [start, end), those counted against it first
    cases: CasesOf | None = None
    owner: str = ""  # the role accountable for the figure (organisations.Role), e.g. "quality_lead"
    # the values of the formula's {named} placeholders, filled in after it is translated: numbers
    # as they are, words as lazy msgids in the context "指标口径" (``pgettext_lazy``), e.g.
    # {"step": pgettext_lazy("指标口径", "资料审核")}: "资料审核" in Chinese, "review" in English
    formula_params: Mapping[str, object] = field(default_factory=dict, hash=False)
    # True: rows whose denominator is 0 are stored too, for a figure whose numerator must count in
    # a roll-up even where the denominator is nothing (MTBF: the operating hours of a unit without
    # failures belong in its parent's Σhours ÷ Σfailures); such a row alone reads as no value
    keep_zero_denominators: bool = False

    @property
    def localized_name(self) -> str:
        """The name in the active language (Chinese unless English is chosen)."""
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    def formula_text(self) -> str:
        """The formula (口径) in the active language, its placeholders filled in."""
        text = gettext(self.formula)
        if not self.formula_params:
            return text
        return text.format_map({k: str(v) for k, v in self.formula_params.items()})

    def source_text(self) -> str:
        """The data source in the active language."""
        return gettext(self.source)

    def __post_init__(self) -> None:
        if self.samples is not None:
            if self.percentile is None or not 0 < self.percentile <= 100:
                raise ValueError(f"indicator {self.code!r}: samples need a percentile in (0, 100]")
        elif self.compute is None and self.compute_range is None and self.family is None:
            raise ValueError(
                f"indicator {self.code!r} declares no compute, compute_range, family or samples"
            )

    def rows(self, granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
        """(period start, org path, numerator, denominator) for every period in [start, end)."""
        if self.family is not None:
            return _aligned(
                granularity, self.family.compute(granularity, start, end).get(self.code, [])
            )
        if self.compute_range is not None:
            return _aligned(granularity, self.compute_range(granularity, start, end))
        assert self.compute is not None
        return [
            (period.start, path, float(n), float(d))
            for period in periods(granularity, start, end)
            for path, n, d in self.compute(period)
        ]


def cases_of(code: str, org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The records behind the figure of ``code`` for the subtree at ``org_path`` in [start, end),
    those counted against it first (none when the indicator declares no ``cases``)."""
    cases = INDICATORS[code].cases
    return [] if cases is None else cases(org_path, start, end)[:CASES_LIMIT]


def _aligned(granularity: str, rows: Iterable[RangeRow]) -> list[RangeRow]:
    """Rows with their period starts aligned (each distinct start aligned once: a year of
    15-minute call-centre rows is 2.85 million rows over 35,000 starts)."""
    starts: dict[datetime, datetime] = {}
    out = []
    for start, path, n, d in rows:
        aligned = starts.get(start)
        if aligned is None:
            aligned = starts[start] = align(start, granularity)
        out.append((aligned, path, float(n), float(d)))
    return out


INDICATORS: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    if indicator.code in INDICATORS and INDICATORS[indicator.code] is not indicator:
        raise ValueError(f"indicator {indicator.code!r} declared twice")
    INDICATORS[indicator.code] = indicator


def align(moment: datetime, granularity: str) -> datetime:
    m = moment.astimezone(BEIJING)
    if granularity == "15min":
        return m.replace(minute=m.minute - m.minute % 15, second=0, microsecond=0)
    if granularity == "day":
        return m.replace(hour=0, minute=0, second=0, microsecond=0)
    if granularity == "month":
        return m.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if granularity == "quarter":
        first = m.month - (m.month - 1) % 3
        return m.replace(month=first, day=1, hour=0, minute=0, second=0, microsecond=0)
    raise ValueError(f"unknown granularity {granularity!r}")


def next_start(start: datetime, granularity: str) -> datetime:
    if granularity == "15min":
        return start + timedelta(minutes=15)
    if granularity == "day":
        return start + timedelta(days=1)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if granularity == "quarter":
        for _ in range(2):
            following = (following.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following


def bucketed(
    granularity: str, items: Iterable[tuple[datetime, str, float, float]]
) -> list[RangeRow]:
    """Sum (when, org path, numerator, denominator) items into rows per period and org path: the
    usual body of a ``compute_range`` that reads one value per record."""
    sums: dict[tuple[datetime, str], list[float]] = {}
    for when, path, n, d in items:
        cell = sums.setdefault((align(when, granularity), path), [0.0, 0.0])
        cell[0] += n
        cell[1] += d
    return [(period, path, n, d) for (period, path), (n, d) in sums.items()]


SHANGHAI = ZoneInfo("Asia/Shanghai")  # the database's own functions need a named zone (= UTC+8)


class _BeijingDayText(Func):
    """SQLite: the Beijing calendar day (or month) of a stored UTC timestamp as text, computed by
    SQLite's own ``date()`` — Django's time-zone ``Trunc`` there calls a Python function per
    row (4.7× hand-written SQL for the clocks, bench/bench_recompute_all.py)."""

    template = "date(%(expressions)s, '+8 hours'%(modifier)s)"  # SQLite's own date()
    output_field = CharField()


def grouped_by_period(
    queryset: Any, *, at: str, granularity: str, keys: tuple[str, ...], **aggregates: Any
) -> Iterable[dict[str, Any]]:
    """Rows of {"period", *keys, *aggregates} grouped by the database itself in one query for the
    whole range: the period is ``at`` truncated in Beijing time (UTC+8, no daylight saving). The
    building block of ``summed_by_period`` for families that read several figures from one
    grouping."""
    if granularity not in ("day", "month"):
        raise ValueError(f"the database groups by day or month here, not {granularity!r}")
    sqlite = connection.vendor == "sqlite"
    period = (
        _BeijingDayText(F(at), modifier="" if granularity == "day" else ", 'start of month'")
        if sqlite
        else Trunc(at, granularity, tzinfo=SHANGHAI)
    )
    rows = (
        queryset.annotate(period=period).values("period", *keys).annotate(**aggregates).order_by()
    )
    if not sqlite:
        return rows
    starts: dict[str, datetime] = {}
    out = []
    for r in rows:
        text = r["period"]
        if text not in starts:
            starts[text] = datetime.fromisoformat(text).replace(tzinfo=BEIJING)
        out.append({**r, "period": starts[text]})
    return out


def summed_by_period(
    queryset: Any,
    *,
    at: str,
    granularity: str,
    numerator: Any,
    denominator: Any = None,
    path: str = "org_path",
) -> list[RangeRow]:
    """(period start, org path, Σnumerator, Σdenominator) grouped by the database in one query for
    the whole range; ``numerator`` and ``denominator`` are aggregate expressions (the denominator
    defaults to the row count); a sum of durations comes back in days.
    (bench/bench_indicator_recompute.py compares this with hand-written SQL.)"""
    rows = grouped_by_period(
        queryset, at=at, granularity=granularity, keys=(path,), _n=numerator,
        _d=Count("pk") if denominator is None else denominator,
    )  # fmt: skip
    return [(r["period"], r[path], days_or_number(r["_n"]), days_or_number(r["_d"])) for r in rows]


def days_or_number(value: Any) -> float:
    """A database aggregate as a float: durations in days, nothing as 0."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value or 0)


def days_text(days: float) -> str:
    """A duration in days as the case lists show it."""
    return gettext("%(days).1f 天") % {"days": days}


def counted_by_period(
    queryset: Any, *, at: str, granularity: str, hit: Q, path: str = "org_path"
) -> list[RangeRow]:
    """(period start, org path, rows matching ``hit``, rows): ``summed_by_period`` for indicators
    that count records."""
    return summed_by_period(
        queryset, at=at, granularity=granularity, numerator=Count("pk", filter=hit), path=path
    )


def periods(granularity: str, start: datetime, end: datetime) -> Iterator[Period]:
    cursor = align(start, granularity)
    while cursor < end:
        following = next_start(cursor, granularity)
        yield Period(granularity, cursor, following)
        cursor = following


_ROW_COLUMNS = ("code", "granularity", "period_start", "org_path", "numerator", "denominator",
                "computed_at")  # fmt: skip


_LOCK_NAMESPACE = 0x48495143  # "HIQC": the first key of the indicator replacement locks


def _serialise_replacement(code: str, granularity: str) -> None:
    """One replacement of an indicator's rows at a time (issue 14 §3). Two overlapping
    recomputes each deleted, neither saw the other's uncommitted rows, and the second insert
    failed on ``indicator_value_unique``. On PostgreSQL a transaction-scoped advisory lock per
    (code, granularity) makes the second wait for the first to commit, then replace its rows:
    the same figures, whatever overlapped. SQLite already serialises writers (IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(f"{code}:{granularity}".encode()) - 2**31  # a signed 32-bit integer
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])


def indicator_rows_replace(
    *,
    code: str,
    granularity: str,
    start: datetime,
    end: datetime,
    rows: Iterable[RangeRow],
    keep_zero: bool = False,
) -> int:
    """Replace the rows of ``code`` for every period starting in [start, end) (aligned) with
    ``rows`` (zero denominators dropped, unless ``keep_zero`` and the numerator is not), in one
    transaction; returns rows written. Written with ``core.bulkwrite`` (COPY on PostgreSQL): ``bulk_create`` prepared every value of 2.85 million
    15-minute rows one by one, 64× the aggregation itself (bench/bench_recompute_all.py)."""
    begin = align(start, granularity)
    table = Table(IndicatorValue, _ROW_COLUMNS)
    now = timezone.now()
    table.rows = [(code, granularity, period_start, path, float(n), float(d), now)
                  for period_start, path, n, d in rows if d or (keep_zero and n)]  # fmt: skip
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        _serialise_replacement(code, granularity)
        IndicatorValue.objects.filter(
            code=code, granularity=granularity, period_start__gte=begin, period_start__lt=end
        ).delete()
        store(rendered([table], postgres), postgres)
    return len(table.rows)


def indicators_compute(
    *, codes: Iterable[str] | None = None, granularity: str, start: datetime, end: datetime
) -> int:
    """(Re)compute rows for every period in [start, end); returns rows written. Indicators with a
    ``compute_range`` or a family are read once for the whole range (a family once for all its
    members asked for); those with a per-period ``compute`` are read period by period."""
    written = 0
    wanted = [
        INDICATORS[code]
        for code in (codes or list(INDICATORS))
        if granularity in INDICATORS[code].granularities and INDICATORS[code].samples is None
    ]  # percentile indicators are read from their underlying values
    spans = list(periods(granularity, start, end))
    if not spans or not wanted:
        return 0
    begin, finish = spans[0].start, spans[-1].end
    families: dict[str, dict[str, list[RangeRow]]] = {}
    for indicator in wanted:
        if indicator.family is not None:
            family = indicator.family
            if family.name not in families:
                families[family.name] = family.compute(granularity, begin, finish)
            rows = _aligned(granularity, families[family.name].get(indicator.code, []))
        elif indicator.compute_range is not None:
            rows = indicator.rows(granularity, begin, finish)
        else:
            assert indicator.compute is not None
            for period in spans:
                written += indicator_rows_replace(
                    code=indicator.code, granularity=granularity, start=period.start,
                    end=period.end,
                    rows=[(period.start, path, float(n), float(d))
                          for path, n, d in indicator.compute(period)],
                )  # fmt: skip
            continue
        written += indicator_rows_replace(
            code=indicator.code, granularity=granularity, start=begin, end=finish, rows=rows,
            keep_zero=indicator.keep_zero_denominators,
        )  # fmt: skip
    return written


def rolled_up(
    code: str, *, granularity: str, org_path: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Σnumerator ÷ Σdenominator over the subtree at ``org_path``, per period. A percentile
    indicator answers the percentile of the subtree's underlying values instead (numerator: the
    percentile, denominator: how many values), never a combination of stored figures."""
    indicator = INDICATORS.get(code)
    if indicator is not None and indicator.samples is not None:
        assert indicator.percentile is not None
        if granularity not in (*indicator.granularities, "quarter"):
            return []
        buckets: dict[datetime, list[float]] = {}
        for when, value in indicator.samples(org_path, start, end):
            buckets.setdefault(align(when, granularity), []).append(value)
        out = []
        for period_start in sorted(buckets):
            values = buckets[period_start]
            p = percentile(values, indicator.percentile)
            out.append(
                {"period_start": period_start, "numerator": p, "denominator": float(len(values)),
                 "value": p}
            )  # fmt: skip
        return out
    return rolled_up_stored([code], granularity=granularity, org_path=org_path, start=start,
                            end=end)[code]  # fmt: skip


def rolled_up_stored(
    codes: Iterable[str], *, granularity: str, org_path: str, start: datetime, end: datetime
) -> dict[str, list[dict[str, Any]]]:
    """``rolled_up`` of several stored (not percentile) indicators at once, in one query: the
    quality overview reads a tile per key indicator for a unit and each of its children."""
    codes = list(codes)
    stored = "month" if granularity == "quarter" else granularity  # quarters sum their months
    rows = (
        IndicatorValue.objects.filter(
            code__in=codes, granularity=stored, period_start__gte=start, period_start__lt=end
        )
        .filter(Q(org_path__startswith=org_path))
        .values("code", "period_start")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
        .order_by("code", "period_start")
    )
    sums: dict[str, dict[datetime, list[float]]] = {code: {} for code in codes}
    for r in rows:
        key = align(r["period_start"], "quarter") if granularity == "quarter" else r["period_start"]
        cell = sums[r["code"]].setdefault(key, [0.0, 0.0])
        cell[0] += r["numerator"]
        cell[1] += r["denominator"]
    return {
        code: [
            {"period_start": k, "numerator": n, "denominator": d, "value": n / d if d else None}
            for k, (n, d) in sorted(periods.items())
        ]
        for code, periods in sums.items()
    }


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the kernel's own indicator --------------------------------------------------------------------


def _closed_clocks(start: datetime, end: datetime, clock: str) -> Any:
    closed = Deadline.objects.filter(
        closed_at__gte=start,
        closed_at__lt=end,
        state__in=[Deadline.State.MET, Deadline.State.BREACHED],
    )
    # a window (Clock.window) is a right, not an obligation: using it or not is no time limit met
    return closed.filter(clock=clock) if clock else closed.exclude(clock__in=window_codes())


def clocks_on_time(clock: str = "") -> RangeCompute:
    """The ``compute_range`` of an on-time rate: clocks (of ``clock``, or every clock) closed met
    ÷ closed met or breached (cancelled left out), grouped by the database in one query for the
    whole range (a grouped query per day scanned the table once per day: 193× one SQL query on a
    year of days, bench/bench_indicator_recompute.py)."""

    def compute(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
        return counted_by_period(_closed_clocks(start, end, clock), at="closed_at",
                                 granularity=granularity, hit=Q(state=Deadline.State.MET))  # fmt: skip

    return compute


def clock_cases(clock: str = "") -> CasesOf:
    """The cases behind an on-time rate: the clocks that closed, breached first."""

    def cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
        closed = _closed_clocks(start, end, clock).filter(org_path__startswith=org_path)
        rows = closed.order_by("state", "closed_at")[:CASES_LIMIT]  # "breached" < "met"
        return [
            Counted(d.case_type, d.case_id, d.org_path, d.closed_at,
                    gettext("超时") if d.state == Deadline.State.BREACHED else gettext("按时"),
                    d.state == Deadline.State.BREACHED)
            for d in rows
        ]  # fmt: skip

    return cases


register_indicator(
    Indicator(
        code="core.deadlines_met_rate",
        name_zh="时限按时完成率",
        name_en="Time limits met on time",
        unit="ratio",
        direction="higher_better",
        clauses=("2.3", "4.2.3(2)", "5.2.2(3)"),
        formula=gettext_noop("本期按时完成的时限数 ÷ 本期结束的时限数（不含已取消的时限）"),
        source=gettext_noop("本平台案件引擎（时限记录）"),
        compute_range=clocks_on_time(),
        cases=clock_cases(),
        owner="quality_lead",
    )
)
tag_principles({"core.deadlines_met_rate": (Principle.COMPLIANCE, Principle.EFFICIENT)})
