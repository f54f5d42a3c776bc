"""A person's path through issue 2: sign in, find a customer by ID number, reveal a field with a
purpose, and (as the auditor) see that reveal on the audit page — in Chinese and in English."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from hiqc.customers.services import customer_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID = "11010519491231002X"


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def test_agent_finds_customer_by_id_reveals_mobile_and_auditor_sees_it(
    live_server, personas, actors, org, browser_page, shot
):
    customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "张三", "id_number": ID, "mobile": "13812345678"},
    )
    page, base = browser_page, live_server.url

    _login(page, base, "agent")
    shot(page, "home-zh")
    page.locator("nav.sidebar").get_by_role("link", name="客户", exact=True).click()
    page.fill("#id_q", ID)
    page.click("form.filters button[type=submit]")
    row = page.locator("#customer-table tbody tr")
    assert row.count() == 1
    assert "110105********002X" in row.inner_text()
    shot(page, "customers-zh")
    row.locator("a").click()
    mobile = page.locator("#field-mobile")
    assert "138****5678" in mobile.inner_text()

    mobile.locator("button").click()  # no purpose: the browser refuses (required); then too short
    mobile.locator("input[name=purpose]").fill("核对")
    mobile.locator("input[name=purpose]").evaluate("el => el.removeAttribute('minlength')")
    mobile.locator("button").click()
    page.wait_for_selector("#field-mobile .error")
    assert "至少 4 个字" in page.locator("#field-mobile").inner_text()

    page.locator("#field-mobile input[name=purpose]").fill("回访核对联系方式")
    page.locator("#field-mobile button").click()
    page.wait_for_selector("#field-mobile .revealed")
    assert "13812345678" in page.locator("#field-mobile").inner_text()
    shot(page, "customer-revealed-zh")

    page.click(".usermenu button")
    _login(page, base, "auditor")
    page.locator("nav.sidebar").get_by_role("link", name="审计日志", exact=True).click()
    table = page.locator("#audit-table").inner_text()
    assert "customer.reveal" in table and "回访核对联系方式" in table and "agent" in table
    shot(page, "audit-zh")

    page.click("form.lang button")  # switch to English
    page.wait_for_selector("html[lang=en]")
    shot(page, "audit-en")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
