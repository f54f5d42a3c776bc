"""Conformance (standard 2.2 and 2.3.1 remote monitoring; issue 16 §4): each case's trace replayed
against the designed workflow (``hiqc.core.workflow.Workflow``).

A *move* is one event. It **fits** when the design allows it: ``create`` into the initial state at
the start, or a transition whose sources hold the state the replay has reached. A move that does
not fit is a **deviation**, of one of four kinds:

* ``unknown_activity`` — the design has no such step (e.g. an imported event the workflow lacks);
* ``skipped`` — the step exists and its recorded from-state is one of its sources, but the replay
  had the case elsewhere: the steps between were never recorded;
* ``not_allowed`` — the step exists but not from where the case was (nor from where it says);
* ``wrong_target`` — the step fitted but the case landed in another state than the design's.

The replay then follows what was recorded (the event's to-state), so one deviation is counted
once and the rest of the trace is judged from where the case really was. Fitness = fitting moves
÷ moves, per case and per process (moves pooled). A case still open is not a deviation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from hiqc.core.workflow import Workflow

from .mining import Trace

CREATE = "create"


@dataclass(frozen=True)
class Deviation:
    case_id: str
    index: int  # the move's position in the trace
    activity: str
    kind: str  # unknown_activity | skipped | not_allowed | wrong_target
    replay_state: str  # where the design had the case
    recorded_from: str  # where the event says it was


@dataclass(frozen=True)
class CaseFit:
    case_id: str
    moves: int
    fitting: int
    deviations: tuple[Deviation, ...]

    @property
    def fitness(self) -> float:
        return self.fitting / self.moves if self.moves else 1.0


@dataclass(frozen=True)
class DeviationGroup:
    activity: str
    kind: str
    replay_state: str
    count: int
    case_ids: tuple[str, ...]


@dataclass(frozen=True)
class ProcessFit:
    cases: int
    moves: int
    fitting: int
    fitting_cases: int  # cases with no deviation
    groups: tuple[DeviationGroup, ...]  # most frequent first
    per_case: tuple[CaseFit, ...]

    @property
    def fitness(self) -> float | None:
        return self.fitting / self.moves if self.moves else None


def replay(workflow: Workflow, trace: Trace) -> CaseFit:
    by_name = {t.name: t for t in workflow.transitions}
    state: str | None = None
    fitting = 0
    deviations: list[Deviation] = []

    def deviate(i: int, activity: str, kind: str, recorded_from: str) -> None:
        deviations.append(Deviation(trace.case_id, i, activity, kind, state or "", recorded_from))

    for i, event in enumerate(trace.events):
        if event.activity == CREATE:
            if state is None and event.to_state == workflow.initial:
                fitting += 1
            else:
                deviate(i, event.activity, "not_allowed", event.from_state)
            state = event.to_state
            continue
        if state is None:  # the trace begins after its creation: start where it says it was
            state = event.from_state or workflow.initial
        step = by_name.get(event.activity)
        if step is None:
            deviate(i, event.activity, "unknown_activity", event.from_state)
            state = event.to_state or state
        elif state in step.sources:
            if event.to_state and event.to_state != step.target:
                deviate(i, event.activity, "wrong_target", event.from_state)
                state = event.to_state
            else:
                fitting += 1
                state = step.target
        else:
            kind = "skipped" if event.from_state in step.sources else "not_allowed"
            deviate(i, event.activity, kind, event.from_state)
            state = event.to_state or step.target
    return CaseFit(trace.case_id, len(trace.events), fitting, tuple(deviations))


def conformance(workflow: Workflow, traces: Iterable[Trace]) -> ProcessFit:
    fits = tuple(replay(workflow, t) for t in traces if t.events)
    counts: Counter[tuple[str, str, str]] = Counter()
    cases: defaultdict[tuple[str, str, str], list[str]] = defaultdict(list)
    for fit in fits:
        for d in fit.deviations:
            key = (d.activity, d.kind, d.replay_state)
            counts[key] += 1
            if not cases[key] or cases[key][-1] != d.case_id:
                cases[key].append(d.case_id)
    groups = tuple(
        DeviationGroup(a, k, s, n, tuple(cases[(a, k, s)]))
        for (a, k, s), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return ProcessFit(
        cases=len(fits),
        moves=sum(f.moves for f in fits),
        fitting=sum(f.fitting for f in fits),
        fitting_cases=sum(1 for f in fits if not f.deviations),
        groups=groups,
        per_case=fits,
    )
