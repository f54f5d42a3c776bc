"""Process mining on the one event log (standard 2.2.2(1); issue 16 §3).

Pure functions over *traces* — one case's events in time order — so the same numbers come out
whether the traces were read from ``core_caseevent`` or built by hand in a test:

* the **directly-follows graph**: a node per activity (events and cases), an edge per pair of
  activities that follow each other directly in a case, with its frequency (events), its cases and
  the duration between the two events — mean, median and P90, in calendar time and in working time
  on the official calendar (``hiqc.core.calendar.WorkingTime``). ``START``/``END`` edges show how
  cases begin and where they stop;
* **variants**: the distinct activity sequences, each with its cases, share and case duration;
* **rework**: activities done more than once in a case, and the cases that repeat any step;
* **bottlenecks**: per activity, the waiting time before it (from the case's previous event),
  ranked; and the same step compared across branches;
* **located bottlenecks** (``hotspots``): per (step, unit), the waiting there in excess of the
  same step's waiting at the other units, in case-seconds — where a step is slow, not only which.

Medians and percentiles are *continuous* (linear interpolation between the two nearest ranks) —
PostgreSQL's ``percentile_cont`` and DuckDB's ``quantile_cont``/``median`` — so a figure here can
be checked against either.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import NamedTuple

from hiqc.core.calendar import WorkingTime

START = "__start__"
END = "__end__"


class Event(NamedTuple):
    activity: str
    at: datetime
    from_state: str = ""
    to_state: str = ""
    org_path: str = ""  # the unit the case was at when the event happened


@dataclass(frozen=True)
class Trace:  # org_path: the unit of the case's latest event
    case_id: str
    org_path: str
    events: tuple[Event, ...]

    @property
    def activities(self) -> tuple[str, ...]:
        return tuple(e.activity for e in self.events)

    @property
    def started_at(self) -> datetime:
        return self.events[0].at

    @property
    def ended_at(self) -> datetime:
        return self.events[-1].at


def quantile_cont(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted ``values`` by linear interpolation (``percentile_cont``)."""
    if not values:
        raise ValueError("no values")
    pos = q * (len(values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


@dataclass(frozen=True)
class Stats:
    """Durations in seconds."""

    count: int
    mean: float
    median: float
    p90: float
    total: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats | None:
        ordered = sorted(values)
        if not ordered:
            return None
        total = math.fsum(ordered)
        return cls(
            len(ordered),
            total / len(ordered),
            quantile_cont(ordered, 0.5),
            quantile_cont(ordered, 0.9),
            total,
        )


@dataclass(frozen=True)
class Node:
    activity: str
    frequency: int  # events
    cases: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    frequency: int  # times the pair followed directly
    cases: int  # cases in which it did
    calendar: Stats | None  # None on START/END edges: they have no duration
    working: Stats | None


@dataclass(frozen=True)
class Variant:
    activities: tuple[str, ...]
    cases: int
    share: float
    calendar: Stats  # case duration, first event to last
    working: Stats


@dataclass(frozen=True)
class Rework:
    activity: str
    cases: int  # cases that did it more than once
    repeats: int  # occurrences beyond the first, over all cases


@dataclass(frozen=True)
class Waiting:
    """The waiting time before a step: from the case's previous event to this one."""

    activity: str
    calendar: Stats
    working: Stats


@dataclass(frozen=True)
class ProcessMap:
    cases: int
    events: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    variants: tuple[Variant, ...]
    rework: tuple[Rework, ...]
    rework_cases: int  # cases that repeat any activity
    bottlenecks: tuple[Waiting, ...]  # slowest first
    fallback_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def rework_rate(self) -> float | None:
        return self.rework_cases / self.cases if self.cases else None

    def edge(self, source: str, target: str) -> Edge | None:
        return next((e for e in self.edges if (e.source, e.target) == (source, target)), None)


def directly_follows(acts: tuple[str, ...]) -> list[tuple[str, str]]:
    """The directly-follows pairs of a case, from START to END."""
    return [(START, acts[0]), *pairwise(acts), (acts[-1], END)]


RANKINGS: dict[str, Callable[[Waiting], float]] = {
    "mean": lambda w: w.calendar.mean,
    "median": lambda w: w.calendar.median,
    "p90": lambda w: w.calendar.p90,
    "total": lambda w: w.calendar.total,
    "working_mean": lambda w: w.working.mean,
}


def discover(
    traces: Iterable[Trace], *, worktime: WorkingTime | None = None, rank_by: str = "mean"
) -> ProcessMap:
    """The process map of ``traces`` (cases with no event are ignored)."""
    worktime = worktime or WorkingTime()
    rank = RANKINGS[rank_by]
    node_events: Counter[str] = Counter()
    node_cases: Counter[str] = Counter()
    edge_events: Counter[tuple[str, str]] = Counter()
    edge_cases: Counter[tuple[str, str]] = Counter()
    calendar: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    working: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    # activities → (calendar, working) duration of each case that followed them
    variants: defaultdict[tuple[str, ...], list[tuple[float, float]]] = defaultdict(list)
    repeats: Counter[str] = Counter()
    repeat_cases: Counter[str] = Counter()
    n_cases = n_events = rework_cases = 0
    for trace in traces:
        events = trace.events
        if not events:
            continue
        n_cases += 1
        n_events += len(events)
        acts = trace.activities
        counts = Counter(acts)
        node_events.update(counts)
        node_cases.update(counts.keys())
        pairs = directly_follows(acts)
        edge_events.update(pairs)
        edge_cases.update(set(pairs))
        stamps = [e.at.timestamp() for e in events]
        places = [worktime.position(e.at) for e in events]
        for i in range(1, len(events)):
            key = (acts[i - 1], acts[i])
            calendar[key].append(stamps[i] - stamps[i - 1])
            working[key].append(max(0.0, places[i] - places[i - 1]))
        variants[acts].append((stamps[-1] - stamps[0], max(0.0, places[-1] - places[0])))
        again = {a: c - 1 for a, c in counts.items() if c > 1}
        if again:
            rework_cases += 1
            repeats.update(again)
            repeat_cases.update(again.keys())

    edges = tuple(
        Edge(s, t, n, edge_cases[(s, t)], Stats.of(calendar[(s, t)]), Stats.of(working[(s, t)]))
        for (s, t), n in sorted(edge_events.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    nodes = tuple(
        Node(a, n, node_cases[a])
        for a, n in sorted(node_events.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    variant_rows = []
    for acts, members in variants.items():
        cal = Stats.of(c for c, _w in members)
        work = Stats.of(w for _c, w in members)
        assert cal is not None and work is not None
        variant_rows.append(Variant(acts, len(members), len(members) / n_cases, cal, work))
    variant_rows.sort(key=lambda v: (-v.cases, v.activities))
    waiting = []
    for activity in node_events:
        cal_values = [v for (_s, t), vs in calendar.items() if t == activity for v in vs]
        work_values = [v for (_s, t), vs in working.items() if t == activity for v in vs]
        cal_stats, work_stats = Stats.of(cal_values), Stats.of(work_values)
        if cal_stats is not None and work_stats is not None:
            waiting.append(Waiting(activity, cal_stats, work_stats))
    waiting.sort(key=lambda w: (-rank(w), w.activity))
    rework = tuple(
        Rework(a, repeat_cases[a], n)
        for a, n in sorted(repeats.items(), key=lambda kv: (-repeat_cases[kv[0]], kv[0]))
    )
    return ProcessMap(
        cases=n_cases,
        events=n_events,
        nodes=nodes,
        edges=edges,
        variants=tuple(variant_rows),
        rework=rework,
        rework_cases=rework_cases,
        bottlenecks=tuple(waiting),
        fallback_years=frozenset(worktime.fallback_years),
    )


def waiting_by_branch(
    traces: Iterable[Trace],
    activity: str,
    branch_of: Callable[[str], str | None],
    *,
    worktime: WorkingTime | None = None,
) -> dict[str, Waiting]:
    """The waiting time before ``activity`` per branch (``branch_of(org_path)``; None: left out)
    — the same step compared across branches."""
    worktime = worktime or WorkingTime()
    cal: defaultdict[str, list[float]] = defaultdict(list)
    work: defaultdict[str, list[float]] = defaultdict(list)
    for trace in traces:
        branch = branch_of(trace.org_path)
        if branch is None:
            continue
        for prev, nxt in pairwise(trace.events):
            if nxt.activity == activity:
                cal[branch].append((nxt.at - prev.at).total_seconds())
                work[branch].append(worktime.seconds(prev.at, nxt.at))
    out = {}
    for branch, values in cal.items():
        c, w = Stats.of(values), Stats.of(work[branch])
        assert c is not None and w is not None
        out[branch] = Waiting(activity, c, w)
    return out


def cases_on_edge(traces: Iterable[Trace], source: str, target: str) -> list[str]:
    """The cases behind an edge (drill-down), in the order given."""
    out = []
    for trace in traces:
        acts = trace.activities
        if not acts:
            continue
        if (source, target) in directly_follows(acts):
            out.append(trace.case_id)
    return out


@dataclass(frozen=True)
class Hotspot:
    """A step slow at one unit compared with the same step elsewhere (issue 16 §3, §9): its
    mean waiting at least ``MIN_RATIO`` times the rest's.

    ``excess`` = the unit's total waiting before the step − its count × the mean waiting before
    the same step in the rest of the subtree (``others_mean``): the case-seconds lost there
    beyond what the step takes elsewhere. Sums and counts only, so the database computes the
    same figure from its aggregates (``mining_sql``)."""

    activity: str
    unit: str  # the org path of the unit compared
    calendar: Stats  # the waiting before the step at the unit
    working: Stats
    others_count: int
    others_mean: float  # calendar seconds
    excess: float  # case-seconds


# A unit is a located bottleneck of a step only when its mean waiting is at least this many times
# the rest's: below it, a long tail's noise (a few very slow cases among hundreds) would be named
# the top bottleneck of a subtree where no unit stands out (the claims dashboard's rule for its
# slow spots, on medians, is the same 1.5).
MIN_RATIO = 1.5
# …and only over at least this many waits at the unit (fewer say little about a unit).
MIN_WAITS = 20


def excess_waiting(
    activity: str, unit: str, here: Stats, working: Stats, everywhere: Stats,
    min_waits: int | None = None,
) -> Hotspot | None:  # fmt: skip
    """The hotspot of ``activity`` at ``unit`` (its waiting ``here``) against the subtree's
    waiting before the same step (``everywhere``, the unit included); None when no other unit's
    case took the step, when the unit has fewer than ``min_waits`` (``MIN_WAITS``) waits, or
    when it is not clearly slower than the rest (``MIN_RATIO``)."""
    others = everywhere.count - here.count
    if others <= 0 or here.count < (MIN_WAITS if min_waits is None else min_waits):
        return None
    others_mean = (everywhere.total - here.total) / others
    excess = here.total - here.count * others_mean
    if excess <= 0 or here.mean < MIN_RATIO * others_mean:
        return None
    return Hotspot(activity, unit, here, working, others, others_mean, excess)


def hotspots(
    traces: Iterable[Trace],
    unit_of: Callable[[str], str | None],
    *,
    worktime: WorkingTime | None = None,
    leave_out: Collection[str] = (),
    min_waits: int | None = None,
) -> list[Hotspot]:
    """The (step, unit) pairs whose waiting exceeds the same step's elsewhere, most excess first.
    ``unit_of(trace.org_path)`` names the unit a case is compared at (None: at none — its waits
    still count in "elsewhere"); steps in ``leave_out`` (the customer's time) are not ranked."""
    worktime = worktime or WorkingTime()
    everywhere: defaultdict[str, list[float]] = defaultdict(list)
    cal: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    work: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    for trace in traces:
        events = trace.events
        unit = unit_of(trace.org_path)
        stamps = [e.at.timestamp() for e in events]
        places = [worktime.position(e.at) for e in events] if unit is not None else []
        for i in range(1, len(events)):
            activity = events[i].activity
            if activity in leave_out:
                continue
            waited = stamps[i] - stamps[i - 1]
            everywhere[activity].append(waited)
            if unit is not None:
                cal[(activity, unit)].append(waited)
                work[(activity, unit)].append(max(0.0, places[i] - places[i - 1]))
    pooled = {a: Stats.of(v) for a, v in everywhere.items()}
    out = []
    for (activity, unit), values in cal.items():
        here, w, total = Stats.of(values), Stats.of(work[(activity, unit)]), pooled[activity]
        assert here is not None and w is not None and total is not None
        spot = excess_waiting(activity, unit, here, w, total, min_waits)
        if spot is not None:
            out.append(spot)
    out.sort(key=lambda h: (-h.excess, h.activity, h.unit))
    return out
