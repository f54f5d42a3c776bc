"""The policies API contract (issue 5 §1): products with checklists, policies with masked persons."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema

from hiqc.core.schemas import IsoDate
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
    """The version in force today (None before the first is published), found once per product
    for the four fields that read it."""
    from .selectors import version_in_force

    if not hasattr(product, "_in_force_today"):
        product._in_force_today = version_in_force(product, timezone.localdate())
    return product._in_force_today


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


class CoverageIO(Schema):
    code: str = Field("", max_length=40)
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)


MONEY = r"^\d{1,10}(\.\d{1,2})?$"  # yuan as a decimal string, at most 2 decimals


class HealthServiceIn(Schema):
    name: str = Field(..., max_length=100)
    cost_yuan: str = Field(..., pattern=MONEY, description='annual cost in yuan, e.g. "12.00"')


class HealthServiceOut(Schema):
    name: str
    cost_yuan: str


class ChecklistIn(Schema):
    claim_type: str = Field(..., max_length=30)
    documents: list[ChecklistDocumentOut] = Field(..., max_length=100)


class TermsIn(Schema):
    """A version's terms; a field left out (or null) is left as it is (a new draft copies the
    latest published version's terms, a first version starts from the defaults) — except
    `net_premium_yuan`, which null clears. `checklists` replaces the checklist of each claim type
    it names."""

    coverage: list[CoverageIO] | None = Field(None, max_length=100)
    sum_insured_options: list[Annotated[int, Field(ge=1, le=10**12)]] | None = Field(
        None, max_length=50
    )
    term_years: int | None = None
    premium_basis: str | None = Field(None, max_length=20)
    net_premium_yuan: str | None = Field(
        None, pattern=MONEY, description='reference annual net premium in yuan, e.g. "240.00"'
    )
    waiting_period_days: int | None = None
    renewal: str | None = Field(None, max_length=20)
    health_services: list[HealthServiceIn] | None = Field(None, max_length=50)
    claim_types: list[str] | None = Field(None, max_length=10)
    change_summary: str | None = Field(None, max_length=4000)
    checklists: list[ChecklistIn] | None = Field(None, max_length=10)


class ProductCreateIn(TermsIn):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    line: str = Field(..., max_length=30)
    description: str = Field("", max_length=4000)
    effective_from: IsoDate | None = None


class ProductUpdateIn(Schema):
    """What may change on a product; only the fields sent change."""

    name: str | None = Field(None, max_length=100)
    line: str | None = Field(None, max_length=30)
    description: str | None = Field(None, max_length=4000)
    active: bool | None = None


class VersionDraftIn(TermsIn):
    based_on: int | None = None
    effective_from: IsoDate | None = None


class PublishIn(Schema):
    effective_from: IsoDate


class VersionOut(Schema):
    """One version of a product: its state (draft / scheduled / in_force / superseded), its
    terms, its checklists and, for a draft, what still stops it from being published."""

    number: int
    state: str
    state_label: str
    effective_from: date | None
    published_at: datetime | None
    published_by: str
    change_summary: str
    coverage: list[CoverageIO]
    sum_insured_options: list[int]
    term_years: int
    premium_basis: str
    net_premium_yuan: Decimal | None
    waiting_period_days: int
    renewal: str
    health_services: list[HealthServiceOut]
    health_service_cost_yuan: Decimal
    health_service_share: Decimal | None
    claim_types: list[str]
    checklists: list[ChecklistOut]
    problems: dict[str, list[str]]


class ProductDetailOut(ProductOut):
    """A product with every version, oldest first."""

    description: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj) -> list[dict]:
        from .selectors import product_versions, version_view

        versions = product_versions(obj)
        today = timezone.localdate()
        return [version_view(v, versions, today) for v in versions]


class VersionChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str
    added: list[str]
    removed: list[str]
    changed: list[str]


class VersionComparisonOut(Schema):
    base: int
    other: int
    changes: list[VersionChangeOut]


class CatalogueRejectedRowOut(Schema):
    line: int
    field: str
    problem: str


class CatalogueImportOut(Schema):
    rows_read: int
    products_created: int
    versions_created: int
    versions_updated: int
    versions_published: int
    unchanged: int
    rejected_total: int
    rejected: list[CatalogueRejectedRowOut]
    rejected_more: int


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
