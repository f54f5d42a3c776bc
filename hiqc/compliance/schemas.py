"""Compliance API schemas (issue 20 §7): the contract, never the models themselves."""

from datetime import date, datetime
from uuid import UUID

from ninja import Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut


class LawOut(Schema):
    id: UUID
    code: str
    name: str
    issuer: str
    citation: str
    effective_on: date | None
    source: str
    confidence: str


class ControlBriefOut(Schema):
    id: UUID
    code: str
    name: str
    kind: str


class ObligationOut(Schema):
    id: UUID
    code: str
    article: str
    text: str
    rule_id: str
    domain: str
    clauses: str
    law: LawOut


class ObligationDetailOut(ObligationOut):
    controls: list[ControlBriefOut]


class ControlOut(Schema):
    id: UUID
    code: str
    name: str
    description: str
    kind: str
    owner_role: str
    unit_path: str
    frequency: str
    check_code: str
    finding_kinds: list[str]
    active: bool
    obligation_id: UUID
    obligation_code: str


class PeriodFigureOut(Schema):
    period: date
    population: int
    failures: int
    effectiveness: float | None


class ControlDetailOut(ControlOut):
    formula: str
    effectiveness_by_period: list[PeriodFigureOut]


class ControlResultOut(Schema):
    id: UUID
    control_id: UUID
    org_unit_id: UUID
    org_unit_name: str
    period_start: date
    population: int
    failures: int
    effectiveness: float | None
    status: str
    failing_refs: list[str]
    run_at: datetime
    run_by: str


class ControlRunIn(Schema):
    period: str  # "YYYY-MM"


class AttestationOut(Schema):
    id: UUID
    control_id: UUID
    org_unit_id: UUID
    period_start: date
    statement: str
    effective: bool
    attested_by: str
    attested_at: datetime
    content_type: str
    size: int
    sha256: str


class RegulatoryChangeIn(Schema):
    law: str  # the law's code in the register
    title: str
    effective_on: str  # YYYY-MM-DD
    summary: str


class RegulatoryChangeOut(Schema):
    id: UUID
    law_code: str
    title: str
    effective_on: date
    summary: str
    recorded_by: str
    assessment_id: UUID | None


class AssessmentOut(Schema):
    id: UUID
    number: str
    change_id: UUID
    status: str
    opened_at: datetime
    analysis: str
    outcome: str
    links: list[dict[str, str]]
    closed_at: datetime | None


class AssessmentCaseOut(Schema):
    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    assessment: AssessmentOut
