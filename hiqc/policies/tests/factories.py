"""Test data for the policies app: valid resident IDs, customers, a product, CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

from hiqc.customers.models import Customer
from hiqc.customers.services import customer_create
from hiqc.customers.validation import resident_id_check_digit
from hiqc.policies.ingest import COLUMNS
from hiqc.policies.models import DocumentRequirement, Product


def resident_id(n: int, born: str = "19850312") -> str:
    first17 = f"110105{born}{n:03d}"
    return first17 + resident_id_check_digit(first17)


def person(actor, unit, name: str, n: int, born: str = "19850312") -> Customer:
    return customer_create(
        actor=actor, org_unit_id=unit.pk, data={"name": name, "id_number": resident_id(n, born)}
    )


def product(code: str = "MED-T1", claim_types: Iterable[str] = ("medical_reimbursement",)):
    p = Product.objects.create(
        code=code, name="测试医疗险", line="medical", claim_types=list(claim_types), term_years=1
    )
    for i, (doc, name, required) in enumerate(
        [("claim_form", "理赔申请书", True), ("records", "门诊病历", False)]
    ):
        for claim_type in claim_types:
            DocumentRequirement.objects.create(
                product=p, claim_type=claim_type, code=doc, name=name, required=required,
                position=i,
            )  # fmt: skip
    return p


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
