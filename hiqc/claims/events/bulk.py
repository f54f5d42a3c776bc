"""The claims bulk path for backfills, declared on the kernel's events door (issue 5 §7): claims
held in memory (``EventRules``) and written in batches (``BulkWriter``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hiqc.core.access import Actor
from hiqc.core.eventsdoor import (
    CHUNK_EVENTS,
    FLUSH_CASES,
    EventLine,
    ImportReport,
    case_events_import,
)

from ..services import KIND
from .rules import EventRules, _Case
from .write import BulkWriter

FLUSH_CLAIMS = FLUSH_CASES


class ClaimBackfill:
    """The claims ``EventsBatch``: the rules on claims held in memory and their writer."""

    def __init__(self, actor: Actor, *, numbering: tuple[int, int] = (0, 1)) -> None:
        self.rules = EventRules(actor, numbering=numbering)
        self.writer = BulkWriter(actor, self.rules)
        self.store = self.rules.store

    def preload(self, events: list[EventLine]) -> None:
        self.rules.preload(events)

    def create(self, ev: EventLine) -> _Case:
        return self.rules.create(ev)

    def act(self, case: _Case, ev: EventLine) -> None:
        self.rules.act(case, ev)

    @property
    def pending(self) -> int:
        return self.writer.pending

    def add(self, cases: list[Any]) -> None:
        self.writer.add(cases)

    def flush(self) -> None:
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()

    @property
    def timings(self) -> dict[str, float]:
        return self.writer.timings


def claim_events_import_bulk(
    *,
    actor: Actor,
    lines: Iterable[str | bytes],
    on_progress: Callable[[int], None] | None = None,
    chunk_events: int = CHUNK_EVENTS,
    flush_claims: int = FLUSH_CLAIMS,
    numbering: tuple[int, int] = (0, 1),
) -> ImportReport:
    """Backfill: the kernel's events door with ``bulk=True`` — the same rules as
    ``claim_events_import``, claims computed in memory and written in batches (claims, events,
    clocks, supplement notices, documents, payments). A claim is written once it reaches a final
    state (closed, withdrawn) and the rest at the end; events for claims stored before the import
    go through the single path. Letters are not issued (the core system issued them) and one
    audit record covers the run.

    ``numbering`` (k, n): for n importers run side by side on disjoint sets of claims (the file
    split by claim, ``bench/bench_claim_events.py --workers``), the k-th numbers new claims in
    its own residue class modulo n, so no two take the same claim number."""
    return case_events_import(kind=KIND, actor=actor, lines=lines, bulk=True,
                              on_progress=on_progress, chunk_events=chunk_events,
                              flush_cases=flush_claims, numbering=numbering)  # fmt: skip
