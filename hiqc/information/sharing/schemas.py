"""Sharing API contract (issue 21 §7, §8, §9): agreements, data shares on the case contract,
incoming exchanges and impact assessments. Schema names carry their domain (unique components).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class SharingColumnOut(Schema):
    code: str
    label: str
    data_class: str
    method: str


class SharingAgreementOut(Schema):
    id: UUID
    number: str
    org_unit_id: UUID
    partner_id: UUID
    partner_name: str
    partner_kind: str
    title: str
    dataset: str
    purpose: str
    legal_basis: str
    frequency: str
    effective_on: date
    expires_on: date
    sensitive: bool
    separate_consent: bool
    status: str


class SharingAgreementDetailOut(SharingAgreementOut):
    columns: list[SharingColumnOut]
    assessment_ids: list[UUID]
    status_label: str
    version: int
    allowed_actions: list[str]
    events: list[CaseEventOut]
    activated_at: datetime | None
    ended_at: datetime | None
    end_reason: str


class SharingPartnerOut(Schema):
    id: UUID
    org_unit_id: UUID
    name: str
    kind: str
    description: str


class SharingPartnerIn(Schema):
    org_unit: UUID
    name: str = Field(..., max_length=200)
    kind: str = Field(..., max_length=20)
    description: str = Field("", max_length=500)


class SharingConsentIn(Schema):
    """Data subjects' keys (the dataset's subject key, e.g. a customer's id), at most 10,000."""

    subject_keys: list[str] = Field(..., max_length=10_000)
    evidence: str = Field("", max_length=200)


class SharingConsentOut(Schema):
    added: int
    total: int


class SharingAgreementIn(Schema):
    partner: UUID
    title: str = Field(..., max_length=200)
    dataset: str = Field(..., max_length=60)
    purpose: str = Field(..., max_length=2000)
    legal_basis: str = Field(..., max_length=20)
    frequency: str = Field(..., max_length=20)
    effective_on: date
    expires_on: date
    profile: dict[str, str] = Field(default_factory=dict)


class DataShareRecordOut(Schema):
    fields: list[dict[str, Any]]
    row_count: int
    excluded_no_consent: int
    sha256: str
    recipient: str
    exported_at: datetime
    exported_by: str
    sent_at: datetime | None
    sent_by: str
    channel: str


class DataShareOut(Schema):
    id: UUID
    number: str
    status: str
    org_unit_id: UUID
    agreement_id: UUID
    agreement_number: str
    partner_name: str
    params: dict[str, Any]
    note: str
    sensitive: bool
    requested_at: datetime
    requested_by: str
    owner_approved_by: str
    compliance_approved_by: str
    reason: str


class DataShareCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    share: DataShareOut
    record: DataShareRecordOut | None


class DataShareFileOut(Schema):
    filename: str
    media_type: str
    sha256: str
    size: int
    content_base64: str


class DataShareIn(Schema):
    agreement: UUID
    params: dict[str, str] = Field(default_factory=dict)
    note: str = Field("", max_length=500)


class IncomingExchangeOut(Schema):
    id: UUID
    org_unit_id: UUID
    partner_id: UUID
    partner_name: str
    description: str
    legal_basis: str
    received_at: datetime
    row_count: int
    sha256: str
    recorded_by: str
    note: str


class IncomingExchangeIn(Schema):
    partner: UUID
    description: str = Field(..., max_length=500)
    legal_basis: str = Field(..., max_length=20)
    received_at: datetime | None = None
    row_count: int = Field(0, ge=0, le=100_000_000)
    sha256: str = Field("", max_length=64)
    note: str = Field("", max_length=500)


class PiaOut(Schema):
    id: UUID
    number: str
    org_unit_id: UUID
    target: str
    activity: str
    agreement_id: UUID | None
    title: str
    purpose_lawful: str
    rights_impact: str
    measures: str
    conclusion: str
    assessed_at: datetime
    assessed_by: str
    reviewed_on: date | None
    retain_until: date


class PiaIn(Schema):
    target: str = Field(..., max_length=20)
    org_unit: UUID | None = None
    activity: str = Field("", max_length=100)
    agreement: UUID | None = None
    title: str = Field(..., max_length=200)
    purpose_lawful: str = Field(..., max_length=4000)
    rights_impact: str = Field(..., max_length=4000)
    measures: str = Field(..., max_length=4000)
    conclusion: str = Field(..., max_length=20)
