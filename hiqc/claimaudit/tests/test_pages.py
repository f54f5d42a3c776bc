"""Claims-audit pages: create a round, review blind through the form, see the results with
intervals and 样本不足 (issue 5 §8)."""

from __future__ import annotations

import pytest
from django.test import Client

from hiqc.claimaudit.models import AuditItem, AuditRound
from hiqc.core.models import Finding

from .factories import decided_claims

pytestmark = pytest.mark.django_db


def _client(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def _reviewer_with_a_round(personas, org):
    """A reviewer's client and a simple round drawn on the page from 5 decided claims."""
    decided_claims(org["C1"], 5)
    client = _client(personas, "reviewer")
    client.post("/claim-audits/", {"name": "抽检", "org_unit_id": str(org["HO"].pk),
                                   "period_start": "2026-03-01", "period_end": "2026-03-31",
                                   "method": "simple", "confidence": "95", "margin": "0.05"})  # fmt: skip
    return client, AuditRound.objects.get()


def test_a_round_is_created_on_the_page_and_bad_settings_come_back_by_field(personas, org):
    decided_claims(org["C1"], 30)
    client = _client(personas, "quality_lead")
    form = {"name": "三月抽检", "org_unit_id": str(org["HO"].pk), "period_start": "2026-03-01",
            "period_end": "2026-03-31", "method": "stratified", "confidence": "95",
            "margin": "0.1", "bands": "3000，10000", "seed": "9"}  # fmt: skip
    bad = client.post("/claim-audits/", {**form, "margin": "0.5"})
    assert bad.status_code == 422 and "0.01 至 0.20" in bad.content.decode()
    ok = client.post("/claim-audits/", form)
    r = AuditRound.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/claim-audits/{r.pk}/"
    assert (r.method, r.bands, r.seed, r.population) == ("stratified", ["3000", "10000"], 9, 30)
    html = client.get(ok["Location"]).content.decode()
    assert 'id="strata"' in html and "0–3,000" in html


def test_the_review_form_flow_ends_in_a_finding_and_results_show_sample_too_small(personas, org):
    client, r = _reviewer_with_a_round(personas, org)
    nxt = client.get(f"/claim-audits/{r.pk}/next/")
    item = AuditItem.objects.get(pk=nxt["Location"].split("/")[-2])
    assert 'id="review-form"' in client.get(nxt["Location"]).content.decode()
    bad = client.post(f"/claim-audits/items/{item.pk}/review/", {"outcome": "partial",
                                                                  "amount": "10"})  # fmt: skip
    assert bad.status_code == 422 and 'id="review-form"' in bad.content.decode()
    client.post(f"/claim-audits/items/{item.pk}/review/", {"outcome": "refuse",
                                                           "reason_code": "exclusion"})  # fmt: skip
    page = client.get(f"/claim-audits/items/{item.pk}/").content.decode()
    assert 'id="original-outcome"' in page and "超赔" in page
    done = client.post(f"/claim-audits/items/{item.pk}/errors/", {"error_types": ["over_payment"]})
    assert done.status_code == 302 and done["Location"] == f"/claim-audits/{r.pk}/next/"
    assert Finding.objects.filter(kind="claims.audit_error", case_id=str(item.claim_id)).exists()
    html = client.get(f"/claim-audits/{r.pk}/").content.decode()
    assert "样本不足" in html and "100.0%" in html  # 1 error in 1 review, group below 10


def test_a_bad_item_filter_is_shown_at_its_field_not_ignored(personas, org):
    # Given a round with its sample drawn
    client, r = _reviewer_with_a_round(personas, org)
    number = AuditItem.objects.filter(round=r).select_related("claim")[0].claim.number
    # When its items are filtered by a status that does not exist
    html = client.get(f"/claim-audits/{r.pk}/?status=bogus").content.decode()
    # Then the status is refused beside its field, and only it is left out: the items still list
    assert '<span class="error">' in html.split('name="status"')[1].split("</label>")[0]
    assert number in html.split('id="item-table"')[1]
