"""The claim page's action forms: a refused action comes back with what the user typed, the field
errors beside the fields and the general message on top (issue 5 §10)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.claims.models import Claim

from . import test_claim_process
from .test_claim_process import T0, act, register

pytestmark = pytest.mark.django_db
policy = test_claim_process.policy  # fixture
LATER = T0 + timedelta(days=1)


def _client(personas, name="claims") -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


def _in_adjudication(actors, policy):
    claim = register(actors, policy)  # 8,600.00 yuan claimed
    for code in ("form", "id", "invoice", "discharge"):
        claim.documents.create(requirement_code=code, name=code, received_at=T0)
    act(actors, claim, "start_review", at=T0 + timedelta(hours=1))
    return act(actors, claim, "documents_complete", at=T0 + timedelta(hours=2))


def _form(html: str, action: str) -> str:
    match = re.search(
        rf'<details class="action" id="action-{action}"[^>]*>.*?</details>', html, re.S
    )
    assert match, f"no form for {action}"
    return match.group(0)


def test_a_refused_decision_keeps_the_typed_values_and_shows_the_field_errors(
    actors, personas, policy
):
    claim = _in_adjudication(actors, policy)
    with time_machine.travel(LATER, tick=False):
        response = _client(personas).post(
            f"/claims/{claim.pk}/actions/decide/",
            {"version": str(claim.version), "outcome": "partial", "amount_approved": "9999.99",
             "reason_code": "", "reason_text": "发票金额 <有误>"},
        )  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert "核定信息有误" in html.split('id="action-error"')[1].split("</div>")[0]
    form = _form(html, "decide")
    assert form.startswith('<details class="action" id="action-decide" open>')
    assert 'name="amount_approved" value="9999.99"' in form
    assert '<option value="partial" selected>' in form
    assert ">发票金额 &lt;有误&gt;</textarea>" in form
    assert 'id="decide-amount_approved-error">核定金额不能超过申请金额。' in form
    assert 'id="decide-reason_code-error">部分赔付须选择理由。' in form
    assert 'id="action-refuse" open' not in html and "9999.99" not in _form(html, "refuse")
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved) == ("adjudication", None)


def test_a_refused_supplement_request_keeps_the_items_the_user_ticked(actors, personas, policy):
    claim = register(actors, policy)
    act(actors, claim, "start_review", at=T0 + timedelta(hours=1))
    with time_machine.travel(LATER, tick=False):
        response = _client(personas).post(
            f"/claims/{claim.pk}/actions/request_supplement/",
            {"version": "2", "items": ["form", "invoice"], "override_reason": "补充说明"},
        )
    assert response.status_code == 422
    form = _form(response.content.decode(), "request_supplement")
    assert 'value="form" checked' in form and 'value="invoice" checked' in form
    assert 'value="id">' in form  # required, but not ticked by the user: stays unticked
    assert 'value="补充说明"' in form and "请一次性勾选全部缺少的必需材料" in form


def test_a_decision_on_a_stale_version_is_a_409_that_keeps_the_typed_values(
    actors, personas, policy
):
    claim = _in_adjudication(actors, policy)
    with time_machine.travel(LATER, tick=False):
        response = _client(personas).post(
            f"/claims/{claim.pk}/actions/decide/",
            {"version": "1", "outcome": "approve", "amount_approved": "8600", "reason_text": "ok"},
        )
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人更新" in html
    form = _form(html, "decide")
    assert 'name="amount_approved" value="8600"' in form and ">ok</textarea>" in form
    assert f'name="version" value="{claim.version}"' in form  # the current one, to try again
    assert Claim.objects.get(pk=claim.pk).status == "adjudication"


def test_the_claim_page_offers_empty_forms_when_nothing_was_refused(actors, personas, policy):
    claim = _in_adjudication(actors, policy)
    html = _client(personas).get(f"/claims/{claim.pk}/").content.decode()
    form = _form(html, "decide")
    assert 'id="action-error"' not in html and " open>" not in form
    assert 'name="amount_approved" value=""' in form and 'class="error"' not in form


def test_a_bad_list_filter_is_shown_at_its_field_and_the_good_ones_still_apply(
    actors, personas, policy
):
    # Given one registered claim, listed
    claim = register(actors, policy)
    client = _client(personas)
    assert claim.number in client.get("/claims/").content.decode()
    # When the list is filtered by a status that does not exist and a number that matches nothing
    page = client.get("/claims/?status=bogus&q=NOPE").content.decode()
    # Then the status is refused beside its field, and the number filter still applies
    assert re.search(r'<span class="error">[^<]+</span>', page.split('name="status"')[1])
    assert claim.number not in page.split('id="claim-table"')[1]
