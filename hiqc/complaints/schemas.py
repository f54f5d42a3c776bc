"""Complaint API shapes. Free text is returned only on the single-complaint read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut, IsoDate, IsoDatetime
from hiqc.customers.enums import Channel

from .enums import DisputeType, Nature, ProductLine, RespondentKind, Source


class ComplainantIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    mobile: str = Field("", max_length=20)
    id_number: str = Field("", max_length=30)


class ComplaintIn(Schema):
    org_unit_id: UUID
    customer_id: UUID | None = None
    new_complainant: ComplainantIn | None = None
    channel: Channel
    source: Source = Source.DIRECT
    forwarded_on: IsoDate | None = None
    forwarding_ref: str = Field("", max_length=60)
    received_at: IsoDatetime | None = None
    respondent_kind: RespondentKind
    respondent_unit_id: UUID | None = None
    respondent_user_id: UUID | None = None
    respondent_name: str = Field("", max_length=100)
    involved_user_ids: list[UUID] = Field(default_factory=list, max_length=50)
    request: str = Field(..., min_length=1, max_length=5000, pattern=r"\S")
    facts: str = Field(..., min_length=1, max_length=5000, pattern=r"\S")
    policy_ref: str = Field("", max_length=40)
    claim_ref: str = Field("", max_length=40)
    recording_ref: str = Field("", max_length=100)
    dispute_type: DisputeType
    product_line: ProductLine
    nature: Nature


class ComplaintRow(Schema):
    id: UUID
    reference: str
    status: str
    version: int
    org_unit_id: UUID
    complainant_id: UUID
    complainant_name: str
    channel: str
    source: str
    received_at: datetime
    dispute_type: str
    product_line: str
    nature: str
    assignee_id: UUID | None
    repeat_of_id: UUID | None
    outcome: str
    decided_at: datetime | None

    @staticmethod
    def resolve_complainant_name(obj: Any) -> str:
        return obj["complainant_name"] if isinstance(obj, dict) else obj.complainant.name


class LetterRow(Schema):
    id: UUID
    kind: str
    title: str
    issued_by: str
    created_at: datetime


class ComplaintOut(ComplaintRow):
    status_label: str
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    letters: list[LetterRow]
    forwarded_on: date | None
    respondent_kind: str
    respondent_name: str
    request: str
    facts: str
    policy_ref: str
    claim_ref: str
    recording_ref: str
    root_cause: str
    facts_found: str
    basis: str
    decision_text: str
    review_opinion: str
    merged_into_id: UUID | None
    retain_until: date | None


class ComplaintLetterOut(LetterRow):
    complaint_id: UUID
    body: str


class RootCauseOut(Schema):
    code: str
    name: str
    parent_code: str | None
    active: bool
