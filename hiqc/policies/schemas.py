"""The policies API contract (issue 5 §1): products with checklists, policies with masked persons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from ninja import Schema

from hiqc.customers.masking import masked

from .enums import ClaimType, PolicyStatus


class ChecklistDocumentOut(Schema):
    code: str
    name: str
    required: bool


class ChecklistOut(Schema):
    claim_type: str
    claim_type_label: str
    documents: list[ChecklistDocumentOut]


def _current(product):
    """The version in force today (None before the first is published)."""
    from .selectors import version_in_force

    return version_in_force(product, timezone.localdate())


class ProductOut(Schema):
    """A product with the terms of its version in force today (``version``: its number)."""

    id: UUID
    code: str
    name: str
    line: str
    line_label: str
    active: bool
    version: int | None
    term_years: int | None
    claim_types: list[str]
    checklists: list[ChecklistOut]

    @staticmethod
    def resolve_line_label(obj) -> str:
        return str(obj.get_line_display())

    @staticmethod
    def resolve_version(obj) -> int | None:
        v = _current(obj)
        return v.number if v else None

    @staticmethod
    def resolve_term_years(obj) -> int | None:
        v = _current(obj)
        return v.term_years if v else None

    @staticmethod
    def resolve_claim_types(obj) -> list[str]:
        v = _current(obj)
        return list(v.claim_types or []) if v else []

    @staticmethod
    def resolve_checklists(obj) -> list[dict]:
        v = _current(obj)
        if v is None:
            return []
        labels = dict(ClaimType.choices)
        by_type: dict[str, list[dict]] = {t: [] for t in v.claim_types or []}
        for d in sorted(v.documents.all(), key=lambda d: (d.claim_type, d.position, d.code)):
            by_type.setdefault(d.claim_type, []).append(
                {"code": d.code, "name": d.name, "required": d.required}
            )
        return [
            {"claim_type": t, "claim_type_label": str(labels.get(t, t)), "documents": docs}
            for t, docs in by_type.items()
        ]


class ProductRefOut(Schema):
    id: UUID
    code: str
    name: str
    line: str


class UnitRefOut(Schema):
    id: UUID
    code: str
    name: str


class PersonOut(Schema):
    """A customer on a policy. The ID number is masked; reveal it through the customer API."""

    customer_id: UUID
    name: str
    id_number_masked: str
    relation: str


class PolicyOut(Schema):
    id: UUID
    number: str
    product: ProductRefOut
    org_unit: UnitRefOut
    holder: PersonOut
    insured: list[PersonOut]
    start_date: date
    end_date: date
    premium_yuan: Decimal
    status: str
    status_label: str

    @staticmethod
    def resolve_holder(obj) -> dict:
        return {
            "customer_id": obj.holder_id,
            "name": obj.holder.name,
            "id_number_masked": masked("id_number", obj.holder.id_number),
            "relation": "",
        }

    @staticmethod
    def resolve_insured(obj) -> list[dict]:
        return [
            {
                "customer_id": i.customer_id,
                "name": i.customer.name,
                "id_number_masked": masked("id_number", i.customer.id_number),
                "relation": i.relation,
            }
            for i in obj.insured.all()
        ]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(dict(PolicyStatus.choices).get(obj.status, obj.status))


class PolicyRejectedRowOut(Schema):
    line: int
    field: str
    problem: str


class PolicyImportOut(Schema):
    rows_read: int
    created: int
    updated: int
    unchanged: int
    insured_added: int
    rejected_total: int
    rejected: list[PolicyRejectedRowOut]
    rejected_more: int
