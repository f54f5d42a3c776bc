"""The bulk path for backfills: validate in memory, write in batches (issue 5 §7)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.db import connection
from django.utils.translation import gettext as _

from hiqc.core.access import ROOT_PATH, Actor, require
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import CaseEvent

from ..models import Claim
from ..selectors import VIEW, claims_in_scope
from ..services import CASE_TYPE
from ..workflow import HANDLE, WORKFLOW
from .contract import (
    CHUNK_EVENTS,
    FLUSH_CLAIMS,
    ClaimEvent,
    ImportReport,
    _audit,
    _exists,
    _lines,
    _out_of_order,
    _parse,
    _rejection,
    importable_actions,
)
from .rules import EventRules, _Case
from .single import _apply_single
from .write import BulkWriter


def _chunks(lines: Iterable[str | bytes], size: int) -> Iterator[list[tuple[int, str | bytes]]]:
    chunk: list[tuple[int, str | bytes]] = []
    for item in _lines(lines):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _existing(sql_pg: str, sql_sqlite: str, system: str, values: list[str]) -> list[tuple]:
    """The rows the query finds for ``values``, in one round trip (an array on PostgreSQL, a JSON
    array on SQLite); both queries repeat the partial unique index's condition so it is used."""
    if not values:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql_pg, [system, values])
        else:
            cursor.execute(sql_sqlite, [system, json.dumps(values)])
        return cursor.fetchall()


def _logged_events(
    actor: Actor, events: list[ClaimEvent]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(source_system, external_id) of these events already in the event log: those on claims
    within the actor's scope (duplicates) and the others (answered as if the id were new, DESIGN
    rule 2; see ``claim_event_apply``)."""
    table = CaseEvent._meta.db_table
    by_system: dict[str, list[str]] = {}
    for e in events:
        by_system.setdefault(e.source_system, []).append(e.external_id)
    logged: dict[tuple[str, str], str] = {}  # key → claim id ("" for another kind of case)
    for system, ids in by_system.items():
        for x, case_type, case_id in _existing(
            f'SELECT external_id, case_type, case_id FROM "{table}" WHERE source_system = %s '  # noqa: S608
            "AND NOT (external_id = '') AND external_id = ANY(%s)",
            f'SELECT external_id, case_type, case_id FROM "{table}" WHERE source_system = %s '  # noqa: S608
            "AND NOT (external_id = '') AND external_id IN (SELECT value FROM json_each(%s))",
            system,
            ids,
        ):
            logged[(system, x)] = case_id if case_type == CASE_TYPE else ""
    if actor.can(VIEW, ROOT_PATH):  # every claim is within the actor's scope
        visible = {k for k, claim in logged.items() if claim}
    else:
        mine = claims_in_scope(actor, {c for c in logged.values() if c})
        visible = {k for k, claim in logged.items() if claim in mine}
    return visible, logged.keys() - visible


def _stored_claims(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    table = Claim._meta.db_table
    by_system: dict[str, list[str]] = {}
    for system, ref in keys:
        by_system.setdefault(system, []).append(ref)
    return {
        (system, x)
        for system, refs in by_system.items()
        for (x,) in _existing(
            f'SELECT external_ref FROM "{table}" WHERE source_system = %s '  # noqa: S608
            "AND NOT (external_ref = '') AND external_ref = ANY(%s)",
            f'SELECT external_ref FROM "{table}" WHERE source_system = %s '  # noqa: S608
            "AND NOT (external_ref = '') AND external_ref IN (SELECT value FROM json_each(%s))",
            system,
            refs,
        )
    }


def claim_events_import_bulk(
    *,
    actor: Actor,
    lines: Iterable[str | bytes],
    on_progress: Callable[[int], None] | None = None,
    chunk_events: int = CHUNK_EVENTS,
    flush_claims: int = FLUSH_CLAIMS,
    numbering: tuple[int, int] = (0, 1),
) -> ImportReport:
    """Backfill: the same rules as ``claim_events_import``, claims computed in memory and written
    in batches (claims, events, clocks, supplement notices, documents, payments). A claim is written
    once it reaches a final state (closed, withdrawn) and the rest at the end; events for claims
    stored before the import go through the single path. Letters are not issued (the core system
    issued them) and one audit record covers the run.

    ``numbering`` (k, n): for n importers run side by side on disjoint sets of claims (the file
    split by claim, ``bench/bench_claim_events.py --workers``), the k-th numbers new claims in
    its own residue class modulo n, so no two take the same claim number."""
    require(actor, HANDLE)
    started = time.perf_counter()
    report = ImportReport()
    rules = EventRules(actor, numbering=numbering)
    live: dict[tuple[str, str], _Case] = {}
    done: dict[tuple[str, str], tuple[str, datetime | None, int, str]] = {}  # … org path
    stored: set[tuple[str, str]] = set()
    seen: set[tuple[str, str]] = set()
    writer = BulkWriter(actor, rules)
    actions = importable_actions(actor)
    try:
        for chunk in _chunks(lines, chunk_events):
            events: list[ClaimEvent] = []
            for number, raw in chunk:
                ev = _parse(number, raw, actions)
                if isinstance(ev, dict):
                    report.reject(ev)
                elif ev is not None:
                    events.append(ev)
            report.lines = chunk[-1][0]
            known, taken = _logged_events(actor, events)
            unknown_claims = (
                {(e.source_system, e.claim) for e in events} - live.keys() - done.keys()
            )
            stored |= _stored_claims(unknown_claims - stored)
            rules.preload(events)
            finished: list[_Case] = []
            for ev in events:
                key, ckey = (ev.source_system, ev.external_id), (ev.source_system, ev.claim)
                if key in known or key in seen:
                    report.duplicate += 1
                    continue
                id_taken = key in taken  # by a claim outside the actor's scope
                if ckey in stored or (id_taken and ckey not in live and ckey not in done):
                    if _apply_single(actor, ev, report, id_taken=id_taken):
                        seen.add(key)
                    continue
                case = live.get(ckey)
                try:
                    if ev.action == "create":
                        if case is not None:
                            raise _exists(ev, case.status, rules.offered(case))
                        if ckey in done:
                            state, _at, _v, path = done[ckey]
                            raise _exists(ev, state, rules.offered_in(state, path))
                        case = live[ckey] = rules.create(ev)
                    elif id_taken:
                        raise NotFound()
                    elif case is None:
                        if ckey not in done:
                            raise NotFound()
                        state, last_at, _v, path = done[ckey]
                        allowed = rules.offered_in(state, path)
                        if last_at is not None and ev.at < last_at:
                            raise _out_of_order(ev.at, last_at, state, allowed)
                        raise Conflict(_("当前状态下不能执行该操作。"), code="action_not_allowed",
                                       state=state, allowed_actions=allowed)  # fmt: skip
                    else:
                        rules.act(case, ev)
                except (Conflict, ValidationFailed, NotFound, Forbidden) as exc:
                    report.reject(
                        _rejection(ev, exc, case.status, rules.offered(case))
                        if case is not None
                        else _rejection(ev, exc)
                    )
                    continue
                seen.add(key)
                report.applied += 1
                if case.status in WORKFLOW.final:
                    finished.append(live.pop(ckey))
                    done[ckey] = (case.status, case.last_at, case.version, case.org_path)
            writer.add(finished)
            if writer.pending >= flush_claims:
                writer.flush()
            if on_progress is not None:
                on_progress(len(chunk))
        writer.add(list(live.values()))
        writer.flush()
    finally:
        writer.close()
        report.timings = writer.timings
    report.seconds = time.perf_counter() - started
    _audit(actor, report, bulk=True)
    return report
