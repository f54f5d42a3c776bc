"""The blind re-adjudication stays blind: while a reviewer still has to review a sampled claim, the
claim's own page, API read, actions and letters are refused to them (standard 5.1.2(3))."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hiqc.claimaudit import services
from hiqc.claimaudit.models import AuditItem
from hiqc.claims.models import ClaimLetter

from .factories import decided_claims

pytestmark = pytest.mark.django_db


def _client(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def _round(actors, org, **claims):
    """One decided claim of C1, sampled into an open round created by the reviewer."""
    (claim,) = decided_claims(org["C1"], 1, amounts=["4321.09"], **claims)
    services.round_create(actor=actors["reviewer"], name="盲审", org_unit_id=org["HO"].pk,
                          period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))  # fmt: skip
    return claim, AuditItem.objects.get(claim=claim)


def test_reviewer_cannot_open_the_claim_page_while_their_blind_review_is_pending(
    actors, personas, org
):
    claim, item = _round(actors, org)
    page = _client(personas, "reviewer").get(f"/claims/{claim.pk}/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "盲审复核尚未提交" in html and "4321.09" not in html and "4,321.09" not in html
    assert f'href="/claim-audits/items/{item.pk}/"' in html and "返回我的复核" in html


def test_reviewer_cannot_read_the_claim_through_the_api_while_their_blind_review_is_pending(
    actors, personas, org
):
    claim, _item = _round(actors, org)
    response = _client(personas, "reviewer").get(f"/api/v1/claims/{claim.pk}")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "blind_review_pending" and "盲审复核尚未提交" in body["message"]
    assert "4321.09" not in response.content.decode()
    assert "4,321.09" not in response.content.decode()


def test_reviewer_cannot_read_letters_or_act_on_the_claim_while_their_blind_review_is_pending(
    actors, personas, org
):
    claim, _item = _round(actors, org)
    letter = ClaimLetter.objects.create(
        claim=claim, kind="decision", title="理赔核定通知书", body="核定赔付 4321.09 元",
        issued_by="claims",
    )  # fmt: skip
    client = _client(personas, "reviewer")
    assert client.get(f"/claims/letters/{letter.pk}/").status_code == 403
    action = client.post(f"/claims/{claim.pk}/actions/close/", {"version": "1"})
    assert action.status_code == 403 and "盲审复核尚未提交" in action.content.decode()
    api = client.post(f"/api/v1/claims/{claim.pk}/actions/close", {"data": {}},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 403 and api.json()["code"] == "blind_review_pending"
    claim.refresh_from_db()
    assert claim.status == "decided"


def test_reviewer_sees_the_claim_again_once_their_blind_review_is_submitted(actors, personas, org):
    claim, item = _round(actors, org)
    client = _client(personas, "reviewer")
    assert client.get(f"/claims/{claim.pk}/").status_code == 403
    services.item_readjudicate(actor=actors["reviewer"], item_id=item.pk, outcome="approve",
                               amount="4321.09")  # fmt: skip
    page = client.get(f"/claims/{claim.pk}/")
    assert page.status_code == 200 and "4,321.09" in page.content.decode()
    response = client.get(f"/api/v1/claims/{claim.pk}")
    assert response.status_code == 200 and response.json()["outcome"] == "approve"


def test_a_review_submitted_by_another_reviewer_ends_the_blind_period_for_everyone(
    actors, personas, org
):
    claim, item = _round(actors, org)
    services.item_readjudicate(actor=actors["quality_lead"], item_id=item.pk, outcome="approve",
                               amount="4321.09")  # fmt: skip
    assert _client(personas, "reviewer").get(f"/claims/{claim.pk}/").status_code == 200


def test_the_claims_handler_keeps_access_to_a_claim_under_blind_review(actors, personas, org):
    claim, _item = _round(actors, org)
    assert _client(personas, "claims").get(f"/claims/{claim.pk}/").status_code == 200
    assert _client(personas, "claims").get(f"/api/v1/claims/{claim.pk}").status_code == 200


def test_a_reviewer_who_decided_the_claim_is_not_its_blind_reviewer_and_keeps_access(
    actors, personas, org
):
    claim, _item = _round(actors, org, decider=personas["reviewer"])
    assert _client(personas, "reviewer").get(f"/claims/{claim.pk}/").status_code == 200


def test_an_earlier_audit_of_the_claim_stays_closed_while_a_new_blind_review_is_pending(
    actors, personas, org
):
    """Given a claim audited once (its item shows the original decision), when a new round samples
    it again, then its reviewers cannot open the earlier item until they have submitted."""
    claim, first = _round(actors, org)
    services.item_readjudicate(actor=actors["quality_lead"], item_id=first.pk, outcome="approve",
                               amount="4321.09")  # fmt: skip
    client = _client(personas, "reviewer")
    assert client.get(f"/claim-audits/items/{first.pk}/").status_code == 200
    services.round_create(actor=actors["reviewer"], name="复查", org_unit_id=org["HO"].pk,
                          period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))  # fmt: skip
    again = AuditItem.objects.exclude(pk=first.pk).get(claim=claim)

    page = client.get(f"/claim-audits/items/{first.pk}/")

    assert page.status_code == 403 and "4321.09" not in page.content.decode()
    assert "4,321.09" not in page.content.decode()
    assert f'href="/claim-audits/items/{again.pk}/"' in page.content.decode()
    assert client.get(f"/claim-audits/items/{again.pk}/").status_code == 200  # the blind one


def test_the_claims_list_api_hides_the_decision_of_a_claim_the_caller_reviews_blind(
    actors, personas, org
):
    claim, item = _round(actors, org)

    def row(persona):
        rows = _client(personas, persona).get("/api/v1/claims").json()["items"]
        return next(r for r in rows if r["id"] == str(claim.pk))

    blind = row("reviewer")
    assert (blind["outcome"], blind["amount_approved"], blind["decided_at"]) == ("", None, None)
    assert row("claims")["outcome"] == claim.outcome != ""  # its handler keeps seeing it
    services.item_readjudicate(actor=actors["reviewer"], item_id=item.pk, outcome="approve",
                               amount="4321.09")  # fmt: skip
    assert row("reviewer")["outcome"] == claim.outcome


def test_the_api_withholds_an_earlier_audit_while_a_new_blind_review_of_the_claim_is_pending(
    actors, personas, org
):
    """The item page's rule on the API: the earlier item answers 403 and the round's item list
    carries neither its review nor its original decision."""
    _claim, first = _round(actors, org)
    services.item_readjudicate(actor=actors["quality_lead"], item_id=first.pk, outcome="refuse",
                               reason_code="exclusion")  # fmt: skip
    services.item_record_errors(actor=actors["quality_lead"], item_id=first.pk,
                                error_types=["wrong_refusal"])  # fmt: skip
    client = _client(personas, "reviewer")
    assert client.get(f"/api/v1/claim-audits/items/{first.pk}").json()["errors"]
    services.round_create(actor=actors["reviewer"], name="复查", org_unit_id=org["HO"].pk,
                          period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))  # fmt: skip

    one = client.get(f"/api/v1/claim-audits/items/{first.pk}")
    listed = client.get(f"/api/v1/claim-audits/rounds/{first.round_id}/items").json()["items"]

    assert one.status_code == 403 and one.json()["code"] == "blind_review_pending"
    row = next(r for r in listed if r["id"] == str(first.pk))
    assert (row["original"], row["review"], row["suggested_errors"]) == (None, None, [])
    assert row["errors"] == []  # 错误拒赔 / 超赔 would tell the decision's direction
    page = client.get(f"/claim-audits/{first.round_id}/").content.decode()
    assert "盲审期间不显示" in page
