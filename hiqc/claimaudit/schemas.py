"""Claims-audit API shapes. An item's original decision is present only once the reviewer has
given their own (blind re-adjudication); health data is never part of these shapes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import IsoDate

MONEY = r"^(\d{1,12}(\.\d{1,2})?)?$"  # yuan, at most 2 decimals, or empty for a refusal


class RoundIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    org_unit_id: UUID
    period_start: IsoDate
    period_end: IsoDate
    method: Literal["simple", "stratified"] = "simple"
    confidence: Literal[90, 95, 99] = 95
    margin: float = Field(0.05, ge=0.01, le=0.2, description="± margin of error, a fraction")
    expected_rate: float | None = Field(None, ge=0.01, le=0.5, description="p; null = 0.5")
    bands: list[int] = Field(
        default_factory=list,
        max_length=8,
        description="stratified only: increasing amount limits in yuan; [] = 3000, 10000, 50000",
    )
    seed: int | None = Field(None, ge=0, lt=2**62)


class StratumOut(Schema):
    index: int
    label: str
    population: int
    sample: int


class RoundOut(Schema):
    id: UUID
    name: str
    org_unit_id: UUID
    period_start: date
    period_end: date
    method: str
    confidence: int
    margin: Decimal
    expected_rate: Decimal | None
    bands: list[str]
    population: int
    sample_size: int
    strata: list[StratumOut]
    seed: int
    status: str
    status_label: str
    version: int
    allowed_actions: list[str] | None = Field(
        None, description="the actions the caller may take on the round now (complete)"
    )
    created_by: str
    created_at: datetime
    completed_at: datetime | None


class RateOut(Schema):
    label: str
    n: int
    errors: int
    rate: float | None
    low: float | None = Field(None, description="Wilson 95 % interval, lower bound")
    high: float | None = Field(None, description="Wilson 95 % interval, upper bound")
    enough: bool = Field(..., description="false: too few reviews for a rate (样本不足)")


class ErrorCountOut(Schema):
    label: str
    count: int


class AuditResultsOut(Schema):
    round: RoundOut
    sample_size: int
    done: int
    compared: int
    pending: int
    overall: RateOut
    by_type: list[ErrorCountOut]
    by_stratum: list[RateOut]
    by_branch: list[RateOut]
    by_handler: list[RateOut]
    amount_error: float | None
    amount_diff: Decimal
    min_group_n: int


class DecisionOut(Schema):
    outcome: str
    amount: Decimal | None
    reason_code: str


class AuditItemOut(Schema):
    id: UUID
    round_id: UUID
    claim_id: UUID
    claim_number: str
    claim_type: str
    amount_claimed: Decimal
    incident_date: date
    org_unit_id: UUID
    stratum: int
    status: str
    status_label: str
    version: int
    allowed_actions: list[str] = Field(
        default_factory=list,
        description="the actions the caller may take on the item now (readjudicate, record_errors)",
    )
    review: DecisionOut | None = None
    original: DecisionOut | None = Field(
        None, description="the original decision: only after the reviewer's own is submitted"
    )
    suggested_errors: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


class ReviewIn(Schema):
    outcome: Literal["approve", "partial", "refuse"]
    amount: str = Field(
        "", pattern=MONEY, description="yuan as a decimal string; required unless refused"
    )
    reason_code: str = Field("", max_length=30)
    note: str = Field("", max_length=500)
    version: int | None = Field(None, description="the item's version you saw: 409 when stale")


class ErrorsIn(Schema):
    error_types: list[
        Literal["wrong_refusal", "missed_payment", "over_payment", "wrong_amount", "procedure"]
    ] = Field(default_factory=list, max_length=5)
    version: int | None = Field(None, description="the item's version you saw: 409 when stale")
