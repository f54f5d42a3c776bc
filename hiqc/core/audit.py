"""Append-only, hash-chained audit trail (standard 6.2.3, PIPL / PI-8).

Every write and every reveal appends one ``AuditEvent`` in the same transaction as the change.
Each row's hash covers its content and the previous row's hash; ``AuditHead`` holds the newest
link. Appends are serialised by locking the head row (PostgreSQL) or by SQLite's IMMEDIATE
transactions. ``verify_chain`` recomputes the chain and names the first broken or missing link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .access import Actor, object_path
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": str(event.actor_id) if event.actor_id else "",
        "actor_name": event.actor_name,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "org_path": event.org_path,
        "fields": list(event.fields),
        "data": event.data,
        "request_id": event.request_id,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def audit_record(
    *,
    actor: Actor,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    org_path: str | None = None,
    fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one audit event. ``fields`` are names only; ``data`` must hold no personal values."""
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk)
        if org_path is None:
            org_path = object_path(subject) if getattr(type(subject), "scope_path", None) else ""
    if org_path is None:
        org_path = actor.home_path
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
        event = AuditEvent(
            seq=head.seq + 1,
            at=at or timezone.now(),
            actor_id=actor.user_id,
            actor_name=actor.username,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            org_path=org_path,
            fields=sorted(set(fields)),
            data=data or {},
            request_id=actor.request_id,
            ip=actor.ip,
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    problem: str = ""
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": self.ok, "problem": self.problem, "seq": self.seq}


def _rows(using: str, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.using(using).filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(using: str = "default") -> ChainReport:
    """Recompute every link (of the database ``using``: a restore test checks its scratch copy).
    Rows older than the retention floor may have been pruned from the start of the chain;
    anything else missing, altered or reordered is reported."""
    checked = 0
    prev: AuditEvent | None = None
    for event in _rows(using):
        if prev is not None:
            if event.seq != prev.seq + 1:
                return ChainReport(
                    checked, False, f"missing events {prev.seq + 1}–{event.seq - 1}", prev.seq + 1
                )
            if event.prev_hash != prev.hash:
                return ChainReport(checked, False, "link to previous event broken", event.seq)
        if compute_hash(event) != event.hash:
            return ChainReport(checked, False, "event content does not match its hash", event.seq)
        checked += 1
        prev = event
    head = AuditHead.objects.using(using).filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    last_seq, last_hash = (prev.seq, prev.hash) if prev else (0, GENESIS)
    if (head_seq, head_hash) != (last_seq, last_hash):
        return ChainReport(
            checked,
            False,
            f"newest events missing after {last_seq} (head is {head_seq})",
            last_seq + 1,
        )
    return ChainReport(checked, True)
