"""The mining tables (issue 16): ``process_management_edge`` (one row per move of a case: the
directly-follows pair ending at it, with calendar and working seconds, the occurrence and the
conformance deviation) and ``process_management_trace`` (one row per case: unit, start, end,
variant, duration, moves). Maintained from the one event log so the mining is a GROUP BY
(``mining_sql``) instead of a window sort over every event.

* ``rebuild()`` recomputes everything (the ``mining_tables_refresh --full`` command);
* ``refresh()`` takes the cases that got events above the high-water mark (the highest event id
  the tables have read) and replaces their rows (the periodic job);
* ``current()`` says the tables have read every event (else the mining reads the log itself).

The rows are what ``mining.discover`` and ``conformance.replay`` compute per trace — the same
functions' pieces — so the two paths give the same figures (pinned by ``test_mining_sql``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from hiqc.core.bulkwrite import Table, rendered, store
from hiqc.core.calendar import WorkingTime
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.models import CaseEvent

from .conformance import replay
from .mining import END, START, Event, Trace
from .models import MiningEdge, MiningTrace

SEP = ">"
BATCH = 5000  # cases written per COPY
EDGE_COLUMNS = ("case_type", "case_id", "org_path", "started_at", "source", "target",
                "calendar", "working", "occurrence", "first_pair", "deviation", "replay_state")  # fmt: skip
TRACE_COLUMNS = ("case_type", "case_id", "org_path", "started_at", "ended_at", "variant",
                 "events", "calendar", "working", "moves", "fitting", "repeats", "moved",
                 "last_event")  # fmt: skip


def high_water() -> int:
    return MiningTrace.objects.aggregate(m=Max("last_event"))["m"] or 0


def current() -> bool:
    """The tables have read every event of the log."""
    last = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
    return last <= high_water()


def _traces(events: Iterable[tuple]) -> Iterator[tuple[str, Trace, int]]:
    """(case type, trace, highest event id) per case, from rows ordered by case and time."""
    key: tuple[str, str] | None = None
    batch: list[Event] = []
    top = 0
    for eid, ctype, cid, org, activity, at, source, target in events:
        if (ctype, cid) != key:
            if key is not None and batch:
                yield key[0], Trace(key[1], batch[-1].org_path, tuple(batch)), top
            key, batch, top = (ctype, cid), [], 0
        batch.append(Event(activity, at, source, target, org))
        top = max(top, eid)
    if key is not None and batch:
        yield key[0], Trace(key[1], batch[-1].org_path, tuple(batch)), top


def rows_of(case_type: str, trace: Trace, top: int, worktime: WorkingTime) -> tuple[list, tuple]:
    """The edge rows and the trace row of one case."""
    events = trace.events
    kind = CASE_KINDS.get(case_type)
    deviations: dict[int, tuple[str, str]] = {}
    moves = fitting = len(events)
    if kind is not None:
        fit = replay(kind.workflow, trace)
        moves, fitting = fit.moves, fit.fitting
        deviations = {d.index: (d.kind, d.replay_state) for d in fit.deviations}
    stamps = [e.at.timestamp() for e in events]
    places = [worktime.position(e.at) for e in events]
    start = events[0].at
    seen: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    edges = []
    previous = START
    for i, e in enumerate(events):
        cal = work = None
        if i:
            cal = stamps[i] - stamps[i - 1]
            work = max(0.0, places[i] - places[i - 1])
        dev, state = deviations.get(i, ("", ""))
        pair = (previous, e.activity)
        edges.append((case_type, trace.case_id, trace.org_path, start, previous, e.activity,
                      cal, work, seen[e.activity], pair not in pairs, dev, state))  # fmt: skip
        pairs.add(pair)
        seen[e.activity] += 1
        previous = e.activity
    edges.append((case_type, trace.case_id, trace.org_path, start, previous, END,
                  None, None, 0, True, "", ""))  # fmt: skip
    row = (case_type, trace.case_id, trace.org_path, start, events[-1].at,
           SEP.join(e.activity for e in events), len(events), stamps[-1] - stamps[0],
           max(0.0, places[-1] - places[0]), moves, fitting, sum(c - 1 for c in seen.values()),
           any(e.org_path != trace.org_path for e in events), top)  # fmt: skip
    return edges, row


def _write(items: Iterable[tuple[str, Trace, int]]) -> int:
    postgres = connection.vendor == "postgresql"
    worktime = WorkingTime()
    written = 0
    edges, traces = Table(MiningEdge, EDGE_COLUMNS), Table(MiningTrace, TRACE_COLUMNS)

    def flush() -> None:
        store(rendered([edges, traces], postgres), postgres)
        edges.rows.clear()
        traces.rows.clear()

    for case_type, trace, top in items:
        e, t = rows_of(case_type, trace, top, worktime)
        edges.rows.extend(e)
        traces.rows.append(t)
        written += 1
        if len(traces.rows) >= BATCH:
            flush()
    flush()
    return written


def _events(qs: QuerySet[CaseEvent]) -> Iterator[tuple]:
    return (
        qs.order_by("case_type", "case_id", "at", "id")
        .values_list(
            "id", "case_type", "case_id", "org_path", "activity", "at", "from_state", "to_state"
        )
        .iterator(chunk_size=20000)
    )


def rebuild() -> dict[str, int]:
    """Every case of the log, recomputed (the tables emptied first)."""
    with transaction.atomic():
        MiningEdge.objects.all().delete()
        MiningTrace.objects.all().delete()
        cases = _write(_traces(_events(CaseEvent.objects.all())))
    return {"cases": cases}


# An event's id is given when it is inserted, but it is seen only when its transaction commits:
# one committed late, under an id the high-water mark has passed, would be missed. Every refresh
# therefore also reads again the cases with events recorded in the last half hour (three runs of
# the ten-minute job), replacing their rows as usual.
LATE_COMMIT_SECONDS = 1800


def refresh() -> dict[str, int]:
    """The cases with events above the high-water mark (or recorded lately), rows replaced."""
    with transaction.atomic():
        mark = high_water()
        lately = timezone.now() - timedelta(seconds=LATE_COMMIT_SECONDS)
        changed = set(
            CaseEvent.objects.filter(Q(id__gt=mark) | Q(recorded_at__gte=lately))
            .values_list("case_type", "case_id")
            .distinct()
        )
        if not changed:
            return {"cases": 0}
        written = 0
        by_type: dict[str, list[str]] = {}
        for ctype, cid in changed:
            by_type.setdefault(ctype, []).append(cid)
        for ctype, ids in by_type.items():
            for i in range(0, len(ids), BATCH):
                chunk = ids[i : i + BATCH]
                MiningEdge.objects.filter(case_type=ctype, case_id__in=chunk).delete()
                MiningTrace.objects.filter(case_type=ctype, case_id__in=chunk).delete()
                qs = CaseEvent.objects.filter(case_type=ctype, case_id__in=chunk)
                written += _write(_traces(_events(qs)))
    return {"cases": written}
