"""The one door for external events, for every case kind (issue 15 §2; DESIGN rule 3).

``case_events_import(kind=…, actor=…, lines=…, bulk=False|True)`` reads
JSON lines ``{"source_system", "external_id", <ref>, "action", "at", "data"}`` and applies them
with their original timestamps through the kernel's executor. The kernel does what is the same
for every kind: parsing, scope first, idempotency by (source system, external id), out-of-order
detection, the report (per-line rejections with line, case, action, state, allowed actions,
problem and fields) and the run's audit record; on the single path each line is its own
transaction (``case_transition``), on the bulk path cases are held in a ``BatchStore`` and the
kind writes them in batches. A line the designed workflow does not allow from the case's state is
refused like any other and also recorded, once, as a compliance finding on the case
(``findings.out_of_design_record``): what moved outside the design, for the process's
conformance (issue 16 §4), though it never reached the event log.

A kind declares the rest in an ``EventsDoor`` (``register_events_door``): what a line calls the
case (``ref``), how a reference is looked up (``lookup``, ``stored``), which cases the importer may
see (``visible``), how a ``create`` line makes a case, what happens before an action is applied
(e.g. documents received), and for the bulk path an ``EventsBatch`` (its cases in memory, its
writer). A kind that declares nothing gets the default door: the reference is the case's id.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import ROOT_PATH, Actor, object_path, require
from .audit import audit_record
from .calendar import BEIJING
from .casework import BatchStore, External, case_allowed_actions, case_transition
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .findings import out_of_design_record
from .models import CaseEvent

Source = CaseEvent.Source
REJECTED_KEPT = 1_000
CHUNK_EVENTS = 100_000
FLUSH_CASES = 20_000


@dataclass
class ImportReport:
    applied: int = 0
    duplicate: int = 0
    rejected: list[dict] = field(default_factory=list)
    rejected_total: int = 0
    lines: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # bulk path: seconds per step

    def reject(self, entry: dict) -> None:
        self.rejected_total += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.append(entry)

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "rejected_total": self.rejected_total,
        }

    @property
    def events_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


@dataclass
class EventLine:
    """One parsed line: ``case`` is the kind's reference to the case (``EventsDoor.ref``)."""

    line: int
    source_system: str
    external_id: str
    case: str
    action: str
    at: datetime
    data: dict[str, Any]


class EventsBatch(Protocol):
    """A kind's cases held in memory by one bulk run (``bulk=True``) in its ``store``: a held case
    has ``id``, ``status``, ``version``, ``org_path`` and ``last_at`` (its last event's time)."""

    store: BatchStore

    def preload(self, events: list[EventLine]) -> None:
        """Batched look-ups for a chunk of lines, before they are applied."""

    def create(self, ev: EventLine) -> Any:
        """A new held case from a ``create`` line (raises with the problem to refuse)."""

    def act(self, case: Any, ev: EventLine) -> None:
        """The executor on a held case (``case_execute`` on the batch's ``BatchStore``)."""

    @property
    def pending(self) -> int: ...

    def add(self, cases: list[Any]) -> None:
        """Cases to write at the next flush."""

    def flush(self) -> None: ...

    def close(self) -> None:
        """Wait for the last write and release what the writer holds (always called)."""

    @property
    def timings(self) -> dict[str, float]: ...


def _pk_lookup(kind: Any, system: str, ref: str) -> Any:
    try:
        return kind.model.objects.filter(pk=ref).values_list("pk", flat=True).first()
    except (ValueError, TypeError, DjangoValidationError):
        return None


@dataclass(frozen=True)
class EventsDoor:
    """What a kind declares for its external events; every hook has a default that treats the
    reference as the case's id (a kind without a ``create`` refuses ``create`` lines)."""

    ref: str = "case_id"  # the line's (and the rejection's) field naming the case
    ref_length: int = 64
    perm: str = ""  # what the importer must hold somewhere to import at all
    audit: str = ""  # the run's audit action ("" for none)
    # (kind, source system, reference) → the stored case's pk, in any scope, or None
    lookup: Callable[[Any, str, str], Any] = _pk_lookup
    # the case ids among ``ids`` the actor may see (None: through the kind's door one by one)
    visible: Callable[[Actor, Collection[str]], Collection[Any]] | None = None
    # the data's domain checks of any line: the rejection's fields and problem, or None
    check: Callable[[Mapping[str, Any]], tuple[dict[str, list[str]], str] | None] | None = None
    # single path: (actor, line, external, taken) → the new case; ``taken``: the reference or
    # the event id is held outside the actor's scope (check, then refuse as not creatable)
    create: Callable[..., Any] | None = None
    # single path: the kind's changes before the action (actor, locked case, line)
    before: Callable[[Actor, Any, EventLine], None] | None = None
    # bulk path: the (source system, reference) pairs of cases stored before the run
    stored: Callable[[set[tuple[str, str]]], set[tuple[str, str]]] | None = None
    # bulk path: (actor, **options) → an ``EventsBatch``
    batch: Callable[..., EventsBatch] | None = None
    # the refusal of a create whose reference the importer can see: (state, allowed actions)
    exists: Callable[[str, Sequence[str]], Conflict] | None = None
    unknown_action: Any = ""  # the problem of an unknown action ("" for the kernel's)


EVENT_DOORS: dict[str, EventsDoor] = {}
DEFAULT_DOOR = EventsDoor()


def register_events_door(label: str, door: EventsDoor) -> None:
    EVENT_DOORS[label] = door


# --- lines and answers -----------------------------------------------------------------------------


def importable_actions(kind: Any, door: EventsDoor, actor: Actor) -> list[str]:
    """The actions an unknown one is corrected to: ``create`` (if the kind has it) and the
    workflow actions whose permission the importing actor holds somewhere."""
    may = [t.name for t in kind.workflow.transitions if actor.can(t.perm)]
    return sorted({*(["create"] if door.create or door.batch else []), *may})


def _parse(
    number: int, raw: str | bytes, door: EventsDoor, known: Collection[str], actions: Sequence[str]
) -> EventLine | dict | None:
    """A line as an event, a rejection, or None for a blank line."""
    if not raw.strip():
        return None
    ref = door.ref
    try:
        item = json.loads(raw)
        if not isinstance(item, dict):
            raise ValueError("not an object")
    except ValueError:
        return {"line": number, "problem": _("不是有效的 JSON 对象。")}
    missing = [k for k in ("source_system", "external_id", ref, "action", "at") if not item.get(k)]
    if missing:
        return {
            "line": number,
            ref: str(item.get(ref) or ""),
            "action": str(item.get("action") or ""),
            "problem": _("缺少字段：{f}。").format(f=", ".join(missing)),
        }
    case, action = str(item[ref]), str(item["action"])
    try:
        at = datetime.fromisoformat(str(item["at"]))
        if at.tzinfo is None:
            raise ValueError
    except ValueError:
        return {"line": number, ref: case, "action": action,
                "problem": _("时间必须是带时区的 ISO 8601 格式。")}  # fmt: skip
    data = item.get("data") or {}
    if not isinstance(data, dict):
        return {"line": number, ref: case, "action": action,
                "problem": _("data 必须是 JSON 对象。")}  # fmt: skip
    if door.check is not None and (bad := door.check(data)) is not None:
        return {"line": number, ref: case, "action": action, "fields": bad[0], "problem": bad[1]}
    if action not in known:
        return {"line": number, ref: case, "action": action, "state": "",
                "allowed_actions": list(actions),
                "problem": str(door.unknown_action) or _("未知的动作。")}  # fmt: skip
    return EventLine(number, str(item["source_system"])[:60], str(item["external_id"])[:100],
                     case[: door.ref_length], action, at, data)  # fmt: skip


def _rejection(
    door: EventsDoor, ev: EventLine, exc: Exception, state: str = "", allowed: Sequence[str] = ()
) -> dict:
    """A refused event's report entry. ``state`` and ``allowed``: the case's state and the
    actions the importer may take on it now, for refusals that are not a 409 (which carries its
    own). A "not found" names no state: it is the answer for a case that does not exist and for
    everything the importer may not be told about (DESIGN rule 2)."""
    entry: dict[str, Any] = {"line": ev.line, door.ref: ev.case, "action": ev.action}
    if isinstance(exc, NotFound):
        state, allowed = "", ()
    if isinstance(exc, Conflict):
        entry.update(state=exc.state or state, allowed_actions=exc.allowed_actions)
    else:
        entry.update(state=state, allowed_actions=list(allowed) if state else [])
        entry["fields"] = getattr(exc, "fields", None) or {}
    entry["problem"] = getattr(exc, "message", str(exc))
    return entry


def out_of_order(at: datetime, last: datetime, state: str, allowed: Sequence[str]) -> Conflict:
    """``allowed``: the actions the importer may take on the case now."""
    return Conflict(
        _("事件早于该案件已记录的最后事件（{last}），顺序不对。").format(
            last=last.astimezone(BEIJING).isoformat()
        ),
        code="out_of_order",
        state=state,
        allowed_actions=allowed,
    )


def _exists(door: EventsDoor, state: str, allowed: Sequence[str]) -> Conflict:
    if door.exists is not None:
        return door.exists(state, allowed)
    return Conflict(_("外部案号已存在，不能重复立案。"), code="case_exists", state=state,
                    allowed_actions=allowed)  # fmt: skip


def _visible(kind: Any, door: EventsDoor, actor: Actor, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    if door.visible is not None:
        if kind.view_perm and actor.can(kind.view_perm, ROOT_PATH):
            return set(ids)
        return {str(i) for i in door.visible(actor, ids)}
    seen = set()
    for case_id in ids:
        try:
            kind.access(actor, case_id)
        except (NotFound, Forbidden):
            continue
        seen.add(case_id)
    return seen


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


def stored_refs(
    table: str, system_column: str, ref_column: str, keys: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (source system, reference) pairs a kind's table holds, one query per system."""
    by_system: dict[str, list[str]] = {}
    for system, ref in keys:
        by_system.setdefault(system, []).append(ref)
    # the names are the kind's own table and columns, never input
    where = (
        f'FROM "{table}" WHERE "{system_column}" = %s '
        f'AND NOT ("{ref_column}" = \'\') AND "{ref_column}"'
    )
    return {
        (system, x)
        for system, refs in by_system.items()
        for (x,) in _existing(
            f'SELECT "{ref_column}" {where} = ANY(%s)',
            f'SELECT "{ref_column}" {where} IN (SELECT value FROM json_each(%s))',  # noqa: S608
            system,
            refs,
        )
    }


def _logged_events(
    kind: Any, door: EventsDoor, actor: Actor, events: list[EventLine]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(source_system, external_id) of these events already in the event log: those on cases of
    ``kind`` the actor may see (duplicates) and the others (answered as if the id were new,
    DESIGN rule 2)."""
    table = CaseEvent._meta.db_table
    by_system: dict[str, list[str]] = {}
    for e in events:
        by_system.setdefault(e.source_system, []).append(e.external_id)
    logged: dict[tuple[str, str], str] = {}  # key → case id ("" for another kind of case)
    for system, ids in by_system.items():
        for x, case_type, case_id in _existing(
            f'SELECT external_id, case_type, case_id FROM "{table}" WHERE source_system = %s '  # noqa: S608
            "AND NOT (external_id = '') AND external_id = ANY(%s)",
            f'SELECT external_id, case_type, case_id FROM "{table}" WHERE source_system = %s '  # noqa: S608
            "AND NOT (external_id = '') AND external_id IN (SELECT value FROM json_each(%s))",
            system,
            ids,
        ):
            logged[(system, x)] = case_id if case_type == kind.label else ""
    mine = _visible(kind, door, actor, {c for c in logged.values() if c})
    visible = {k for k, case_id in logged.items() if case_id in mine}
    return visible, logged.keys() - visible


def _logged(kind: Any, door: EventsDoor, actor: Actor, ev: EventLine) -> bool | None:
    """Whether the event id is in the log: None if not; True if on a case of ``kind`` the actor
    may see (a duplicate); False if anywhere else — the line is then checked as if the id were
    new and refused as "not found" where it would apply (DESIGN rule 2)."""
    logged = (
        CaseEvent.objects.filter(source_system=ev.source_system, external_id=ev.external_id)
        .values_list("case_type", "case_id")
        .first()
    )
    if logged is None:
        return None
    return logged[0] == kind.label and bool(_visible(kind, door, actor, {logged[1]}))


def _seen_by(kind: Any, door: EventsDoor, actor: Actor, ev: EventLine) -> tuple[str, list[str]]:
    """The line's case as ``actor`` sees it: its state and the actions the actor may take on it
    now; ("", []) when there is no such case or it lies outside the actor's scope."""
    pk = door.lookup(kind, ev.source_system, ev.case)
    if pk is None:
        return "", []
    try:
        case = kind.access(actor, pk)
    except (NotFound, Forbidden):
        return "", []
    return case.status, case_allowed_actions(kind, case, actor)


# A line whose action the designed workflow does not allow from the case's state is refused like
# any other, and recorded as a compliance finding (``out_of_design_record``): the design's
# deviations that never reached the event log, shown by the process's conformance (issue 16 §4).
# Attempt = (case id, case's org path, case's state) of a case the importer may see.
Attempt = tuple[Any, str, str]


def _out_of_design(kind: Any, ev: EventLine, exc: Exception, attempt: Attempt | None) -> None:
    if attempt is None or not isinstance(exc, Conflict) or exc.code != "action_not_allowed":
        return
    case_id, org_path, state = attempt
    allowed = any(t.name == ev.action and state in t.sources for t in kind.workflow.transitions)
    if case_id is None or allowed:  # refused for another reason than the design
        return
    out_of_design_record(kind=kind, case_id=str(case_id), org_path=org_path, from_state=state,
                         action=ev.action, at=ev.at, source_system=ev.source_system,
                         external_id=ev.external_id, line=ev.line)  # fmt: skip


# --- the single path: one transaction per line ------------------------------------------------------


def _apply_one(
    kind: Any, door: EventsDoor, actor: Actor, ev: EventLine, id_taken: bool,
    attempt: list[Attempt],
) -> None:  # fmt: skip
    """One event in the database (inside the caller's transaction): scope first, then the
    create or the action with its out-of-order check. ``attempt`` receives the case the action
    was tried on (the importer may see it)."""
    external = External(ev.source_system, ev.external_id)
    pk = door.lookup(kind, ev.source_system, ev.case)
    if ev.action == "create":
        assert door.create is not None
        taken = id_taken
        if pk is not None:
            if _visible(kind, door, actor, {str(pk)}):
                raise _exists(door, *_seen_by(kind, door, actor, ev))
            taken = True  # held outside the actor's scope: answered as a case it may not create
        door.create(actor, ev, external, taken)
        return
    if pk is None:
        raise NotFound()
    case = kind.access(actor, pk, for_update=True)  # scope before anything is said
    if id_taken:
        raise NotFound()
    last = (
        CaseEvent.objects.filter(case_type=kind.label, case_id=str(case.pk))
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last is not None and ev.at < last:
        raise out_of_order(ev.at, last, case.status, case_allowed_actions(kind, case, actor))
    if door.before is not None:
        door.before(actor, case, ev)
    attempt.append((case.pk, object_path(case), case.status))
    case_transition(kind=kind, actor=actor, case_id=case.pk, action=ev.action, data=ev.data,
                    at=ev.at, source=Source.IMPORT, external=external)  # fmt: skip


def _apply_single(
    kind: Any, door: EventsDoor, actor: Actor, ev: EventLine, report: ImportReport,
    *, id_taken: bool = False,
) -> bool:  # fmt: skip
    attempt: list[Attempt] = []
    try:
        with transaction.atomic():
            _apply_one(kind, door, actor, ev, id_taken, attempt)
    except Conflict as exc:
        if exc.code == "duplicate_event":  # the same id raced in from another import
            if _logged(kind, door, actor, ev):
                report.duplicate += 1
            else:
                report.reject(_rejection(door, ev, NotFound()))
            return False
        report.reject(_rejection(door, ev, exc))
        _out_of_design(kind, ev, exc, attempt[0] if attempt else None)  # after the rollback
        return False
    except NotFound as exc:
        report.reject(_rejection(door, ev, exc))
        return False
    except (ValidationFailed, Forbidden) as exc:
        report.reject(_rejection(door, ev, exc, *_seen_by(kind, door, actor, ev)))
        return False
    report.applied += 1
    return True


def _single(kind: Any, door: EventsDoor, actor: Actor, lines: Iterable[str | bytes],
            report: ImportReport, on_progress: Callable[[int], None] | None) -> None:  # fmt: skip
    actions = importable_actions(kind, door, actor)
    known = _known(kind, door)
    for number, raw in enumerate(lines, start=1):
        report.lines = number
        if on_progress is not None:
            on_progress(1)
        ev = _parse(number, raw, door, known, actions)
        if ev is None:
            continue
        if isinstance(ev, dict):
            report.reject(ev)
            continue
        logged = _logged(kind, door, actor, ev)
        if logged:
            report.duplicate += 1
            continue
        _apply_single(kind, door, actor, ev, report, id_taken=logged is False)


def _known(kind: Any, door: EventsDoor) -> set[str]:
    names = {t.name for t in kind.workflow.transitions}
    if door.create is not None or door.batch is not None:
        names.add("create")
    return names


# --- the bulk path: cases held in memory, written in batches ---------------------------------------


def _chunks(lines: Iterable[str | bytes], size: int) -> Iterator[list[tuple[int, str | bytes]]]:
    chunk: list[tuple[int, str | bytes]] = []
    for item in enumerate(lines, start=1):
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(kind: Any, door: EventsDoor, actor: Actor, lines: Iterable[str | bytes],
          report: ImportReport, on_progress: Callable[[int], None] | None, *,
          chunk_events: int, flush_cases: int, options: Mapping[str, Any]) -> None:  # fmt: skip
    """Lines in chunks: duplicates and stored cases looked up once per chunk, new cases held in
    memory through the executor on the kind's ``BatchStore``, a case handed to the writer once it
    reaches a final state and the rest at the end. Events for cases stored before the run go
    through the single path."""
    assert door.batch is not None and door.stored is not None
    batch = door.batch(actor, **options)
    final = kind.workflow.final

    def offered(case: Any) -> list[str]:  # allowed_actions of a held case, as the executor names
        return batch.store.allowed(kind, case, actor, case.last_at or timezone.now())

    live: dict[tuple[str, str], Any] = {}
    # state, last at, org path, id
    done: dict[tuple[str, str], tuple[str, datetime | None, str, Any]] = {}
    stored: set[tuple[str, str]] = set()
    seen: set[tuple[str, str]] = set()
    actions = importable_actions(kind, door, actor)
    known_actions = _known(kind, door)
    try:
        for chunk in _chunks(lines, chunk_events):
            events: list[EventLine] = []
            for number, raw in chunk:
                ev = _parse(number, raw, door, known_actions, actions)
                if isinstance(ev, dict):
                    report.reject(ev)
                elif ev is not None:
                    events.append(ev)
            report.lines = chunk[-1][0]
            known, taken = _logged_events(kind, door, actor, events)
            unknown = {(e.source_system, e.case) for e in events} - live.keys() - done.keys()
            stored |= door.stored(unknown - stored)
            batch.preload(events)
            finished: list[Any] = []
            for ev in events:
                key, ckey = (ev.source_system, ev.external_id), (ev.source_system, ev.case)
                if key in known or key in seen:
                    report.duplicate += 1
                    continue
                id_taken = key in taken  # by a case outside the actor's scope
                if ckey in stored or (id_taken and ckey not in live and ckey not in done):
                    if _apply_single(kind, door, actor, ev, report, id_taken=id_taken):
                        seen.add(key)
                    continue
                case = live.get(ckey)
                attempt: Attempt | None = None
                try:
                    if ev.action == "create":
                        if case is not None:
                            raise _exists(door, case.status, offered(case))
                        if ckey in done:
                            state, _last, path, _id = done[ckey]
                            raise _exists(door, state, batch.store.offered_in(kind, state, path))
                        case = live[ckey] = batch.create(ev)
                    elif id_taken:
                        raise NotFound()
                    elif case is None:
                        if ckey not in done:
                            raise NotFound()
                        state, last_at, path, done_id = done[ckey]
                        allowed = batch.store.offered_in(kind, state, path)
                        if last_at is not None and ev.at < last_at:
                            raise out_of_order(ev.at, last_at, state, allowed)
                        attempt = (done_id, path, state)
                        raise Conflict(_("当前状态下不能执行该操作。"), code="action_not_allowed",
                                       state=state, allowed_actions=allowed)  # fmt: skip
                    else:
                        if case.last_at is not None and ev.at < case.last_at:
                            raise out_of_order(ev.at, case.last_at, case.status,
                                               offered(case))  # fmt: skip
                        attempt = (getattr(case, "id", None), case.org_path, case.status)
                        batch.act(case, ev)
                except (Conflict, ValidationFailed, NotFound, Forbidden) as exc:
                    report.reject(
                        _rejection(door, ev, exc, case.status, offered(case))
                        if case is not None
                        else _rejection(door, ev, exc)
                    )
                    _out_of_design(kind, ev, exc, attempt)
                    continue
                seen.add(key)
                report.applied += 1
                if case.status in final:
                    finished.append(live.pop(ckey))
                    done[ckey] = (case.status, case.last_at, case.org_path,
                                  getattr(case, "id", None))  # fmt: skip
            batch.add(finished)
            if batch.pending >= flush_cases:
                batch.flush()
            if on_progress is not None:
                on_progress(len(chunk))
        batch.add(list(live.values()))
        batch.flush()
    finally:
        batch.close()
        report.timings = batch.timings


def case_events_import(
    *,
    kind: Any,
    actor: Actor,
    lines: Iterable[str | bytes],
    bulk: bool = False,
    on_progress: Callable[[int], None] | None = None,
    chunk_events: int = CHUNK_EVENTS,
    flush_cases: int = FLUSH_CASES,
    **options: Any,
) -> ImportReport:
    """The one door for external events, for every case kind (issue 15 §2): JSON lines
    ``{"source_system", "external_id", <the kind's case reference>, "action", "at", "data"}``
    applied through the same executor with their original timestamps. Returns an
    ``ImportReport`` (``hiqc.core.eventsdoor``, where the door is).

    Scope first: a case outside the actor's scope answers exactly like a missing one, on every
    line. Idempotent: a (source_system, external_id) already recorded on a case the actor may see
    counts as a duplicate and changes nothing (one logged on a case it may not see is not a
    duplicate: the line is checked as new and refused as for an unknown case where it would
    apply). An impossible or out-of-order event is rejected with its line, the case, the action,
    the case's state and what may be done now, the problem and the fields; the other lines still
    apply. An action the design does not allow from the case's state is also recorded as an
    out-of-design finding (once per event id). ``bulk=False``: one transaction per line;
    ``bulk=True``: cases held in memory on the kind's ``BatchStore`` and written in batches
    (``options`` go to the kind's batch)."""
    door = EVENT_DOORS.get(kind.label, DEFAULT_DOOR)
    if door.perm:
        require(actor, door.perm)
    if bulk and door.batch is None:
        raise ValueError(f"{kind.label} declares no bulk path")
    started = time.perf_counter()
    report = ImportReport()
    if bulk:
        _bulk(kind, door, actor, lines, report, on_progress, chunk_events=chunk_events,
              flush_cases=flush_cases, options=options)  # fmt: skip
    else:
        _single(kind, door, actor, lines, report, on_progress)
    report.seconds = time.perf_counter() - started
    if door.audit and (report.applied or report.rejected_total):
        audit_record(actor=actor, action=door.audit,
                     data={"bulk": bulk, "lines": report.lines, "applied": report.applied,
                           "duplicate": report.duplicate, "rejected": report.rejected_total})  # fmt: skip
    return report
