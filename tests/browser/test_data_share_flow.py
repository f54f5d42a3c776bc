"""A masked data share worked in the browser (issue 21 §7; 6.3; PIPL arts. 23, 29): the
Beijing branch manager requests last quarter's complaint cases for the TPA partner on the
agreement's page, the head-office quality lead (the data owner) approves and exports it, and the
file downloaded carries the masked values only — its sha256 the one on the share record."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import PASSWORD
from hiqc.complaints.services import complaint_register
from hiqc.core.calendar import BEIJING
from hiqc.customers.services import customer_create
from hiqc.information.sharing.models import ShareRecord
from hiqc.information.sharing.services import agreement_activate, agreement_create, partner_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROFILE = {"reference": "keep", "received_on": "keep", "name": "mask", "mobile": "mask",
           "birth_date": "year", "dispute_type": "keep"}  # fmt: skip


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def _act(page, name: str) -> None:
    page.locator(f"#action-{name} summary").click()
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_selector(".msg")


def test_a_share_is_requested_approved_and_downloaded_masked(
    live_server, personas, actors, org, browser_page, shot
):
    today = timezone.now().astimezone(BEIJING).date()
    period = f"{today.year}Q{(today.month - 1) // 3 + 1}"  # this quarter: the complaint is new
    customer = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
        "name": "赵六", "mobile": "13812345678", "birth_date": "1980-05-06"})  # fmt: skip
    complaint_register(actor=actors["handler"], org_unit_id=org["C1"].pk, data={
        "customer_id": str(customer.pk), "channel": "phone", "request": "r", "facts": "f",
        "product_line": "medical", "nature": "contract_dispute", "respondent_kind": "branch",
        "dispute_type": "claims"})  # fmt: skip
    with transaction.atomic():
        partner = partner_create(actor=actors["compliance"], data={
            "org_unit": org["P1"].pk, "name": "康源健康管理", "kind": "business"})  # fmt: skip
        agreement = agreement_create(actor=actors["compliance"], data={
            "partner": partner.pk, "title": "投诉客户回访", "dataset": "complaints.cases",
            "purpose": "回访", "legal_basis": "contract", "frequency": "quarterly",
            "effective_on": (today - timedelta(days=1)).isoformat(),
            "expires_on": (today + timedelta(days=365)).isoformat(), "profile": PROFILE})  # fmt: skip
        agreement_activate(actor=actors["compliance"], agreement_id=agreement.pk)

    page, base = browser_page, live_server.url
    _login(page, base, "branch_manager")
    page.goto(f"{base}/information/agreements/{agreement.pk}/")
    assert "脱敏显示" in page.locator("#profile").inner_text()
    page.fill("#request input[name=period]", period)
    page.locator("#request-share").click()
    page.wait_for_selector("#share-status")
    assert "待审批" in page.locator("#share-status").inner_text()
    share_url = page.url

    _login(page, base, "quality_lead")
    page.goto(share_url)
    _act(page, "approve")
    _act(page, "export")
    assert "已导出" in page.locator("#share-status").inner_text()
    shot(page, "data-share-exported")
    with page.expect_download() as info:
        page.locator("#download").click()
    body = Path(info.value.path()).read_bytes()
    text = body.decode("utf-8-sig")
    assert "赵****" in text and "138****5678" in text and "1980" in text
    assert "13812345678" not in text and "1980-05-06" not in text and "赵六" not in text
    record = ShareRecord.objects.get(share__agreement=agreement)
    assert hashlib.sha256(body).hexdigest() == record.sha256
    assert record.sha256 in page.locator("#record").inner_text()
    assert page.csp_errors == []  # type: ignore[attr-defined]
