"""``POST /api/v1/claims/events/import``: events of claims worked in the core system (issue 5 §7)."""

import hashlib
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema

from hiqc.core.access import require
from hiqc.core.collection import Channel
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS
from hiqc.core.textfiles import HEAD_BYTES, UnreadableText, text_decode, text_encoding

from ..workflow import HANDLE
from . import claim_events_import
from .collection import events_collected

router = Router(tags=["claims"])

TYPES = ("application/x-ndjson", "application/jsonl")


class RejectedEventOut(Schema):
    line: int
    claim: str = ""
    action: str = ""
    state: str = ""
    allowed_actions: list[str] = []
    problem: str
    fields: dict[str, list[str]] = {}


class ClaimEventsImportOut(Schema):
    applied: int
    duplicate: int
    rejected: list[RejectedEventOut]
    rejected_total: int


@router.post(
    "/claims/events/import",
    response={200: ClaimEventsImportOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
def import_claim_events(request: HiqcRequest) -> Any:
    """Events of claims worked in the core claims system, one JSON object a line
    (`application/x-ndjson`): `{"source_system", "external_id", "claim", "action", "at", "data"}`
    — `claim` is the core system's claim number, `action` is `create` or a claims workflow
    action, `at` an ISO 8601 time with offset. Each line is applied through the same rules as the
    claims pages, with its own time, in its own transaction. Idempotent by (source_system,
    external_id): re-sent events count as `duplicate`. Impossible or out-of-order events are
    listed in `rejected` with their line, the claim, the event and the claim's state (the first
    1,000; `rejected_total` counts all) while the other lines apply. Needs `claims.handle`.
    Nothing outside the caller's scope is told: another branch's claim, claim number, event id or
    policy is answered exactly as a missing one (a `create` whose number or event id is taken
    elsewhere is refused like one under a unit the caller may not use). A run that applied
    anything is recorded as a collection (source, SHA-256 of the body, rows; standard 6.1.2)."""
    require(request.actor, HANDLE)
    if (request.content_type or "") not in TYPES:
        raise ValidationFailed(
            _("请求体须为 application/x-ndjson（每行一个 JSON 事件）。"),
            fields={"content_type": [request.content_type or "—"]},
        )
    report = claim_events_import(actor=request.actor, lines=_lines(request.body))
    events_collected(actor=request.actor, report=report, channel=Channel.API,
                     file_sha256=hashlib.sha256(request.body).hexdigest())  # fmt: skip
    return report.as_dict()


def _lines(body: bytes) -> list[str] | list[bytes]:
    """JSON lines in UTF-8 as sent; UTF-16 / UTF-32 with a BOM decoded first (split as bytes,
    every line of them would be "not JSON"); a body that is no text at all (UTF-16 without a BOM,
    a workbook) is refused as a whole, saying so (issue 14 §7)."""
    try:
        encoding = text_encoding(body[:HEAD_BYTES])
    except UnreadableText as exc:
        raise ValidationFailed(str(exc), fields={"body": [str(exc)]}) from exc
    if encoding.startswith(("utf-16", "utf-32")):
        return text_decode(body).splitlines()
    return body.splitlines()
