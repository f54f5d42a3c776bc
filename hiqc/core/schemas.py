from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema


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
