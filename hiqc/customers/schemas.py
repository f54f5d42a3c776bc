from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from hiqc.core.collection import describe

from .enums import RevealableField
from .masking import masked


class CustomerSourceOut(Schema):
    """Where the customer's data last came from and on which PIPL art. 13 ground (6.1.2)."""

    kind: str
    channel: str
    source_system: str
    file_name: str
    file_sha256: str
    basis: str
    actor_name: str
    collected_at: datetime
    rows: int


class CustomerOut(Schema):
    """Personal fields are masked; use the reveal endpoint, with a purpose, for clear values."""

    id: UUID
    org_unit_id: UUID
    name: str
    id_type: str
    id_number_masked: str
    birth_date: date | None
    gender: str
    mobile_masked: str
    email_masked: str
    address_masked: str
    bank_account_masked: str
    kinds: list[str]
    created_at: datetime
    updated_at: datetime
    source: CustomerSourceOut | None = None
    anonymised_at: datetime | None = None

    @staticmethod
    def resolve_source(obj) -> dict | None:
        return describe(obj.collection)

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return masked("id_number", obj.id_number)

    @staticmethod
    def resolve_mobile_masked(obj) -> str:
        return masked("mobile", obj.mobile)

    @staticmethod
    def resolve_email_masked(obj) -> str:
        return masked("email", obj.email)

    @staticmethod
    def resolve_address_masked(obj) -> str:
        return masked("address", obj.address)

    @staticmethod
    def resolve_bank_account_masked(obj) -> str:
        return masked("bank_account", obj.bank_account)


class CustomerIn(Schema):
    org_unit_id: UUID
    name: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    id_type: str = "resident_id"
    id_number: str = Field("", max_length=30)
    birth_date: date | None = None
    gender: str = "U"
    mobile: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    bank_account: str = Field("", max_length=40)
    kinds: list[str] = []
    collection_basis: str = Field(
        "contract", description="PIPL art. 13 ground of the collection (personaldata.Basis)"
    )
    source_system: str = Field("", max_length=100, description="system the data came from")


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=100)
    id_type: str | None = None
    id_number: str | None = Field(None, max_length=30)
    birth_date: date | None = None
    gender: str | None = None
    mobile: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)
    bank_account: str | None = Field(None, max_length=40)
    kinds: list[str] | None = None
    collection_basis: str | None = Field(
        None, description="PIPL art. 13 ground of the collection (default contract)"
    )


class RevealIn(Schema):
    field: RevealableField
    purpose: str = Field(
        ...,
        max_length=200,
        pattern=r"(\S\s*){4}",
        description="why (at least 4 non-blank characters)",
    )


class RevealOut(Schema):
    field: str
    value: str


class RevealRecordOut(Schema):
    id: UUID
    customer_id: UUID
    field: str
    purpose: str
    actor_id: UUID | None
    actor_name: str
    created_at: datetime


class CustomerDataQualityOut(Schema):
    """One unit's customer-data quality (6.1.1): counts and rates (percent) per problem."""

    org_unit_id: UUID
    org_unit_name: str
    customers: int
    with_problem: int
    clean_rate: float
    missing_id_number: int
    missing_mobile: int
    missing_birth_date: int
    missing_address: int
    invalid_id_number: int
    invalid_mobile: int
    stale: int
    rates: dict[str, float]
    as_of: date  # the day of the nightly tally the figures come from
