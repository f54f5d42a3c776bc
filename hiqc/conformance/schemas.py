"""Conformance API schemas (issue 22 §6; ADR 0034): the contract, never the models themselves.
Names carry the domain (``Conformance…``): OpenAPI component names are unique across apps."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut

PERIOD = r"^((20[0-9]{2}|2100)-(Q[1-4]|0[1-9]|1[0-2]))?$"


class ConformanceRuleOut(Schema):
    code: str
    kind: str  # record | indicator | control | check
    name: str
    description: str


class ConformanceClauseOut(Schema):
    code: str
    parent: str | None
    chapter: int
    level: int
    heading: str
    text: str
    asks: str
    capability: str
    capability_from: str
    evidence_kinds: list[str]
    known_by_heading_only: bool
    rules: list[ConformanceRuleOut]  # declared on this clause itself
    rules_from: str  # the clause whose rules apply ("" none): itself or the nearest above
    not_applicable_reason: str
    pending: bool  # evidence rule still to come


class ConformanceEvidenceOut(Schema):
    rule: str
    kind: str
    status: str
    records: int
    failing: int
    url: str
    note: str


class ConformanceClauseStatusOut(Schema):
    code: str
    status: str  # conforming | partly | not_conforming | not_applicable | not_yet_assessable
    records: int  # Σ records behind the clause's own rules
    failing: int
    rules_from: str
    reason: str
    evidence: list[ConformanceEvidenceOut]


class ConformanceStatusOut(Schema):
    org_unit_id: UUID
    org_unit_name: str
    period: str
    period_start: date
    period_end: date  # exclusive
    summary: dict[str, int]  # leaf clauses per status
    clauses: list[ConformanceClauseStatusOut]


class ConformanceStatusQuery(Schema):
    org_unit: UUID | None = None  # default: the caller's first unit
    period: str = Field(
        "", pattern=PERIOD, description="YYYY-Qn or YYYY-MM; default the last complete quarter"
    )


# --- self-assessment rounds (issue 22 §3; ADR 0035): names carry "Round" ----------------------------


class RoundAssessmentIn(Schema):
    org_unit: str = ""  # head office or a province in the caller's conformance.assess scope
    period: str = ""  # a quarter YYYY-Qn (checked by the service: 422 naming the field)


class RoundAssessmentOut(Schema):
    id: UUID
    number: str
    org_unit_id: UUID
    org_unit_name: str
    period: str
    period_start: date
    period_end: date  # exclusive
    status: str
    opened_at: datetime
    opened_by: str
    computed_at: datetime
    submitted_at: datetime | None
    submitted_by: str
    signed_off_at: datetime | None
    signed_off_by: str
    summary: str


class RoundEvidenceOut(Schema):
    rule: str
    kind: str
    status: str
    records: int
    failing: int
    note: str
    url: str


class RoundClauseOut(Schema):
    code: str
    parent: str | None
    title: str
    auto_status: str
    records: int
    failing: int
    evidence: list[RoundEvidenceOut]
    judgement: str
    final_status: str  # the worst of its judgement and its sub-clauses' final statuses
    reason: str
    note: str
    judged_by: str
    judged_at: datetime | None
    nonconformity_id: UUID | None


class RoundClauseJudgeIn(Schema):
    judgement: str = ""  # an evidence status; empty: the automatic status
    reason: str = ""  # required when the judgement differs from the automatic status
    note: str = ""


class RoundCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    round: RoundAssessmentOut
    summary: dict[str, int]  # leaf clauses per judged status
    clauses: list[RoundClauseOut]
