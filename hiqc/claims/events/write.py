"""Batched writes of the bulk path: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.models import CaseEvent, Deadline

from ..enums import ClaimChannel, PaymentKind
from ..models import Claim, ClaimDocument, Payment, SupplementRequest
from ..services import (
    CASE_TYPE,
)
from .contract import Source
from .rules import EventRules, _Case, _Clock

# --- batched writes: COPY on PostgreSQL, executemany on SQLite ------------------------------------

_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_SPECIAL)
    return value


def _converter(f: Any, postgres: bool) -> Callable[[Any], Any]:
    """Python value → what the database stores, as Django would write it (per field type)."""
    from hiqc.core.crypto import EncryptedTextField

    kind = f.target_field.get_internal_type() if f.is_relation else f.get_internal_type()
    if isinstance(f, EncryptedTextField):
        prep = f.get_prep_value
        return (lambda v: _text(prep(v))) if postgres else prep
    if kind == "UUIDField":
        return str if postgres else (lambda v: v.hex)
    if kind == "DateTimeField":
        return (lambda v: v.isoformat()) if postgres else _utc_naive
    if kind == "DateField":
        return lambda v: v.isoformat()
    if kind == "BooleanField":
        return (lambda v: "t" if v else "f") if postgres else int
    if kind == "JSONField":
        return (lambda v: _text(json.dumps(v))) if postgres else json.dumps
    if kind in ("DecimalField", "BigIntegerField", "PositiveIntegerField",
                "PositiveSmallIntegerField", "IntegerField"):  # fmt: skip
        return str if postgres else (lambda v: v)
    return _text if postgres else (lambda v: v)


def _utc_naive(moment: datetime) -> str:
    # Django's own SQLite representation of an aware datetime: naive UTC, str()
    return str(moment.astimezone(UTC).replace(tzinfo=None))


class _Table:
    def __init__(self, model: Any, postgres: bool) -> None:
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if f.get_internal_type() != "BigAutoField"]
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.convert = [_converter(f, postgres) for f in fields]
        self.rows: list[dict[str, Any]] = []

    def render(self, postgres: bool) -> Any:
        conv, names = list(zip(self.convert, self.attnames, strict=True)), self.attnames
        if postgres:
            return "".join(
                "\t".join("\\N" if (v := row[n]) is None else c(v) for c, n in conv) + "\n"
                for row in self.rows
            )
        del names
        return [
            tuple(None if (v := row[n]) is None else c(v) for c, n in conv) for row in self.rows
        ]


class BulkWriter:
    """Writes finished claims with their events, clocks, notices, documents and payments."""

    def __init__(self, actor: Actor, rules: EventRules) -> None:
        self.actor, self.rules = actor, rules
        self.postgres = connection.vendor == "postgresql"
        self.cases: list[_Case] = []
        self.timings: dict[str, float] = {}  # seconds per step, for bench/bench_claim_events.py
        # PostgreSQL outside a transaction: one writer thread with its own connection copies batch
        # k while this thread validates the events of batch k + 1 (as the call-record import does)
        pipelined = self.postgres and not connection.in_atomic_block
        self._pool = ThreadPoolExecutor(max_workers=1) if pipelined else None
        self._pending: Future[None] | None = None

    def _time(self, what: str, since: float) -> None:
        self.timings[what] = self.timings.get(what, 0.0) + time.perf_counter() - since

    @property
    def pending(self) -> int:
        return len(self.cases)

    def add(self, cases: list[_Case]) -> None:
        self.cases.extend(cases)

    def close(self) -> None:
        """Wait for the last batch (its error, if any, is raised here) and release the thread."""
        self.cases = []
        if self._pool is not None:
            try:
                self._collect()
            finally:
                self._pool.submit(connections.close_all).result()
                self._pool.shutdown()
                self._pool = None

    def flush(self) -> None:
        if not self.cases:
            return
        pg = self.postgres
        claims, events = _Table(Claim, pg), _Table(CaseEvent, pg)
        clocks, notices = _Table(Deadline, pg), _Table(SupplementRequest, pg)
        documents, payments = _Table(ClaimDocument, pg), _Table(Payment, pg)
        now = timezone.now()
        actor_id, actor_name = self.actor.user_id, self.actor.username
        stamp = {"created_at": now, "updated_at": now}
        for c in self.cases:
            case_id = str(c.id)
            claims.rows.append({
                **c.fields, **stamp, "id": c.id, "status": c.status, "version": c.version,
                "assignee_id": None, "number": c.number, "policy_id": c.policy_id,
                "channel": ClaimChannel.CORE_SYSTEM, "org_unit_id": c.org_unit_id,
                "source_system": c.source_system, "external_ref": c.ref,
            })  # fmt: skip
            for _cid, path, activity, src, dst, at, system, ext, data in c.events:
                events.rows.append({
                    "case_type": CASE_TYPE, "case_id": case_id, "org_path": path,
                    "activity": activity, "from_state": src, "to_state": dst, "at": at,
                    "recorded_at": now, "actor_id": actor_id, "actor_name": actor_name,
                    "source": Source.IMPORT, "source_system": system, "external_id": ext,
                    "data": data,
                })  # fmt: skip
            for d in c.clocks.values():
                row = {name: getattr(d, name) for name in _Clock.__slots__}
                row.update(case_type=CASE_TYPE, case_id=case_id, org_path=c.org_path)
                clocks.rows.append(row)
            for s in c.supplements:
                notices.rows.append({
                    **stamp, "id": uuid.uuid4(), "claim_id": c.id, "items": s.items,
                    "requested_at": s.requested_at, "delivered_at": s.delivered_at,
                    "fulfilled_at": s.fulfilled_at, "first": s.first,
                    "override_reason": s.override_reason, "override_by": s.override_by,
                    "requested_by": s.requested_by,
                })  # fmt: skip
            checklist = self.rules.checklists.get((c.product_id, c.fields["claim_type"]), {})
            for code, at in c.documents.items():
                documents.rows.append({
                    **stamp, "id": uuid.uuid4(), "claim_id": c.id, "requirement_code": code,
                    "name": checklist[code][0] if code in checklist else code, "received_at": at, "file": "",
                    "content_type": "", "size": 0, "sha256": "",
                })  # fmt: skip
            for amount, channel, at, reference in c.payments:
                payments.rows.append({
                    **stamp, "id": uuid.uuid4(), "claim_id": c.id, "kind": PaymentKind.BENEFIT,
                    "amount": amount, "channel": channel, "paid_at": at, "reference": reference,
                })  # fmt: skip
        tables = [claims, events, clocks, notices, documents, payments]
        self.cases = []
        if not pg:
            with transaction.atomic():
                connection.ensure_connection()
                db: Any = connection.connection
                for t in tables:
                    if t.rows:
                        cols = ", ".join(f'"{c}"' for c in t.columns)
                        marks = ", ".join("?" * len(t.columns))
                        db.executemany(f'INSERT INTO "{t.name}" ({cols}) VALUES ({marks})',  # noqa: S608
                                       t.render(False))  # fmt: skip
            return
        tick = time.perf_counter()
        payloads = [(t.name, t.columns, t.render(True)) for t in tables if t.rows]
        self._time("render", tick)
        if self._pool is None:
            self._copy(payloads)
            return
        self._collect()
        self._pending = self._pool.submit(self._copy, payloads)

    def _copy(self, payloads: list[tuple[str, list[str], str]]) -> None:
        tick = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            raw: Any = cursor.cursor  # the psycopg 3 cursor
            for name, columns, payload in payloads:
                cols = ", ".join(f'"{c}"' for c in columns)
                with raw.copy(f'COPY "{name}" ({cols}) FROM STDIN') as copy:
                    copy.write(payload)
        self._time("copy", tick)

    def _collect(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            tick = time.perf_counter()
            pending.result()
            self._time("waiting for the writer", tick)
