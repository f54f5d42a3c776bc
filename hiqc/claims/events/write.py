"""Batched writes of the bulk path: finished claims with their events, clocks, notices, documents
and payments, through ``hiqc.core.bulkwrite`` (COPY on PostgreSQL, executemany on SQLite)."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection, connections
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.bulkwrite import Payload, Table, rendered, store
from hiqc.core.models import CaseEvent, Deadline

from ..enums import PaymentKind
from ..models import Claim, ClaimDocument, Payment, SupplementRequest
from ..services import CASE_TYPE
from .contract import Source
from .rules import EventRules, _Case, _Clock

_CLAIM_DATA = ("claim_type", "incident_date", "diagnosis_code", "diagnosis_text", "amount_claimed",
               "received_at", "small_claim", "insured_id", "claimant_id", "outcome",
               "amount_approved", "reason_code", "reason_text", "decided_at",
               "decided_automatically", "human_review_requested_at", "agreed_at", "closed_at",
               "retain_until", "anonymised_at")  # fmt: skip
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
        claims, events = Table(Claim, _CLAIM), Table(CaseEvent, _EVENT)
        clocks, notices = Table(Deadline, _CLOCK), Table(SupplementRequest, _NOTICE)
        documents, payments = Table(ClaimDocument, _DOCUMENT), Table(Payment, _PAYMENT)
        now = timezone.now()
        stamp = (now, now)
        recorded = (now, self.actor.user_id, self.actor.username, str(Source.IMPORT))
        kind = str(PaymentKind.BENEFIT)
        new_id, checklists = self.rules.new_id, self.rules.checklists
        claim_rows, event_rows, clock_rows = claims.rows, events.rows, clocks.rows
        for c in self.cases:
            case_id, f = str(c.id), c.fields
            claim_rows.append((*map(f.__getitem__, _CLAIM_DATA), *stamp, c.id, c.status,
                               c.version, None, c.number, c.policy_id, str(c.channel), c.org_unit_id,
                               c.source_system, c.ref))  # fmt: skip
            for _cid, path, activity, src, dst, at, system, ext, data, *_step in c.events:
                event_rows.append((CASE_TYPE, case_id, path, activity, src, dst, at, system, ext,
                                   data, *recorded))  # fmt: skip
            for d in c.clocks.values():
                clock_rows.append((*d.values(), CASE_TYPE, case_id, c.org_path))
            for s in c.supplements:
                notices.rows.append((new_id(), c.id, s.items, s.requested_at, s.delivered_at,
                                     s.fulfilled_at, s.first, s.override_reason, s.override_by,
                                     s.requested_by, *stamp))  # fmt: skip
            checklist = checklists.get((c.version_id, f["claim_type"]), {})
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
