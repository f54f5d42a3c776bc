"""Cases held in memory and written in bulk (ADR 0015 "one executor, two stores"; issue 15 §3).

A bulk path — demo data, history brought over from another system — runs every step through the
engine's executor (``case_execute``) on a ``HeldCases`` batch store: ``open`` enters a case in its
workflow (its creation clocks begun at the given time), ``execute`` takes an action as a given
actor at a given time. The same checks, the kind's ``prepare`` hook, the same clock computations
and the same events as in the database — only held in memory. ``HeldCaseWriter`` then writes the
held cases of a kind in bulk (``hiqc.core.bulkwrite``): the rows of the kind's model, their
``Deadline`` clocks, their ``CaseEvent``s and, by default, the audit record the database store
writes for every action (one per step, chained as ``audit_record`` chains them).

A ``HeldCase`` keeps the model's field values in ``fields`` (by field name or attname; a related
object or held case stands for its key) and reads them as attributes, so a kind's ``prepare`` hook
reads a held case as it reads a row. ``HeldClock`` is a ``Deadline`` in memory;
``TimeOrderedIds`` makes the primary keys of the rows a bulk path writes.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .access import Actor
from .audit import GENESIS, compute_hash
from .bulkwrite import Table, model_columns, rendered, store
from .calendar import BEIJING
from .casekinds import CaseKind
from .casework import BatchStore, External, HeldEvent, case_execute
from .clockmath import ClockMath
from .models import AuditEvent, AuditHead, CaseEvent, Deadline
from .processes import DEFAULT_WARNING_FRACTIONS, VersionsInForce, version_warning_fractions
from .rules import rule_value
from .workflow import Clock, Effect

Source = CaseEvent.Source


class HeldClock:
    """A deadline in memory: the attributes ``hiqc.core.clockmath`` computes with."""

    __slots__ = ("amount", "breached_at", "calendar_warnings", "clock", "closed_at", "due_at",
                 "extensions", "label", "last_day", "max_amount", "next_warning_at", "paused_at",
                 "pauses", "remaining", "restarts", "rolled_over_from", "source", "started_at",
                 "state", "unit", "warning_fractions", "warning_level", "warning_times")  # fmt: skip
    amount: int
    breached_at: datetime | None
    calendar_warnings: list[str]
    clock: str
    closed_at: datetime | None
    due_at: datetime
    extensions: list[dict[str, Any]]
    label: str
    last_day: date | None
    max_amount: int | None
    next_warning_at: datetime | None
    paused_at: datetime | None
    pauses: list[dict[str, Any]]
    remaining: int | None
    restarts: int
    rolled_over_from: date | None
    source: str
    started_at: datetime
    state: str
    unit: str
    warning_fractions: list[float]
    warning_level: int
    warning_times: list[dict[str, Any]]

    def copy(self) -> HeldClock:
        other = HeldClock.__new__(HeldClock)
        for name, value in zip(HeldClock.__slots__, _clock_values(self), strict=True):
            setattr(other, name, value)
        return other

    def values(self) -> tuple[Any, ...]:
        """The attributes in ``__slots__`` order."""
        return _clock_values(self)


_clock_values = attrgetter(*HeldClock.__slots__)


class TimeOrderedIds:
    """Ids in the RFC 9562 version 7 layout (time in ms, random bits, then a counter): consecutive
    ids append to the primary-key and case-id indexes instead of landing at random places in them
    (the call-record import measured half the INSERT cost). Still random UUIDs across runs
    (ADR 0005)."""

    def __init__(self) -> None:
        ms = int(time.time() * 1000) & (2**48 - 1)
        rand_b = 0x8000 | secrets.randbits(14)
        self.prefix = (ms << 80) | (0x7 << 76) | (secrets.randbits(12) << 64) | (rand_b << 48)
        self.counter = secrets.randbits(40)

    def next(self) -> uuid.UUID:
        self.counter += 1
        return uuid.UUID(int=self.prefix | self.counter)


class HeldCase:
    """A case held in memory: what a ``BatchStore`` reads and writes (``status``, ``version``,
    ``org_path``, ``clocks``, ``fields``, ``events``); any other attribute is read from
    ``fields``, so domain code reads a held case as it reads a row."""

    __slots__ = ("clocks", "events", "fields", "id", "org_path", "status", "version")

    def __init__(self, id: uuid.UUID, org_path: str, fields: dict[str, Any] | None = None) -> None:
        self.id, self.org_path, self.fields = id, org_path, fields if fields is not None else {}
        self.status, self.version = "", 0
        self.clocks: dict[str, HeldClock] = {}
        self.events: list[HeldEvent] = []

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    def __getattr__(self, name: str) -> Any:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None


def is_held(case: Any) -> bool:
    """A case held in memory by a batch store (not a database row)."""
    return isinstance(case, HeldCase)


def held_events(case: Any, activities: Iterable[str]) -> list[HeldEvent]:
    """The held case's events of these activities, in the order they were taken."""
    wanted = set(activities)
    return [e for e in case.events if e.activity in wanted]


class HeldCases(BatchStore):
    """The batch store for held cases of one kind: ``open`` and ``execute`` run the engine on
    them; permission and calendar look-ups are remembered for the run; ``memo`` keeps what the
    kind's ``prepare`` hook looks up once per run (users, reference data)."""

    def __init__(self, kind: CaseKind, actor: Actor) -> None:
        math = ClockMath(rollover=str(rule_value("calendar.rollover")), memoise=True)
        super().__init__(actor, math=math, begin=self._start, copy=HeldClock.copy)
        self.kind = kind
        self.ids = TimeOrderedIds()
        self.memo: dict[Any, Any] = {}
        self.versions = VersionsInForce(kind.label)  # the process configuration, read once
        self._fractions: dict[tuple[str, date, str], tuple[float, ...]] = {}

    def fractions(self, org_path: str, at: datetime, clock: str) -> tuple[float, ...]:
        """The warning thresholds in force (``warning_fractions_for``), looked up once per org
        unit, day and clock."""
        if not self.versions.versions:
            return DEFAULT_WARNING_FRACTIONS
        day = at.astimezone(BEIJING).date()
        key = (org_path, day, clock)
        hit = self._fractions.get(key)
        if hit is None:
            version = self.versions.in_force(org_path, day)
            hit = self._fractions[key] = version_warning_fractions(version, clock)
        return hit

    def _start(self, case: HeldCase, clock: Clock, at: datetime) -> HeldClock:
        d = HeldClock()
        self.math.begin(d, clock, at, self.fractions(case.org_path, at, clock.code))
        return d

    def new(
        self, org_path: str, fields: dict[str, Any], *, id: uuid.UUID | None = None
    ) -> HeldCase:
        """A case to ``open``: a time-ordered id unless given."""
        return HeldCase(id or self.ids.next(), org_path, fields)

    def create(
        self,
        case: HeldCase,
        actor: Actor,
        at: datetime,
        *,
        data: Mapping[str, Any] | None = None,
        source: str = Source.IMPORT,
        external: External | None = None,
        declared: Mapping[str, Clock] | None = None,
        effects: Iterable[Effect] | None = None,
    ) -> HeldCase:
        """``open`` the case in this store's kind."""
        return self.open(self.kind, case, actor, at, data=data, source=source, external=external,
                         declared=declared, effects=effects)  # fmt: skip

    def execute(
        self,
        case: HeldCase,
        actor: Actor,
        action: str,
        at: datetime,
        data: Mapping[str, Any] | None = None,
        *,
        source: str = Source.IMPORT,
        external: External | None = None,
        record: Mapping[str, Any] | None = None,
    ) -> HeldCase:
        """One action through the engine's executor, as ``actor`` at ``at``."""
        return case_execute(kind=self.kind, store=self, actor=actor, case=case, action=action,
                            data=dict(data or {}), at=at, source=source, external=external,
                            record=record)  # fmt: skip


_EVENT = ("case_type", "case_id", "org_path", "activity", "from_state", "to_state", "at",
          "source_system", "external_id", "data", "recorded_at", "actor_id", "actor_name",
          "source")  # fmt: skip
_CLOCK = (*HeldClock.__slots__, "case_type", "case_id", "org_path")
_AUDIT = ("seq", "at", "actor_id", "actor_name", "action", "subject_type", "subject_id",
          "org_path", "fields", "data", "request_id", "ip", "prev_hash", "hash")  # fmt: skip
_MISSING = object()


class HeldCaseWriter:
    """Writes held cases of one kind in bulk, in one transaction: the rows of the kind's model
    (from ``fields``; ``status``, ``version`` and ``id`` from the case; timestamps ``now`` unless
    the fields give them; every other column its default), their clocks, their events (the
    step's actor and source; ``source`` for steps that name none) and, with ``audit``, one audit
    record per action as the database store writes it (the ``create`` step has none there
    either: the domain's registration audits it)."""

    def __init__(self, kind: CaseKind, *, source: str = Source.IMPORT, audit: bool = True) -> None:
        self.kind, self.source, self.audit = kind, source, audit
        self.model = kind.model
        self.postgres = connection.vendor == "postgresql"
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        self._columns = model_columns(self.model)
        self._fields = [(a, fields[a].name if fields[a].is_relation else "", fields[a])
                        for a in self._columns]  # fmt: skip

    def _row(self, case: HeldCase, now: datetime) -> tuple[Any, ...]:
        own = {"id": case.id, "status": case.status, "version": case.version}
        values = []
        for attname, name, f in self._fields:
            value = own.get(attname, _MISSING)
            if value is _MISSING:
                value = case.fields.get(attname, _MISSING)
            if value is _MISSING and name:
                related = case.fields.get(name, _MISSING)
                if related is not _MISSING:
                    value = None if related is None else related.pk
            if value is _MISSING:
                value = now if attname in ("created_at", "updated_at") else f.get_default()
            values.append(value)
        return tuple(values)

    def write(self, cases: list[HeldCase], *, actor: Actor | None = None) -> dict[str, int]:
        """Write ``cases``; ``actor`` stands for the steps held without one. Returns the counts
        of rows written per table."""
        label, now = self.kind.label, timezone.now()
        rows, events, clocks = Table(self.model), Table(CaseEvent, _EVENT), Table(Deadline, _CLOCK)
        subject_type = self.model._meta.label_lower
        scoped = getattr(self.model, "scope_path", None) is not None  # as ``audit_record`` reads it
        steps: list[tuple[Actor, str, str, str, str, str]] = []
        for c in cases:
            rows.rows.append(self._row(c, now))
            case_id = str(c.id)
            for e in c.events:
                who = e.actor or actor
                events.rows.append((label, case_id, e.org_path, e.activity, e.from_state,
                                    e.to_state, e.at, e.source_system, e.external_id, e.data, now,
                                    who.user_id if who else None, who.username if who else "",
                                    e.source or self.source))  # fmt: skip
                if self.audit and e.activity != "create" and who is not None:
                    steps.append((who, f"{label}.{e.activity}", case_id,
                                  e.org_path if scoped else "", e.from_state, e.to_state))  # fmt: skip
            for d in c.clocks.values():
                clocks.rows.append((*d.values(), label, case_id, c.org_path))
        with transaction.atomic():
            audits = self._audit(steps, subject_type, now) if steps else None
            tables = [rows, events, clocks] + ([audits] if audits is not None else [])
            store(rendered(tables, self.postgres), self.postgres)
        return {"cases": len(rows.rows), "events": len(events.rows), "clocks": len(clocks.rows),
                "audit": len(audits.rows) if audits is not None else 0}  # fmt: skip

    def _audit(self, steps: list[tuple[Actor, str, str, str, str, str]], subject_type: str,
               now: datetime) -> Table:  # fmt: skip
        """The audit records of the steps, chained after the head (locked until the caller's
        transaction ends, as ``audit_record`` locks it)."""
        table = Table(AuditEvent, _AUDIT)
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
        seq, prev = head.seq, head.hash
        event = AuditEvent(at=now, fields=["status"])
        for who, action, case_id, path, src, dst in steps:
            seq += 1
            event.seq, event.actor_id, event.actor_name, event.action = seq, who.user_id, who.username, action  # fmt: skip
            event.subject_type, event.subject_id, event.org_path = subject_type, case_id, path
            event.data, event.request_id, event.ip = (
                {"from": src, "to": dst},
                who.request_id,
                who.ip,
            )
            event.prev_hash = prev
            prev = compute_hash(event)
            table.rows.append((seq, now, who.user_id, who.username, action, subject_type, case_id,
                               path, ["status"], event.data, who.request_id, who.ip,
                               event.prev_hash, prev))  # fmt: skip
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
        return table
