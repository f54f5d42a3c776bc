"""Inspection API shapes (the contract; never the models themselves)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class SampleIn(Schema):
    org_unit_id: UUID
    period_start: date
    period_end: date
    per_agent: int = Field(..., ge=1, le=50)
    seed: int | None = Field(None, ge=0, lt=2**62)
    kinds: list[str] = Field(default_factory=list, max_length=3)


class SampleOut(Schema):
    id: UUID
    org_unit_id: UUID
    period_start: date
    period_end: date
    per_agent: int
    seed: int
    kinds: list[str]
    counts: dict


class TaskOut(Schema):
    id: UUID
    kind: str
    object_id: str
    label: str
    agent_id: UUID
    agent_username: str = Field(..., alias="agent.username")
    org_unit_id: UUID
    occurred_at: datetime
    reasons: list[str]
    status: str
    status_label: str = Field("", alias="get_status_display")
    version: int
    sample_id: UUID | None


class LineIn(Schema):
    item_id: UUID
    points: int = Field(0, ge=0, le=100)
    fatal_hit: bool = False
    comment: str = Field("", max_length=500)


class ScoreIn(Schema):
    lines: list[LineIn] = Field(..., max_length=100)
    comment: str = Field("", max_length=2000)
    sheet_id: UUID | None = None
    version: int | None = Field(None, ge=1, description="the task version seen; stale → 409")


class LineOut(Schema):
    item_id: UUID
    revision: int
    points: int
    fatal_hit: bool
    comment: str


class ScoreOut(Schema):
    id: UUID
    task_id: UUID
    sheet_id: UUID
    sheet_code: str
    sheet_version: int
    agent_id: UUID
    scorer_id: UUID | None
    scored_at: datetime
    total: Decimal
    fatal: bool
    final_total: Decimal
    final_fatal: bool
    status: str
    status_label: str
    version: int
    allowed_actions: list[str] = Field(
        ...,
        description="what the caller may do on the score now: dispute (the scored agent, while "
        "the window runs) — POST /inspection/scores/{id}/dispute; uphold / amend (an inspector, "
        "once disputed) — taken with the dispute, POST /inspection/disputes/{id}/decide",
    )
    dispute_until: datetime
    lines: list[LineOut]


class DisputeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    version: int | None = Field(None, ge=1, description="the score version seen; stale → 409")


class DecideIn(Schema):
    decision: str = Field(..., max_length=10)
    note: str = Field(..., max_length=2000)
    lines: list[LineIn] = Field(default_factory=list, max_length=100)
    version: int | None = Field(None, ge=1, description="the dispute version seen; stale → 409")


class DisputeOut(Schema):
    id: UUID
    score_id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    raised_at: datetime
    decided_at: datetime | None
    previous_total: Decimal | None
    final_total: Decimal
    final_fatal: bool


class SheetItemOut(Schema):
    id: UUID
    position: int
    category: str
    text: str
    points: int
    fatal: bool


class SheetOut(Schema):
    id: UUID
    code: str
    version: int
    name: str
    kinds: list[str]
    active: bool
    items: list[SheetItemOut]
