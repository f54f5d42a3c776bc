"""The single-event path: each core-system event through the claims services (issue 5 §7)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from hiqc.core.access import Actor, require
from hiqc.core.casework import External, case_allowed_actions
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import CaseEvent
from hiqc.organisations.models import OrgUnit
from hiqc.policies.models import DocumentRequirement

from ..enums import ClaimChannel
from ..models import Claim, ClaimDocument
from ..selectors import access_claim
from ..services import (
    CASE_TYPE,
    KIND,
    claim_act,
    claim_register,
)
from ..workflow import HANDLE
from .contract import (
    ClaimEvent,
    ImportReport,
    Source,
    _audit,
    _doc_codes,
    _exists,
    _lines,
    _out_of_order,
    _parse,
    _rejection,
    importable_actions,
)

# --- the single-event path ---------------------------------------------------------------------------


def _record_documents(claim: Claim, data: Mapping[str, Any], at: datetime) -> None:
    names = {
        r.code: r.name
        for r in DocumentRequirement.objects.filter(
            product_id=claim.policy.product_id, claim_type=claim.claim_type
        )
    }
    codes = _doc_codes(data, names)
    have = set(claim.documents.values_list("requirement_code", flat=True))
    ClaimDocument.objects.bulk_create(
        ClaimDocument(claim=claim, requirement_code=c, name=names[c], received_at=at)
        for c in dict.fromkeys(codes)
        if c not in have
    )


def claim_event_apply(*, actor: Actor, event: ClaimEvent) -> Claim:
    """Apply one core-system event through the claims services (call inside a transaction)."""
    external = External(event.source_system, event.external_id)
    existing = (
        Claim.objects.filter(source_system=event.source_system, external_ref=event.claim)
        .values_list("pk", "status")
        .first()
    )
    if event.action == "create":
        if existing is not None:
            raise _exists(event, *_seen_by(actor, event))
        unit_id = None
        if event.data.get("org_unit"):
            unit_id = (
                OrgUnit.objects.filter(code=str(event.data["org_unit"]))
                .values_list("pk", flat=True)
                .first()
            )
            if unit_id is None:
                raise NotFound()
        data = {**event.data, "channel": ClaimChannel.CORE_SYSTEM}
        claim = claim_register(actor=actor, data=data, at=event.at, source=Source.IMPORT,
                               org_unit_id=unit_id, external=external)  # fmt: skip
        claim.source_system, claim.external_ref = event.source_system, event.claim
        claim.save(update_fields=["source_system", "external_ref", "updated_at"])
        _record_documents(claim, event.data, event.at)
        return claim
    if existing is None:
        raise NotFound()
    claim = access_claim(actor, existing[0], for_update=True)
    last = (
        CaseEvent.objects.filter(case_type=CASE_TYPE, case_id=str(claim.pk))
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last is not None and event.at < last:
        raise _out_of_order(event.at, last, claim.status, case_allowed_actions(KIND, claim, actor))
    _record_documents(claim, event.data, event.at)
    claim = claim_act(actor=actor, claim_id=claim.pk, action=event.action, data=event.data,
                      at=event.at, source=Source.IMPORT, external=external)  # fmt: skip
    return claim


def _seen_by(actor: Actor, ev: ClaimEvent) -> tuple[str, list[str]]:
    """The event's claim as ``actor`` sees it: its state and the actions the actor may take on it
    now; ("", []) when there is no such claim or it lies outside the actor's scope (the same
    answer, DESIGN rule 2)."""
    pk = (
        Claim.objects.filter(source_system=ev.source_system, external_ref=ev.claim)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return "", []
    try:
        claim = access_claim(actor, pk)
    except (NotFound, Forbidden):
        return "", []
    return claim.status, case_allowed_actions(KIND, claim, actor)


def _apply_single(actor: Actor, ev: ClaimEvent, report: ImportReport) -> bool:
    try:
        with transaction.atomic():
            claim_event_apply(actor=actor, event=ev)
    except Conflict as exc:
        if exc.code == "duplicate_event":
            report.duplicate += 1
            return False
        report.reject(_rejection(ev, exc))
        return False
    except (ValidationFailed, NotFound, Forbidden) as exc:
        report.reject(_rejection(ev, exc, *_seen_by(actor, ev)))
        return False
    report.applied += 1
    return True


def claim_events_import(
    *,
    actor: Actor,
    lines: Iterable[str | bytes],
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Apply core-system events one by one, each line in its own transaction (issue 5 §7)."""
    require(actor, HANDLE)
    started = time.perf_counter()
    report = ImportReport()
    actions = importable_actions(actor)
    for number, raw in _lines(lines):
        report.lines = number
        if on_progress is not None:
            on_progress(1)
        ev = _parse(number, raw, actions)
        if ev is None:
            continue
        if isinstance(ev, dict):
            report.reject(ev)
            continue
        if CaseEvent.objects.filter(
            source_system=ev.source_system, external_id=ev.external_id
        ).exists():
            report.duplicate += 1
            continue
        _apply_single(actor, ev, report)
    report.seconds = time.perf_counter() - started
    _audit(actor, report, bulk=False)
    return report
