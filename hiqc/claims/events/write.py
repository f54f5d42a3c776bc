"""Batched writes of the bulk path: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import functools
import json
import time
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
from ..services import CASE_TYPE
from .contract import Source
from .rules import EventRules, _Case, _Clock

# --- batched writes: COPY on PostgreSQL, executemany on SQLite ------------------------------------
#
# Rows are tuples in an explicit column order. Each table gets one generated function that turns a
# batch of rows into what Django would store — COPY text on PostgreSQL, parameter tuples on SQLite —
# with one inline expression per column chosen from the field's type: a per-value converter call
# cost more than the claims rules themselves (27 million values for 100,000 claims).

_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_SPECIAL)
    return value


_EMPTY_JSON = {list: "[]", dict: "{}"}
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def _json_pg(v: Any) -> str:
    if not v:
        return _EMPTY_JSON.get(type(v)) or _text(_dumps(v))
    return _text(_dumps(v))


def _utc_naive(moment: datetime) -> str:
    # Django's own SQLite representation of an aware datetime: naive UTC, str()
    return str(moment.astimezone(UTC).replace(tzinfo=None))


_NUMBERS = ("DecimalField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
            "IntegerField", "SmallIntegerField")  # fmt: skip


def _expression(f: Any, v: str, postgres: bool, encrypted: bool) -> str:
    """Python source turning the value named ``v`` of field ``f`` into its stored form."""
    kind = f.target_field.get_internal_type() if f.is_relation else f.get_internal_type()
    if encrypted:
        stored = f"prep_{v}({v})"
        return f"_text({stored})" if postgres else stored
    if postgres:
        e = {"DateTimeField": f"{v}.isoformat()", "DateField": f"{v}.isoformat()",
             "BooleanField": f"('t' if {v} else 'f')", "JSONField": f"_json_pg({v})",
             "UUIDField": f"str({v})"}.get(kind) or (f"str({v})" if kind in _NUMBERS
                                                     else f"_text({v})")  # fmt: skip
        return f"(N if {v} is None else {e})" if f.null else e
    e = {"DateTimeField": f"_utc_naive({v})", "DateField": f"{v}.isoformat()",
         "BooleanField": f"int({v})", "JSONField": f"json.dumps({v})", "UUIDField": f"{v}.hex",
         "DecimalField": f"str({v})"}.get(kind, v)  # fmt: skip
    return f"(None if {v} is None else {e})" if f.null and e != v else e


@functools.cache
def _renderer(model: Any, attnames: tuple[str, ...], postgres: bool) -> Callable[[list], Any]:
    from hiqc.core.crypto import EncryptedTextField

    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = [f"v{i}" for i in range(len(attnames))]
    namespace: dict[str, Any] = {"N": "\\N", "_text": _text, "_json_pg": _json_pg,
                                 "_utc_naive": _utc_naive, "json": json}  # fmt: skip
    parts = []
    for name, attname in zip(names, attnames, strict=True):
        f = fields[attname]
        encrypted = isinstance(f, EncryptedTextField)
        if encrypted:
            namespace[f"prep_{name}"] = f.get_prep_value
        parts.append(_expression(f, name, postgres, encrypted))
    row = ("f\"" + "\\t".join("{" + p + "}" for p in parts) + "\\n\"") if postgres \
        else "(" + ", ".join(parts) + ",)"  # fmt: skip
    source = (f"def render(rows):\n"
              f"    return [{row} for ({', '.join(names)},) in rows]\n")  # fmt: skip
    exec(compile(source, f"<bulk rows of {model._meta.db_table}>", "exec"), namespace)  # noqa: S102
    render = namespace["render"]
    if postgres:
        return lambda rows: "".join(render(rows))
    return render  # type: ignore[no-any-return]


def model_columns(model: Any) -> tuple[str, ...]:
    """The attnames a bulk write fills: every concrete field but an auto-increment key."""
    return tuple(f.attname for f in model._meta.concrete_fields
                 if f.get_internal_type() != "BigAutoField")  # fmt: skip


class _Table:
    """One table's rows, as tuples of Python values in ``attnames`` order."""

    def __init__(self, model: Any, attnames: tuple[str, ...] | None = None) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.model = model
        self.attnames = attnames = attnames or model_columns(model)
        if sorted(attnames) != sorted(model_columns(model)):
            raise AssertionError(f"bulk columns of {model.__name__} differ from the model: "
                                 f"{sorted(set(model_columns(model)) ^ set(attnames))}")  # fmt: skip
        self.name = model._meta.db_table
        self.columns = [fields[a].column for a in attnames]
        self.rows: list[tuple[Any, ...]] = []

    def add_dicts(self, rows: list[dict[str, Any]]) -> None:
        names = self.attnames
        self.rows.extend(tuple(row[n] for n in names) for row in rows)

    def render(self, postgres: bool) -> Any:
        return _renderer(self.model, self.attnames, postgres)(self.rows)


Payload = tuple[str, list[str], Any]


def rendered(tables: list[_Table], postgres: bool) -> list[Payload]:
    """(table, columns, COPY text or parameter tuples) for every table with rows."""
    return [(t.name, t.columns, t.render(postgres)) for t in tables if t.rows]


def store(payloads: list[Payload], postgres: bool) -> None:
    """Insert the rendered rows in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    with transaction.atomic(), connection.cursor() as cursor:
        for name, columns, data in payloads:
            cols = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                raw: Any = cursor.cursor  # the psycopg 3 cursor
                with raw.copy(f'COPY "{name}" ({cols}) FROM STDIN') as copy:
                    copy.write(data)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', data)  # noqa: S608


_CLAIM_DATA = ("claim_type", "incident_date", "diagnosis_code", "diagnosis_text", "amount_claimed",
               "received_at", "small_claim", "insured_id", "claimant_id", "outcome",
               "amount_approved", "reason_code", "reason_text", "decided_at",
               "decided_automatically", "human_review_requested_at", "agreed_at", "closed_at",
               "retain_until")  # fmt: skip
_CLAIM = (*_CLAIM_DATA, "created_at", "updated_at", "id", "status", "version", "assignee_id",
          "number", "policy_id", "channel", "org_unit_id", "source_system", "external_ref")  # fmt: skip
_EVENT = ("case_type", "case_id", "org_path", "activity", "from_state", "to_state", "at",
          "source_system", "external_id", "data", "recorded_at", "actor_id", "actor_name",
          "source")  # fmt: skip
_CLOCK = (*_Clock.__slots__, "case_type", "case_id", "org_path")
_NOTICE = ("id", "claim_id", "items", "requested_at", "delivered_at", "fulfilled_at", "first",
           "override_reason", "override_by", "requested_by", "created_at", "updated_at")  # fmt: skip
_DOCUMENT = ("id", "claim_id", "requirement_code", "name", "received_at", "file", "content_type",
             "size", "sha256", "created_at", "updated_at")  # fmt: skip
_PAYMENT = ("id", "claim_id", "kind", "amount", "channel", "paid_at", "reference", "created_at",
            "updated_at")  # fmt: skip


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
        tick = time.perf_counter()
        pg = self.postgres
        claims, events = _Table(Claim, _CLAIM), _Table(CaseEvent, _EVENT)
        clocks, notices = _Table(Deadline, _CLOCK), _Table(SupplementRequest, _NOTICE)
        documents, payments = _Table(ClaimDocument, _DOCUMENT), _Table(Payment, _PAYMENT)
        now = timezone.now()
        stamp = (now, now)
        recorded = (now, self.actor.user_id, self.actor.username, str(Source.IMPORT))
        channel, kind = str(ClaimChannel.CORE_SYSTEM), str(PaymentKind.BENEFIT)
        new_id, checklists = self.rules.new_id, self.rules.checklists
        claim_rows, event_rows, clock_rows = claims.rows, events.rows, clocks.rows
        for c in self.cases:
            case_id, f = str(c.id), c.fields
            claim_rows.append((*map(f.__getitem__, _CLAIM_DATA), *stamp, c.id, c.status,
                               c.version, None, c.number, c.policy_id, channel, c.org_unit_id,
                               c.source_system, c.ref))  # fmt: skip
            for _cid, path, activity, src, dst, at, system, ext, data in c.events:
                event_rows.append((CASE_TYPE, case_id, path, activity, src, dst, at, system, ext,
                                   data, *recorded))  # fmt: skip
            for d in c.clocks.values():
                clock_rows.append((*d.values(), CASE_TYPE, case_id, c.org_path))
            for s in c.supplements:
                notices.rows.append((new_id(), c.id, s.items, s.requested_at, s.delivered_at,
                                     s.fulfilled_at, s.first, s.override_reason, s.override_by,
                                     s.requested_by, *stamp))  # fmt: skip
            checklist = checklists.get((c.product_id, f["claim_type"]), {})
            for code, at in c.documents.items():
                name = checklist[code][0] if code in checklist else code
                documents.rows.append((new_id(), c.id, code, name, at, "", "", 0, "", *stamp))
            for amount, pay_channel, at, reference in c.payments:
                payments.rows.append((new_id(), c.id, kind, amount, pay_channel, at, reference,
                                      *stamp))  # fmt: skip
        tables = [claims, events, clocks, notices, documents, payments]
        self.cases = []
        self._time("rows", tick)
        if not pg:
            store(rendered(tables, False), False)
            return
        tick = time.perf_counter()
        payloads = rendered(tables, True)
        self._time("render", tick)
        if self._pool is None:
            self._copy(payloads)
            return
        self._collect()
        self._pending = self._pool.submit(self._copy, payloads)

    def _copy(self, payloads: list[Payload]) -> None:
        tick = time.perf_counter()
        store(payloads, True)
        self._time("copy", tick)

    def _collect(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            tick = time.perf_counter()
            pending.result()
            self._time("waiting for the writer", tick)
