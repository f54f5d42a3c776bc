"""A claim end to end in the browser (issue 5 §12): the claimant submits it on the public page
and uploads a document; the handler reviews it and sends the one-time notice of what is missing
(the decision clock pauses when it is delivered); the claimant uploads the rest; the handler
completes the review, decides, agrees the amount and pays; the claimant reads the notices."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import PASSWORD
from hiqc.claims.online import services as online
from hiqc.claims.online.tests import support as online_support
from hiqc.claims.online.tests.support import HOLDER_ID, PDF, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
family = online_support.family  # the fixture: a policy with a holder and an insured child


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # rate-limit counters of earlier tests
    yield
    cache.clear()


def _upload(page, tmp_path, code: str) -> None:
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(PDF)
    page.select_option("#requirement_code", code)
    page.set_input_files("#file", str(path))
    page.locator("form:has(#file) button.primary").click()
    page.wait_for_load_state()


def _act(page, action: str, fields: dict[str, str] | None = None) -> None:
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    for name, value in (fields or {}).items():
        field = box.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_claim_submitted_online_is_supplemented_decided_and_paid(
    live_server,
    personas,
    family,
    browser_page,
    shot,
    tmp_path,
):
    page, base = browser_page, live_server.url
    assert online  # the public module is what serves these pages

    # the claimant identifies with policy number + ID number and a one-time code
    page.goto(f"{base}/online-claims/")
    page.fill("#policy_number", "OL-0001")
    page.fill("#id_number", HOLDER_ID)
    page.locator("button.primary[type=submit]").first.click()
    page.wait_for_url(f"{base}/online-claims/verify/")
    page.fill("#code", last_code())
    page.locator("button.primary[type=submit]").first.click()
    page.wait_for_url(f"{base}/online-claims/claims/")
    page.goto(f"{base}/online-claims/claims/new/")
    page.select_option("#claim_type", "medical_reimbursement")
    page.fill("#incident_date", "2026-03-01")
    page.fill("#amount_claimed", "5200")
    page.locator("button.primary[type=submit]").first.click()
    page.wait_for_load_state()
    claim_url = page.url
    _upload(page, tmp_path, "form")
    shot(page, "claim-online-submitted-zh")
    number = page.locator("h1").inner_text()

    # the handler, in another window, works the claim
    handler = page.context.browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    work = handler.new_page()
    work.goto(f"{base}/accounts/login/")
    work.fill("#id_username", "claims")
    work.fill("#id_password", PASSWORD)
    work.click("button[type=submit].primary")
    work.wait_for_url(f"{base}/")
    work.goto(f"{base}/claims/")
    work.locator("#claim-table a").first.click()
    work.wait_for_load_state()
    assert "理赔核定" in work.locator("#clocks").inner_text()
    _act(work, "start_review")
    _act(work, "request_supplement")  # every missing required item is pre-ticked: one notice
    assert "补充理赔资料通知书" in work.locator("#letters").inner_text()
    _act(work, "notice_delivered")
    assert "已暂停" in work.locator("#clocks").inner_text()
    shot(work, "claim-awaiting-supplement-zh")

    # the claimant supplies the rest
    page.goto(claim_url)
    _upload(page, tmp_path, "invoice")
    _upload(page, tmp_path, "discharge")

    work.reload()
    _act(work, "supplement_received")
    _act(work, "documents_complete")
    _act(work, "decide", {"outcome": "approve", "amount_approved": "5200"})
    _act(work, "agree_amount")
    _act(work, "pay", {"channel": "bank_transfer", "reference": "PAY-20260310-1"})
    assert "已支付" in work.locator("#status").inner_text()
    assert "赔款支付：✓" in work.locator("#clocks").inner_text()
    shot(work, "claim-paid-zh")
    assert page.csp_errors == []

    # the claimant reads the notices on the public page
    page.goto(claim_url)
    text = page.content()
    assert "补充理赔资料通知书" in text and "理赔核定通知书" in text
    assert number.split()[0] in page.locator("h1").inner_text()
    handler.close()
