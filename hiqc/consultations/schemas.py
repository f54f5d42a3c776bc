"""The consultation API contract (Ninja schemas; never the model itself). Customers are masked."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.schemas import CaseDeadlineOut, CaseEventOut
from hiqc.customers.enums import Channel
from hiqc.customers.masking import masked


class TopicOut(Schema):
    id: UUID
    code: str
    name: str
    is_active: bool


class CategoryOut(Schema):
    id: UUID
    code: str
    name: str
    is_active: bool
    topics: list[TopicOut]

    @staticmethod
    def resolve_topics(obj) -> list:
        return list(obj.topics.all())


class ConsultationOut(Schema):
    """A consultation in a list. The caller is masked (DESIGN rule 6)."""

    id: UUID
    number: str
    org_unit_id: UUID
    channel: str
    status: str
    version: int
    topic_id: UUID
    topic: str
    category: str
    customer_id: UUID | None
    caller_masked: str
    mobile_masked: str
    received_at: datetime
    answered_at: datetime | None
    resolved_at: datetime | None
    first_contact_resolution: bool
    call_id: str
    recording_ref: str

    @staticmethod
    def resolve_topic(obj) -> str:
        return obj.topic.name

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.topic.category.name

    @staticmethod
    def resolve_caller_masked(obj) -> str:
        name = obj.customer.name if obj.customer_id else obj.contact_name
        return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""

    @staticmethod
    def resolve_mobile_masked(obj) -> str:
        return masked("mobile", obj.customer.mobile if obj.customer_id else obj.contact_mobile)


class ConsultationCaseOut(Schema):
    """The case representation (docs/architecture.md, case API contract) plus the record."""

    id: UUID
    status: str
    status_label: str
    version: int
    allowed_actions: list[str]
    deadlines: list[CaseDeadlineOut]
    events: list[CaseEventOut]
    consultation: ConsultationOut
    question: str
    answer: str
    suggestion_id: UUID | None
    complaint_id: UUID | None


class ConsultationIn(Schema):
    org_unit_id: UUID
    channel: Channel
    topic_id: UUID
    question: str = Field(..., min_length=1, max_length=4000)
    answer: str = Field("", max_length=4000)
    resolved_now: bool = False
    customer_id: UUID | None = None
    contact_name: str = Field("", max_length=60)
    contact_mobile: str = Field("", max_length=20)
    call_id: str = Field("", max_length=64)
    recording_ref: str = Field("", max_length=255)


class ConflictOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]
    state: str | None = None
    version: int | None = None
    allowed_actions: list[str] = []
