"""Claim API shapes. Health data (diagnosis) is masked; ID numbers never leave."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut, IsoDate
from hiqc.policies.enums import ClaimType

from .enums import ClaimChannel

MONEY = r"^\d{1,12}(\.\d{1,2})?$"  # an amount in yuan, at most 2 decimals (> 0: the service)


class ClaimIn(Schema):
    policy_number: str = Field(..., min_length=1, max_length=40)
    claim_type: ClaimType
    insured_id: UUID | None = None
    claimant_id: UUID | None = None
    incident_date: IsoDate
    amount_claimed: str = Field(
        ..., pattern=MONEY, description='yuan as a decimal string, e.g. "8600.00"'
    )
    channel: ClaimChannel
    diagnosis_code: str = Field("", max_length=10)
    diagnosis_text: str = Field("", max_length=500)
    cover_override_reason: str = Field(
        "",
        max_length=300,
        description="accept a claim the policy may not cover (incident outside the policy "
        "period, policy not in force); needs claims.override and is recorded as a finding",
    )


class ClaimRow(Schema):
    id: UUID
    number: str
    status: str
    version: int
    policy_number: str
    claim_type: str
    amount_claimed: Decimal
    channel: str
    org_unit_id: UUID
    received_at: datetime
    small_claim: bool
    outcome: str
    amount_approved: Decimal | None
    decided_at: datetime | None

    @staticmethod
    def resolve_policy_number(obj: Any) -> str:
        return obj["policy_number"] if isinstance(obj, dict) else obj.policy.number

    # a claim waiting for the caller's blind review is listed without its decision
    @staticmethod
    def resolve_outcome(obj: Any) -> str:
        return "" if getattr(obj, "decision_withheld", False) else _get(obj, "outcome")

    @staticmethod
    def resolve_amount_approved(obj: Any) -> Decimal | None:
        return None if getattr(obj, "decision_withheld", False) else _get(obj, "amount_approved")

    @staticmethod
    def resolve_decided_at(obj: Any) -> datetime | None:
        return None if getattr(obj, "decision_withheld", False) else _get(obj, "decided_at")


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


class ClaimLetterRow(Schema):
    id: UUID
    kind: str
    title: str
    created_at: datetime


class ClaimOut(ClaimRow):
    status_label: str
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    insured_name: str
    claimant_name: str
    incident_date: date
    diagnosis_masked: str
    reason_code: str
    decided_automatically: bool
    checklist: list[dict[str, Any]]
    letters: list[ClaimLetterRow]


class AdvancePayIn(Schema):
    amount: str = Field(..., pattern=MONEY, description="yuan as a decimal string")
    channel: str = Field(..., max_length=20)
    reference: str = Field(..., min_length=1, max_length=64)


class PaymentOut(Schema):
    id: UUID
    kind: str
    amount: Decimal
    channel: str
    reference: str
    paid_at: datetime


def diagnosis_masked(claim: Any) -> str:
    from .services import diagnosis_masked as masked_diagnosis

    return masked_diagnosis(claim)
