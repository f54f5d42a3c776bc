"""The product catalogue in the browser (issue 17 §1): the product manager creates a product, fills
in its first draft (coverage, sums insured, a health service, the checklist as rows, with a
mistake shown at its field first), publishes it from a date and sees it in force in the
catalogue."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_product_is_created_its_draft_edited_and_published(
    live_server, personas, browser_page, shot
):
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "product_manager")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")

    # The catalogue, reached from the menu, offers a new product
    page.goto(f"{base}/policies/products/")
    expect(page.locator("h1")).to_contain_text("产品目录")
    page.locator("h1 a", has_text="新建产品").click()
    page.fill("#id_code", "MED-WEB")
    page.fill("#id_name", "网页医疗险")
    page.select_option("#id_line", "medical")
    page.locator("#product-new-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("第1版草稿")
    assert serious_violations(page) == []  # every input of the rows has its label

    # The draft is filled in, with a bad waiting period first
    page.fill("#id_net_premium_yuan", "300")
    page.fill("#id_waiting_period_days", "999")
    page.check("input[name=claim_types][value=medical_reimbursement]")
    page.fill("#id_coverage-0-name", "住院医疗费用")
    page.fill("#id_sums-0-amount", "2000000")
    page.fill("#id_services-0-name", "在线问诊")
    page.fill("#id_services-0-cost_yuan", "30")
    page.select_option("#id_documents-0-claim_type", "medical_reimbursement")
    page.fill("#id_documents-0-code", "form")
    page.fill("#id_documents-0-name", "理赔申请书")
    page.check("#id_documents-0-required")
    page.locator("#save-draft").click()
    expect(page.locator("#section-terms .error")).to_contain_text("等待期须为0至730天")
    shot(page, "catalogue-draft-error-zh")
    page.fill("#id_waiting_period_days", "30")
    page.locator("#save-draft").click()

    # The product page shows the draft's terms; it is published from a date
    expect(page.locator("#terms")).to_contain_text("住院医疗费用")
    expect(page.locator("#services-table")).to_contain_text("10.0%")
    page.fill("#id_effective_from", "2026-01-01")
    page.locator("#publish-form button[type=submit]").click()
    expect(page.locator("#version-table")).to_contain_text("生效中")
    expect(page.locator("#version-table")).to_contain_text("2026-01-01")
    shot(page, "catalogue-product-zh")
    assert serious_violations(page) == []

    # And the catalogue lists it with its version in force
    page.goto(f"{base}/policies/products/?line=medical")
    expect(page.locator("#product-table")).to_contain_text("MED-WEB")
    expect(page.locator("#product-table")).to_contain_text("v1 生效中")
    errors = page.csp_errors  # type: ignore[attr-defined]
    assert not [e for e in errors if "422" not in e], errors  # the refused draft answered 422
