"""One shape for a process's mining result — what the API answers, the page shows and the
nightly snapshot keeps (JSON): the directly-follows graph, variants, bottlenecks, the located
bottlenecks (a step slow at one unit against the same step elsewhere) and the top step compared
across the units below, rework and conformance. Durations in seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from hiqc.core.calendar import WorkingTime
from hiqc.core.casekinds import CaseKind

from .conformance import conformance
from .mining import Hotspot, Stats, Trace, discover, hotspots, waiting_by_branch
from .selectors import Period, activity_labels

VARIANTS_KEPT = 50
BRANCHES_KEPT = 30
HOTSPOTS_KEPT = 10
# The located bottlenecks compare units at city level (中心支公司, the units that run the service
# and hold its staff), or the units directly below the chosen one when it is a city or below: a
# province's figure only averages its cities, and comparing nested units counts a case twice.
HOTSPOT_LEVEL = 3
SEGMENT = 5  # one org path segment: four digits and a slash


def duration_dict(stats: Stats | None) -> dict[str, float] | None:
    return None if stats is None else {"mean": stats.mean, "median": stats.median, "p90": stats.p90}


def branch_of(root: str) -> Callable[[str], str | None]:
    """The unit directly below ``root`` that a case's org path falls in (None: ``root`` itself)."""
    return _prefix(root, len(root) + SEGMENT)


def hotspot_width(root: str) -> int:
    """The length of the org paths of the units the located bottlenecks compare below ``root``."""
    return max(len(root) + SEGMENT, HOTSPOT_LEVEL * SEGMENT)


def hotspot_unit_of(root: str) -> Callable[[str], str | None]:
    """The unit at the compared level (``hotspot_width``) that a case's org path falls in."""
    return _prefix(root, hotspot_width(root))


def _prefix(root: str, width: int) -> Callable[[str], str | None]:
    def unit(path: str) -> str | None:
        return path[:width] if len(path) >= width and path.startswith(root) else None

    return unit


def hotspot_dict(h: Hotspot) -> dict[str, Any]:
    return {
        "activity": h.activity, "label": "", "org_path": h.unit, "count": h.calendar.count,
        "calendar": duration_dict(h.calendar), "working": duration_dict(h.working),
        "others_count": h.others_count, "others_mean": h.others_mean, "excess": h.excess,
    }  # fmt: skip


def relabel(kind: CaseKind, result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with every label in the active language: a snapshot is computed once, at night,
    and read in Chinese or English (codes are kept, labels are derived from them)."""
    labels = activity_labels(kind)
    states = kind.workflow.states

    def label(activity: str) -> str:
        return labels.get(activity, activity)

    result.setdefault("hotspots", [])  # a snapshot computed before they were
    for row in (*result["nodes"], *result["bottlenecks"], *result["rework"], *result["hotspots"]):
        row["label"] = label(row["activity"])
    for edge in result["edges"]:
        edge["source_label"], edge["target_label"] = label(edge["source"]), label(edge["target"])
    for variant in result["variants"]:
        variant["labels"] = [label(a) for a in variant["activities"]]
    if result["top_step"]:
        result["top_step"]["label"] = label(result["top_step"]["activity"])
    for d in result["conformance"]["deviations"]:
        d["label"] = label(d["activity"])
        d["replay_state_label"] = (
            _(states[d["replay_state"]]) if d["replay_state"] in states else ""
        )
    return result


def mine(
    kind: CaseKind, traces: Iterable[Trace], *, path: str, period: Period, at: datetime,
    rank: str = "mean",
) -> dict[str, Any]:  # fmt: skip
    """The mining result of ``traces`` (the process's cases of the period in the subtree)."""
    traces = list(traces)
    worktime = WorkingTime()
    pm = discover(traces, worktime=worktime, rank_by=rank)
    fit = conformance(kind.workflow, traces)
    # the wait before a step that resumes a clock ran while the clock was suspended: the time the
    # customer or a third party took (supplementing documents, an appraisal), not the insurer's
    resuming = {t.name for t in kind.workflow.transitions
                if any(e.kind == "resume" for e in t.effects)}  # fmt: skip
    own = [w for w in pm.bottlenecks if w.activity not in resuming]
    top = own[0].activity if own else None
    located = hotspots(traces, hotspot_unit_of(path), worktime=worktime, leave_out=resuming)
    branches = []
    if top is not None:
        waits = waiting_by_branch(traces, top, branch_of(path), worktime=worktime)
        slowest = sorted(waits.items(), key=lambda pw: -pw[1].calendar.mean)[:BRANCHES_KEPT]
        branches = [
            {"org_path": p, "count": w.calendar.count, "calendar": duration_dict(w.calendar),
             "working": duration_dict(w.working)}
            for p, w in slowest
        ]  # fmt: skip
    result = {
        "code": kind.label,
        "org_unit_path": path,
        "period_from": period.first.isoformat(),
        "period_to": period.last.isoformat(),
        "computed_at": at.isoformat(),
        "rank": rank,
        "cases": pm.cases,
        "events": pm.events,
        "nodes": [
            {"activity": n.activity, "label": "", "frequency": n.frequency,
             "cases": n.cases}
            for n in pm.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "source_label": "",
             "target_label": "", "frequency": e.frequency, "cases": e.cases,
             "calendar": duration_dict(e.calendar), "working": duration_dict(e.working)}
            for e in pm.edges
        ],
        "variants": [
            {"activities": list(v.activities), "labels": [],
             "cases": v.cases, "share": v.share, "calendar": duration_dict(v.calendar),
             "working": duration_dict(v.working)}
            for v in pm.variants[:VARIANTS_KEPT]
        ],
        "bottlenecks": [
            {"activity": w.activity, "label": "", "count": w.calendar.count,
             "calendar": duration_dict(w.calendar), "working": duration_dict(w.working),
             "suspended": w.activity in resuming}
            for w in pm.bottlenecks
        ],
        "hotspots": [hotspot_dict(h) for h in located[:HOTSPOTS_KEPT]],
        "top_step": {"activity": top, "label": "", "branches": branches} if top else None,
        "rework": [
            {"activity": r.activity, "label": "", "cases": r.cases,
             "repeats": r.repeats}
            for r in pm.rework
        ],
        "rework_rate": pm.rework_rate,
        "conformance": {
            "fitness": fit.fitness,
            "fitting_cases": fit.fitting_cases,
            "cases": fit.cases,
            "deviations": [
                {"activity": g.activity, "label": "", "kind": g.kind,
                 "replay_state": g.replay_state,
                 "replay_state_label": "",
                 "count": g.count, "cases": len(g.case_ids)}
                for g in fit.groups
            ],
        },
        "fallback_years": sorted(pm.fallback_years),
    }  # fmt: skip
    return relabel(kind, result)  # the labels, in the active language
