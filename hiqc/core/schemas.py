from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Schema
from pydantic import BeforeValidator

_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_text_only(value: Any) -> Any:
    """Refuse numbers where a date-time is expected (pydantic would read "0.5" as a Unix time)."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_START.match(value)):
        return value
    raise ValueError("expected an ISO 8601 date-time such as 2026-10-08T09:00:00+08:00")


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_text_only)]


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor_id: UUID | None
    actor_name: str
    action: str
    subject_type: str
    subject_id: str
    org_path: str
    fields: list[str]
    data: dict[str, Any]
    request_id: str
    ip: str
    hash: str


class RuleOut(Schema):
    key: str
    label: str
    value: int
    default: int
    unit: str
    source: str
    confidence: str
    bound: str


# Every endpoint declares these error responses (body: ErrorOut). 400 = unparseable body.
ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
