"""``results.mine`` computed by the database over the mining tables (``eventlog``; issue 16): the
same dict, every figure a GROUP BY over ``process_management_edge`` / ``_trace`` with no window
sort. On PostgreSQL the means, medians and P90 are ``avg`` and ``percentile_cont``; on SQLite
the grouped values are read and ``mining.Stats`` computes them, as the Python path does.

It answers only when the tables have read every event and, below the whole insurer, when no case
of the process moved between units (a subtree then sees only part of such a case's events, which
the per-case rows cannot cut): otherwise ``None`` and the caller mines the traces in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from django.db import connection

from hiqc.core.access import Actor
from hiqc.core.calendar import WorkingTime
from hiqc.core.casekinds import CaseKind
from hiqc.core.errors import NotFound

from . import eventlog
from .conformance import ProcessFit
from .mining import RANKINGS, Stats, Waiting, excess_waiting
from .models import MiningEdge, MiningTrace
from .results import (
    BRANCHES_KEPT,
    HOTSPOTS_KEPT,
    VARIANTS_KEPT,
    duration_dict,
    hotspot_dict,
    hotspot_width,
    relabel,
)
from .selectors import VIEW, Period, activity_labels

EDGE = MiningEdge._meta.db_table
TRACE = MiningTrace._meta.db_table


def usable(kind: CaseKind, path: str) -> bool:
    if not eventlog.current():
        return False
    return not path or not MiningTrace.objects.filter(case_type=kind.label, moved=True).exists()


Key = tuple[Any, ...]


def _grouped(
    table: str, keys: Sequence[str], where: str, params: list[Any], counts: Sequence[str],
    values: Sequence[str],
) -> dict[Key, tuple[tuple[int, ...], list[Stats | None]]]:  # fmt: skip
    """key → (the ``counts`` expressions, the Stats of each ``values`` column) per group."""
    k = ", ".join(keys)
    n = len(keys)
    out: dict[Key, tuple[tuple[int, ...], list[Stats | None]]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            aggs = [*counts]
            for v in values:
                aggs += [f"count({v})", f"avg({v})",
                         f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {v})",
                         f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {v})", f"sum({v})"]  # fmt: skip
            cursor.execute(
                f"SELECT {k}, {', '.join(aggs)} FROM {table} WHERE {where} GROUP BY {k}",  # noqa: S608
                params,
            )
            for row in cursor.fetchall():
                key, rest = tuple(row[:n]), row[n:]
                c = tuple(int(x or 0) for x in rest[: len(counts)])
                stats: list[Stats | None] = []
                for i in range(len(values)):
                    cnt, mean, med, p90, total = rest[len(counts) + 5 * i : len(counts) + 5 * i + 5]
                    stats.append(Stats(cnt, mean, med, p90, total) if cnt else None)
                out[key] = (c, stats)
            return out
        cursor.execute(
            f"SELECT {k}, {', '.join(counts)} FROM {table} WHERE {where} GROUP BY {k}",  # noqa: S608
            params,
        )
        for row in cursor.fetchall():
            out[tuple(row[:n])] = (tuple(int(x or 0) for x in row[n:]), [None] * len(values))
        if values:
            cursor.execute(
                f"SELECT {k}, {', '.join(values)} FROM {table} WHERE {where} ORDER BY {k}",  # noqa: S608
                params,
            )
            for key, rows in groupby(cursor.fetchall(), key=lambda r: tuple(r[:n])):
                group = list(rows)
                out[key] = (out[key][0], [
                    Stats.of(r[n + i] for r in group if r[n + i] is not None)
                    for i in range(len(values))
                ])  # fmt: skip
    return out


def mine_sql(
    actor: Actor, kind: CaseKind, period: Period, path: str, *, at: datetime, rank: str = "mean"
) -> dict[str, Any] | None:
    """``results.mine`` of the process's cases that started in the period within the subtree at
    ``path`` (in the actor's scope), from the mining tables; None when they cannot answer."""
    if not any(path.startswith(p) for p in actor.paths_for(VIEW)):
        raise NotFound()
    if not usable(kind, path):
        return None
    where = "case_type = %s AND started_at >= %s AND started_at < %s"
    ops = connection.ops
    params: list[Any] = [kind.label, ops.adapt_datetimefield_value(period.start),
                         ops.adapt_datetimefield_value(period.end)]  # fmt: skip
    if path:
        where += " AND org_path LIKE %s"
        params.append(path + "%")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), sum(events), sum(moves), sum(fitting),"  # noqa: S608
            f" sum(CASE WHEN fitting = moves THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN repeats > 0 THEN 1 ELSE 0 END), min(started_at), max(ended_at)"
            f" FROM {TRACE} WHERE {where}",
            params,
        )
        n_cases, n_events, moves, fitting, fitting_cases, rework_cases, first, last = (
            cursor.fetchone()
        )
    n_cases = int(n_cases or 0)
    n_events, moves, fitting = int(n_events or 0), int(moves or 0), int(fitting or 0)
    fitting_cases, rework_cases = int(fitting_cases or 0), int(rework_cases or 0)
    worktime = WorkingTime()
    if n_cases:  # the years the durations span: their calendars were looked up
        for moment in (first, last):
            worktime.position(moment if isinstance(moment, datetime) else _parse(moment))
    labels = activity_labels(kind)

    def label(activity: str) -> str:
        return labels.get(activity, activity)

    first_time = "sum(CASE WHEN occurrence = 0 THEN 1 ELSE 0 END)"
    again = "sum(CASE WHEN occurrence > 0 THEN 1 ELSE 0 END)"
    second = "sum(CASE WHEN occurrence = 1 THEN 1 ELSE 0 END)"
    first_pair = "sum(CASE WHEN first_pair THEN 1 ELSE 0 END)"
    edge_rows = _grouped(EDGE, ("source", "target"), where, params,
                         ("count(*)", first_pair, first_time, again, second),
                         ("calendar", "working"))  # fmt: skip
    node_events: dict[str, int] = {}
    node_cases: dict[str, int] = {}
    repeats: dict[str, int] = {}
    repeat_cases: dict[str, int] = {}
    for (_s, t), ((count, _c, first_n, again_n, second_n), _st) in edge_rows.items():
        if t == "__end__":
            continue
        node_events[t] = node_events.get(t, 0) + count
        node_cases[t] = node_cases.get(t, 0) + first_n
        if again_n:
            repeats[t] = repeats.get(t, 0) + again_n
            repeat_cases[t] = repeat_cases.get(t, 0) + second_n
    edges = sorted(edge_rows.items(), key=lambda kv: (-kv[1][0][0], kv[0]))
    nodes = sorted(node_events.items(), key=lambda kv: (-kv[1], kv[0]))
    waiting_rows = _grouped(EDGE, ("target",), where + " AND calendar IS NOT NULL", params,
                            ("count(*)",), ("calendar", "working"))  # fmt: skip
    by_rank = RANKINGS[rank]
    waiting = []
    for (activity,), (_n, (cal, work)) in waiting_rows.items():
        if cal is not None and work is not None:
            waiting.append(Waiting(activity, cal, work))
    waiting.sort(key=lambda w: (-by_rank(w), w.activity))
    variant_rows = _grouped(TRACE, ("variant",), where, params, ("count(*)",),
                            ("calendar", "working"))  # fmt: skip
    variants = sorted(
        ((tuple(v.split(eventlog.SEP)), c[0], st) for (v,), (c, st) in variant_rows.items()),
        key=lambda x: (-x[1], x[0]),
    )[:VARIANTS_KEPT]
    deviations = _grouped(EDGE, ("target", "deviation", "replay_state"),
                          where + " AND deviation <> ''", params,
                          ("count(*)", "count(DISTINCT case_id)"), ())  # fmt: skip
    groups = sorted(deviations.items(), key=lambda kv: (-kv[1][0][0], kv[0]))
    fit = ProcessFit(n_cases, moves, fitting, fitting_cases, (), ())
    resuming = {t.name for t in kind.workflow.transitions
                if any(e.kind == "resume" for e in t.effects)}  # fmt: skip
    own = [w for w in waiting if w.activity not in resuming]
    top = own[0].activity if own else None
    branches = []
    if top is not None:
        width = len(path) + 5
        waits = _grouped(
            EDGE, (f"substr(org_path, 1, {width})",),
            where + f" AND target = %s AND calendar IS NOT NULL AND length(org_path) >= {width}",
            [*params, top], ("count(*)",), ("calendar", "working"),
        )  # fmt: skip
        slowest = sorted(waits.items(), key=lambda kv: (-kv[1][1][0].mean, kv[0]))  # type: ignore[union-attr]
        branches = [
            {"org_path": p, "count": st[0].count, "calendar": duration_dict(st[0]),  # type: ignore[union-attr]
             "working": duration_dict(st[1])}
            for (p,), (_c, st) in slowest[:BRANCHES_KEPT]
        ]  # fmt: skip
    width = hotspot_width(path)
    per_unit = _grouped(
        EDGE, ("target", f"substr(org_path, 1, {width})"),
        where + f" AND calendar IS NOT NULL AND length(org_path) >= {width}", params,
        ("count(*)",), ("calendar", "working"),
    )  # fmt: skip
    pooled = {w.activity: w.calendar for w in waiting}
    located = []
    for (activity, unit), (_n, (cal, work)) in per_unit.items():
        if activity in resuming or cal is None or work is None or activity not in pooled:
            continue
        spot = excess_waiting(activity, unit, cal, work, pooled[activity])
        if spot is not None:
            located.append(spot)
    located.sort(key=lambda h: (-h.excess, h.activity, h.unit))
    return relabel(
        kind,
        {
            "code": kind.label,
            "org_unit_path": path,
            "period_from": period.first.isoformat(),
            "period_to": period.last.isoformat(),
            "computed_at": at.isoformat(),
            "rank": rank,
            "cases": n_cases,
            "events": n_events,
            "nodes": [
                {"activity": a, "label": label(a), "frequency": n, "cases": node_cases[a]}
                for a, n in nodes
            ],
            "edges": [
                {
                    "source": s,
                    "target": t,
                    "source_label": label(s),
                    "target_label": label(t),
                    "frequency": c[0],
                    "cases": c[1],
                    "calendar": duration_dict(st[0]),
                    "working": duration_dict(st[1]),
                }
                for (s, t), (c, st) in edges
            ],
            "variants": [
                {
                    "activities": list(acts),
                    "labels": [label(a) for a in acts],
                    "cases": n,
                    "share": n / n_cases,
                    "calendar": duration_dict(st[0]),
                    "working": duration_dict(st[1]),
                }
                for acts, n, st in variants
            ],
            "bottlenecks": [
                {
                    "activity": w.activity,
                    "label": label(w.activity),
                    "count": w.calendar.count,
                    "calendar": duration_dict(w.calendar),
                    "working": duration_dict(w.working),
                    "suspended": w.activity in resuming,
                }
                for w in waiting
            ],
            "hotspots": [hotspot_dict(h) for h in located[:HOTSPOTS_KEPT]],
            "top_step": {"activity": top, "label": label(top), "branches": branches}
            if top
            else None,
            "rework": [
                {"activity": a, "label": label(a), "cases": repeat_cases[a], "repeats": n}
                for a, n in sorted(repeats.items(), key=lambda kv: (-repeat_cases[kv[0]], kv[0]))
            ],
            "rework_rate": rework_cases / n_cases if n_cases else None,
            "conformance": {
                "fitness": fit.fitness,
                "fitting_cases": fitting_cases,
                "cases": n_cases,
                "deviations": [
                    {
                        "activity": a,
                        "label": label(a),
                        "kind": k,
                        "replay_state": s,
                        "replay_state_label": str(kind.workflow.states.get(s, "")),
                        "count": c[0],
                        "cases": c[1],
                    }
                    for (a, k, s), (c, _st) in groups
                ],
            },
            "fallback_years": sorted(worktime.fallback_years),
        },
    )  # fmt: skip  (labels in the reader's language, as results.mine gives them)


def _parse(value: Any) -> datetime:
    """A timestamp SQLite returned as text (an aggregate loses the column's converter)."""
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(str(value))
    assert moment is not None
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment
