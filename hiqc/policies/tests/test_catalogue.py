"""The catalogue's versions (issue 17 §1; ADR 0019): drafts, frozen published versions, the
version a policy was sold under and the checklist its claims use."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.policies import catalogue, selectors
from hiqc.policies.models import DocumentRequirement, ProductVersion
from hiqc.policies.services import policies_import

from .factories import csv_bytes, person, row

pytestmark = pytest.mark.django_db

TERMS = {
    "coverage": [{"name": "住院医疗费用"}, {"code": "OP", "name": "特殊门诊"}],
    "sum_insured_options": ["2000000", 3000000],
    "term_years": 1,
    "premium_basis": "age_banded",
    "net_premium_yuan": "240",
    "waiting_period_days": 30,
    "renewal": "non_guaranteed",
    "health_services": [{"name": "在线问诊", "cost_yuan": "12"}],
    "claim_types": ["medical_reimbursement"],
}


def published(actor, code="MED-V", *, on=date(2025, 1, 1), docs=(("form", "理赔申请书", True),)):
    product = catalogue.product_create(actor, code=code, name="百万医疗险", line="medical")
    draft = catalogue.version_draft(actor, product)
    catalogue.version_update(actor, draft, TERMS)
    catalogue.version_set_checklist(actor, draft, "medical_reimbursement", list(docs))
    return catalogue.version_publish(actor, draft, effective_from=on)


def test_a_product_manager_creates_and_publishes_a_product_version(actors):
    version = published(actors["product_manager"])
    assert version.number == 1 and version.is_published
    assert version.coverage[0] == {"code": "R1", "name": "住院医疗费用", "description": ""}
    assert version.sum_insured_options == [2_000_000, 3_000_000]
    assert version.health_service_share == Decimal("0.05")  # 12 / 240
    assert AuditEvent.objects.filter(action="products.catalogue.publish").count() == 1


def test_a_published_version_is_frozen(actors):
    pm = actors["product_manager"]
    version = published(pm)
    with pytest.raises(ValidationFailed) as err:
        catalogue.version_update(pm, version, {"term_years": 2})
    assert "version" in err.value.fields
    with pytest.raises(ValidationFailed):
        catalogue.version_set_checklist(pm, version, "medical_reimbursement", [("x", "X", True)])
    with pytest.raises(ValidationFailed):
        catalogue.version_discard(pm, version)
    version.refresh_from_db()
    assert version.term_years == 1


def test_every_bad_term_is_reported_by_field_and_nothing_is_saved(actors):
    pm = actors["product_manager"]
    product = catalogue.product_create(pm, code="MED-X", name="医疗险", line="medical")
    draft = catalogue.version_draft(pm, product)
    bad = {
        "term_years": 0,
        "net_premium_yuan": "-1",
        "claim_types": ["teleportation"],
        "health_services": [{"name": "体检"}],
        "renewal": "forever",
        "colour": "blue",
    }
    with pytest.raises(ValidationFailed) as err:
        catalogue.version_update(pm, draft, bad)
    assert set(err.value.fields) == set(bad)
    draft.refresh_from_db()
    assert draft.term_years == 1 and draft.claim_types == []


def test_an_incomplete_draft_cannot_be_published_and_says_what_is_missing(actors):
    pm = actors["product_manager"]
    product = catalogue.product_create(pm, code="MED-Y", name="医疗险", line="medical")
    draft = catalogue.version_draft(pm, product)
    catalogue.version_update(pm, draft, {"claim_types": ["medical_reimbursement"]})
    with pytest.raises(ValidationFailed) as err:
        catalogue.version_publish(pm, draft, effective_from=date(2026, 1, 1))
    assert set(err.value.fields) == {"coverage", "documents", "net_premium_yuan"}


def test_an_update_drafts_from_the_version_in_force_and_must_start_later(actors):
    pm = actors["product_manager"]
    v1 = published(pm)
    v2 = catalogue.version_draft(pm, v1.product)
    assert (v2.number, v2.claim_types, v2.net_premium_yuan) == (2, v1.claim_types, Decimal("240"))
    assert [d.code for d in v2.documents.all()] == ["form"]
    with pytest.raises(ValidationFailed):  # one draft at a time
        catalogue.version_draft(pm, v1.product)
    with pytest.raises(ValidationFailed) as err:
        catalogue.version_publish(pm, v2, effective_from=date(2025, 1, 1))
    assert "effective_from" in err.value.fields
    catalogue.version_publish(pm, v2, effective_from=date(2026, 7, 1))
    product = selectors.product_get("MED-V")
    assert product is not None
    before, after = (
        selectors.version_in_force(product, date(2026, m, d)) for m, d in ((6, 30), (7, 1))
    )
    assert before is not None and after is not None and (before.number, after.number) == (1, 2)
    versions = selectors.product_versions(product)
    assert [selectors.version_state(v, versions, date(2026, 7, 1)) for v in versions] == [
        "superseded",
        "in_force",
    ]


def test_a_policy_sold_under_v1_keeps_v1s_checklist_after_v2_is_in_force(actors, org):
    pm = actors["product_manager"]
    v1 = published(pm, docs=[("form", "理赔申请书", True)])
    v2 = catalogue.version_draft(pm, v1.product)
    catalogue.version_set_checklist(
        pm, v2, "medical_reimbursement", [("form", "理赔申请书", True), ("invoice", "发票", True)]
    )
    catalogue.version_publish(pm, v2, effective_from=date(2026, 7, 1))
    person(actors["agent"], org["C1"], "王建国", 1)
    data = csv_bytes(
        [
            row("P-OLD", product="MED-V", start_date="2026-03-01", end_date="2027-02-28"),
            row("P-NEW", product="MED-V", start_date="2026-08-01", end_date="2027-07-31"),
            row("P-EARLY", product="MED-V", start_date="2024-01-01", end_date="2024-12-31"),
        ]
    )
    report = policies_import(actor=actors["quality_lead"], source=io.BytesIO(data))
    assert report.created == 2
    assert [(r.line, r.field) for r in report.rejected] == [(4, "product")]  # before v1
    old = selectors.policy_by_number(actors["quality_lead"], "P-OLD")
    new = selectors.policy_by_number(actors["quality_lead"], "P-NEW")
    assert old is not None and new is not None
    assert (old.product_version.number, new.product_version.number) == (1, 2)
    assert [d.code for d in selectors.checklist(old.product_version, "medical_reimbursement")] == [
        "form"
    ]
    assert [d.code for d in selectors.checklist(new.product_version, "medical_reimbursement")] == [
        "form",
        "invoice",
    ]


def test_only_head_office_catalogue_maintainers_may_write(actors):
    for name in ("agent", "branch_manager", "auditor", "compliance"):
        with pytest.raises(Forbidden):
            catalogue.product_create(actors[name], code="MED-Z", name="医疗险", line="medical")


def test_a_duplicate_product_code_is_a_field_error(actors):
    pm = actors["product_manager"]
    catalogue.product_create(pm, code="MED-D", name="医疗险", line="medical")
    with pytest.raises(ValidationFailed) as err:
        catalogue.product_create(pm, code="MED-D", name="另一个", line="medical")
    assert list(err.value.fields) == ["code"]


def test_dropping_a_claim_type_drops_its_checklist_from_the_draft(actors):
    pm = actors["product_manager"]
    product = catalogue.product_create(pm, code="MED-C", name="医疗险", line="medical")
    draft = catalogue.version_draft(pm, product)
    catalogue.version_update(pm, draft, {"claim_types": ["medical_reimbursement", "hospital_cash"]})
    catalogue.version_set_checklist(pm, draft, "hospital_cash", [("adm", "住院证明", True)])
    catalogue.version_update(pm, draft, {"claim_types": ["medical_reimbursement"]})
    assert not DocumentRequirement.objects.filter(version=draft).exists()
    catalogue.version_discard(pm, draft)
    assert not ProductVersion.objects.filter(product=product).exists()
