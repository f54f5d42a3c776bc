"""The claims declaration on the kernel's events door (``hiqc.core.eventsdoor``; issue 15 §2).

The kernel parses the lines, checks scope first, finds duplicates by (source system, external
id), detects events out of order and writes the report; claims declare what is theirs: a line
names its claim by the core system's number (``claim``, kept as ``external_ref``), a ``create``
line registers a claim through ``claim_application_check`` / ``claim_register`` (the same checks
as a page's application), ``data.documents`` records what the core system has received before
the action (CL-1 works on it), and the bulk path holds claims in memory (``bulk.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor
from hiqc.core.casework import External
from hiqc.core.errors import NotFound
from hiqc.core.eventsdoor import (
    EventLine,
    EventsDoor,
    ImportReport,
    case_events_import,
    register_events_door,
    stored_refs,
)
from hiqc.policies.models import DocumentRequirement

from ..models import Claim, ClaimDocument
from ..selectors import claims_in_scope
from ..services import KIND, claim_application_check, claim_register
from ..workflow import HANDLE
from .contract import Source, _doc_codes, _exists, _not_creatable, application_channel


def _record_documents(claim: Claim, data: Mapping[str, Any], at: datetime) -> None:
    names = {
        r.code: r.name
        for r in DocumentRequirement.objects.filter(
            version_id=claim.policy.product_version_id, claim_type=claim.claim_type
        )
    }
    codes = _doc_codes(data, names)
    have = set(claim.documents.values_list("requirement_code", flat=True))
    ClaimDocument.objects.bulk_create(
        ClaimDocument(claim=claim, requirement_code=c, name=names[c], received_at=at)
        for c in dict.fromkeys(codes)
        if c not in have
    )


def _create(actor: Actor, event: EventLine, external: External, taken: bool) -> Claim:
    """A ``create`` line: the application checked as a page's, then refused as one the importer
    may not make when its number or event id is held outside its scope (``taken``)."""
    data = {**event.data, "channel": application_channel(event.data)}
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
    claim.source_system, claim.external_ref = event.source_system, event.case
    claim.save(update_fields=["source_system", "external_ref", "updated_at"])
    _record_documents(claim, event.data, event.at)
    return claim


def _before(actor: Actor, claim: Claim, event: EventLine) -> None:
    _record_documents(claim, event.data, event.at)


def _lookup(kind: Any, system: str, ref: str) -> Any:
    return (
        Claim.objects.filter(source_system=system, external_ref=ref)
        .values_list("pk", flat=True)
        .first()
    )


def _check(data: Mapping[str, Any]) -> tuple[dict[str, list[str]], str] | None:
    lists = [k for k in ("items", "documents") if not isinstance(data.get(k) or [], list | str)]
    if not lists:
        return None
    return {k: [_("须为列表。")] for k in lists}, _("材料清单须为列表。")


def _stored(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return stored_refs(Claim._meta.db_table, "source_system", "external_ref", keys)


def _batch(actor: Actor, **options: Any) -> Any:
    from .bulk import ClaimBackfill

    return ClaimBackfill(actor, **options)


DOOR = EventsDoor(
    ref="claim",
    perm=HANDLE,
    audit="claims.events.import",
    lookup=_lookup,
    visible=claims_in_scope,
    check=_check,
    create=_create,
    before=_before,
    stored=_stored,
    batch=_batch,
    exists=_exists,
    unknown_action=gettext_lazy("未知的理赔动作。"),
)
register_events_door(KIND.label, DOOR)


def claim_events_import(
    *,
    actor: Actor,
    lines: Iterable[str | bytes],
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Apply core-system events one by one, each line in its own transaction (issue 5 §7): the
    kernel's events door with the claims declaration."""
    return case_events_import(kind=KIND, actor=actor, lines=lines, on_progress=on_progress)
