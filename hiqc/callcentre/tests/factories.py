"""Hand-made call sets: CSV / JSON-lines bytes for the import, and calls written through it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from hiqc.callcentre.ingest import COLUMNS
from hiqc.callcentre.services import calls_import
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)  # a Monday (working day)
_seq = iter(range(1, 10**9))


def call(
    *,
    unit: str = "C1",
    queue: str = "consultation",
    at: datetime = T0,
    wait: float | None = 10,
    handle: float | None = 120,
    abandoned: bool = False,
    ivr_only: bool = False,
    call_id: str | None = None,
    agent: str = "A001",
) -> dict[str, Any]:
    """A call offered at ``at``: answered after ``wait`` s and talked ``handle`` s; abandoned
    after ``wait`` s; or IVR-only."""
    answered = ended = None
    if ivr_only:
        ended, agent = at + timedelta(seconds=60), ""
    elif abandoned:
        ended, agent = at + timedelta(seconds=wait or 0), ""
    else:
        answered = at + timedelta(seconds=wait or 0)
        ended = answered + timedelta(seconds=handle or 0)
    return {
        "call_id": call_id or f"T{next(_seq):08d}",
        "queue": queue,
        "org_unit": unit,
        "offered_at": at.isoformat(),
        "answered_at": answered.isoformat() if answered else "",
        "ended_at": ended.isoformat() if ended else "",
        "agent": agent,
        "abandoned": "true" if abandoned else "false",
        "ivr_only": "true" if ivr_only else "false",
    }


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] = COLUMNS) -> bytes:
    columns = list(columns)
    lines = [",".join(columns)]
    lines += [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def jsonl_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(dict(r), ensure_ascii=False) + "\n" for r in rows).encode()


def load(actor: Actor, rows: Iterable[Mapping[str, Any]], **kwargs: Any):
    return calls_import(actor=actor, source=csv_bytes(rows).splitlines(keepends=True), **kwargs)
