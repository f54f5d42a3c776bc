from __future__ import annotations

from datetime import date as Date
from typing import Literal
from uuid import UUID

from ninja import Schema

from hiqc.core.schemas import IsoDate


class CallRejectedRowOut(Schema):
    line: int
    field: str
    problem: str


class CallImportOut(Schema):
    import_id: UUID | None
    rows_read: int
    inserted: int
    duplicates: int
    rejected_total: int
    rejected: list[CallRejectedRowOut]
    rejected_more: int


class ForecastQuery(Schema):
    queue: Literal["", "consultation", "complaint", "claims", "other"] = ""
    org_unit: UUID | None = None
    date: IsoDate | None = None


class ForecastIntervalOut(Schema):
    start: str  # HH:MM, Beijing time
    calls: float
    aht_s: float | None
    agents_needed: int | None
    agents_scheduled: int | None
    service_level: float | None
    asa_s: float | None
    occupancy: float | None


class ForecastOut(Schema):
    queue: str
    org_unit_path: str
    date: Date
    history_days: list[Date]
    aht_s: float | None
    target: float
    threshold_s: int
    shrinkage: float
    total_calls: float
    peak_agents: int
    agent_hours: float
    intervals: list[ForecastIntervalOut]
