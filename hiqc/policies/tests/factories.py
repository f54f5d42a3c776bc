"""Test data for the policies app: valid resident IDs, customers, a product, CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hiqc.customers.models import Customer
from hiqc.customers.services import customer_create
from hiqc.customers.validation import resident_id_check_digit
from hiqc.policies.ingest import COLUMNS
from hiqc.policies.models import DocumentRequirement, Product, ProductVersion


def resident_id(n: int, born: str = "19850312") -> str:
    first17 = f"110105{born}{n:03d}"
    return first17 + resident_id_check_digit(first17)


def person(actor, unit, name: str, n: int, born: str = "19850312") -> Customer:
    return customer_create(
        actor=actor, org_unit_id=unit.pk, data={"name": name, "id_number": resident_id(n, born)}
    )


def catalogue_product(
    *,
    code: str,
    name: str = "测试医疗险",
    line: str = "medical",
    claim_types: Iterable[str] = ("medical_reimbursement",),
    term_years: int = 1,
    documents: Iterable[tuple[str, str, bool]] = (),
    effective_from: date = date(2000, 1, 1),
) -> Any:
    """A product with version 1 published (in force since ``effective_from``) and, for every claim
    type, the checklist ``documents`` (code, name, required). ``product.v1`` is that version."""
    p = Product.objects.create(code=code, name=name, line=line)
    types = list(claim_types)
    v1 = ProductVersion.objects.create(
        product=p,
        number=1,
        claim_types=types,
        term_years=term_years,
        coverage=[{"code": t, "name": t, "description": ""} for t in types],
        net_premium_yuan=Decimal("1000.00"),
        effective_from=effective_from,
        published_at=timezone.now(),
    )
    for i, (doc, doc_name, required) in enumerate(documents):
        for claim_type in types:
            DocumentRequirement.objects.create(
                version=v1, claim_type=claim_type, code=doc, name=doc_name, required=required,
                position=i,
            )  # fmt: skip
    p.v1 = v1  # type: ignore[attr-defined]
    return p


def product(code: str = "MED-T1", claim_types: Iterable[str] = ("medical_reimbursement",)):
    return catalogue_product(
        code=code,
        claim_types=claim_types,
        documents=[("claim_form", "理赔申请书", True), ("records", "门诊病历", False)],
    )


def row(number: str = "P-1", **values: str) -> dict[str, str]:
    base = {
        "number": number,
        "product": "MED-T1",
        "org_unit": "C1",
        "holder_id_number": resident_id(1),
        "insured_id_numbers": "",
        "relation": "",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "premium_yuan": "1200.00",
        "status": "",
    }
    return {**base, **values}


def csv_bytes(rows: Iterable[Mapping[str, str]], *, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


PREMIUM = Decimal("1200.00")
