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
from hiqc.policies.models import DocumentRequirement

from ..enums import ClaimChannel
from ..models import Claim, ClaimDocument
from ..selectors import access_claim, claims_in_scope
from ..services import (
    CASE_TYPE,
    KIND,
    claim_act,
    claim_application_check,
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
    _not_creatable,
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


def claim_event_apply(*, actor: Actor, event: ClaimEvent, id_taken: bool = False) -> Claim:
    """Apply one core-system event through the claims services (call inside a transaction).

    ``id_taken``: the event's (source system, external id) is already in the log on a claim
    outside the actor's scope. The line is then checked like any other and refused as "not found"
    where it would be applied: nothing is said about the claim that holds the id."""
    external = External(event.source_system, event.external_id)
    existing = (
        Claim.objects.filter(source_system=event.source_system, external_ref=event.claim)
        .values_list("pk", "status")
        .first()
    )
    if event.action == "create":
        taken = id_taken
        if existing is not None:
            if claims_in_scope(actor, [existing[0]]):
                raise _exists(event, *_seen_by(actor, event))
            taken = True  # another branch's number: answered as a number the actor may not create
        data = {**event.data, "channel": ClaimChannel.CORE_SYSTEM}
        try:
            checked = claim_application_check(
                actor=actor, data=data, now=event.at, org_unit_code=str(data.get("org_unit") or "")
            )
        except NotFound as exc:
            raise _not_creatable() from exc
        if taken:
            raise _not_creatable()
        claim = claim_register(actor=actor, data=data, at=event.at, source=Source.IMPORT,
                               external=external, checked=checked)  # fmt: skip
        claim.source_system, claim.external_ref = event.source_system, event.claim
        claim.save(update_fields=["source_system", "external_ref", "updated_at"])
        _record_documents(claim, event.data, event.at)
        return claim
    if existing is None:
        raise NotFound()
    claim = access_claim(actor, existing[0], for_update=True)
    if id_taken:
        raise NotFound()
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


def _logged(actor: Actor, ev: ClaimEvent) -> bool | None:
    """Whether the event's (source system, external id) is in the log: None if not, True if on
    a claim within the actor's scope (a duplicate), False if anywhere else (the actor may not be
    told: the line is answered as if the id were new, DESIGN rule 2)."""
    logged = (
        CaseEvent.objects.filter(source_system=ev.source_system, external_id=ev.external_id)
        .values_list("case_type", "case_id")
        .first()
    )
    if logged is None:
        return None
    case_type, case_id = logged
    return case_type == CASE_TYPE and bool(claims_in_scope(actor, [case_id]))


def _apply_single(
    actor: Actor, ev: ClaimEvent, report: ImportReport, *, id_taken: bool = False
) -> bool:
    try:
        with transaction.atomic():
            claim_event_apply(actor=actor, event=ev, id_taken=id_taken)
    except Conflict as exc:
        if exc.code == "duplicate_event":  # the same id raced in from another import
            if _logged(actor, ev):
                report.duplicate += 1
            else:
                report.reject(_rejection(ev, NotFound()))
            return False
        report.reject(_rejection(ev, exc))
        return False
    except NotFound as exc:
        report.reject(_rejection(ev, exc))
        return False
    except (ValidationFailed, Forbidden) as exc:
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
        logged = _logged(actor, ev)
        if logged:
            report.duplicate += 1
            continue
        _apply_single(actor, ev, report, id_taken=logged is False)
    report.seconds = time.perf_counter() - started
    _audit(actor, report, bulk=False)
    return report
