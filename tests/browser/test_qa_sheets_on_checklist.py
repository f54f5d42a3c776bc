"""Quality-inspection scoring sheets on the kernel checklist (ADR 0023; standard 4.1.3(2)): the
head-office quality lead publishes version 2 of a sheet on the sheets page, sees version 1
retired with its items kept, and reactivates version 1."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from hiqc.inspection import selectors, services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quality_lead_publishes_a_sheet_version_and_reactivates_the_old_one(
    live_server, personas, actors, browser_page, shot
):
    services.sheet_publish(
        actor=actors["quality_lead"], code="ui-call", name="电话质检表", kinds=["call"],
        items=[{"category": "服务", "text": "开场问候", "points": 40},
               {"category": "业务", "text": "答复准确", "points": 60},
               {"category": "合规", "text": "泄露个人信息", "fatal": True}],
    )  # fmt: skip
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "quality_lead")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    first = selectors.sheets().get(code="ui-call")
    page.goto(f"{base}/inspection/sheets/?base={first.pk}")
    page.fill("#s_items", "服务 | 开场问候 | 50\n业务 | 答复准确 | 50\n合规 | 泄露个人信息 | 致命")
    page.click("#sheet-form button[type=submit]")
    page.wait_for_selector("#sheet-ui-call-2")
    assert "已停用" in page.locator("#sheet-ui-call-1").inner_text()
    assert "开场问候" in page.locator("#sheet-ui-call-1").inner_text()
    page.locator("#sheet-ui-call-1 form button[type=submit]").click()
    page.wait_for_selector("#sheet-ui-call-1 .badge.green")
    shot(page, "qa-sheets-on-checklist")
    first.refresh_from_db()
    assert first.active and not selectors.sheets().get(code="ui-call", version=2).active
