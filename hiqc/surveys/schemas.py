"""API shapes of the survey app (issue 6 §6)."""

from datetime import date
from uuid import UUID

from ninja import Schema


class SurveyPlanOut(Schema):
    id: UUID
    name: str
    goal: str
    org_unit_id: UUID
    frame: str
    method: str
    frequency: str
    status: str
    start_date: date
    end_date: date | None
    sample_size: int
    sampling_percent: int
    delay_days: int
    fatigue_days: int
    invited: int
    answered: int


class ShareOut(Schema):
    numerator: int
    denominator: int
    value: float | None
    low: float | None
    high: float | None


class NpsOut(Schema):
    promoters: int
    passives: int
    detractors: int
    value: float | None
    low: float | None
    high: float | None


class CellOut(Schema):
    key: str
    name: str
    invited: int
    answered: int
    suppressed: bool
    csat: ShareOut | None
    nps: NpsOut | None


class QuestionOut(Schema):
    code: str
    text: str
    kind: str
    n: int
    mean: float | None
    low: float | None
    high: float | None


class SurveyResultsOut(Schema):
    plan_id: UUID
    invited: int
    answered: int
    response_rate: ShareOut
    csat: ShareOut
    nps: NpsOut
    questions: list[QuestionOut]
    breakdowns: dict[str, list[CellOut]]
    min_cell: int
