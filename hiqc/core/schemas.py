from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_text_only(value: Any) -> Any:
    """Refuse numbers where a date-time is expected (pydantic would read "0.5" as a Unix time)."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_START.match(value)):
        return value
    raise ValueError(gettext("应为日期时间，格式如 2026-10-08T09:00:00+08:00。"))


def _to_utc(value: datetime) -> datetime:
    """Store-ready: a time without an offset is Beijing time; any offset is normalised to UTC
    (PostgreSQL refuses offsets beyond ±15:59 that RFC 3339 still allows)."""
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_text_only), AfterValidator(_to_utc)]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: Any) -> Any:
    """Refuse numbers where a date is expected (pydantic would read "0" as a Unix time)."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError(gettext("应为日期，格式如 2026-11-26。"))


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}
    # 409 conflicts on cases also name the current state, version and allowed actions
    state: str | None = None
    version: int | None = None
    allowed_actions: list[str] | None = None


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


class RuleChoiceOut(Schema):
    value: str
    label: str


class RuleOut(Schema):
    key: str
    label: str
    value: int | str
    value_label: str
    choices: list[RuleChoiceOut]
    default: int | str
    unit: str
    source: str
    confidence: str
    bound: str


# Every endpoint declares these error responses (body: ErrorOut). 400 = unparseable body.
# 414: the web server (gunicorn's limit_request_line, 4,094 bytes by default) refuses a request
# line (method, path and query string) over its limit before HIQC sees the request: its body is
# the server's plain text, so none is declared.
ERRORS: dict[int, type[ErrorOut] | None] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    414: None,
    422: ErrorOut,
}


class DueOut(Schema):
    due_at: datetime  # exclusive end of the period (24:00 of the last day = 00:00 of the next)
    due_date: date | None  # the period's last day, after any roll-over
    unit: str
    rolled_over_from: date | None
    warnings: list[str]


class CaseDeadlineOut(Schema):
    """One clock of a case, as every case read returns it (casework.case_representation)."""

    clock: str
    label: str
    due_at: datetime
    due_date: date | None
    state: str
    remaining_seconds: int | None
    source: str
    warnings: list[str]


class CaseEventOut(Schema):
    activity: str
    from_state: str
    to_state: str
    at: datetime
    actor: str
    source: str
    external_id: str


class CaseActionIn(Schema):
    """The body of POST /<cases>/{id}/actions/{action}."""

    version: int | None = Field(None, ge=1, le=2_000_000_000)
    data: dict[str, Any] = Field(default_factory=dict)
