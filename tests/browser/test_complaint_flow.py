"""A complaint handled end to end in the browser (issue 4 §11): register it by the complainant's
mobile number, assign it, extend it with a reason, decide it with a root cause, and open the
generated decision letter with its remedies (CP-2, CP-7, CP-8)."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from hiqc.customers.services import customer_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _root_causes():
    """The taxonomy is seeded by a data migration; an earlier transactional test may have
    flushed it, so put it back (idempotent)."""
    from importlib import import_module

    from django.apps import apps

    import_module("hiqc.complaints.migrations.0002_default_root_causes").load(apps, None)


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def _act(page, action: str, fields: dict[str, str], *, server_checks_only: bool = False) -> None:
    box = page.locator(f"#action-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    if server_checks_only:  # skip the browser's own required-field check
        box.locator("form").evaluate("f => { f.noValidate = true; }")
    for name, value in fields.items():
        field = box.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_handler_registers_extends_decides_and_opens_the_letter(
    live_server, personas, actors, org, browser_page, shot
):
    customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "赵六", "mobile": "13900001111"},
    )
    page, base = browser_page, live_server.url
    _login(page, base, "handler")
    page.locator("nav.sidebar").get_by_role("link", name="登记投诉", exact=True).click()

    page.fill("#lookup", "13900001111")
    page.press("#lookup", "Enter")  # searches; does not submit the form
    page.wait_for_selector("#lookup-results input[name=customer_id]")
    assert "139****1111" in page.locator("#lookup-results").inner_text()
    page.select_option("#id_org_unit_id", label="　　朝阳中心支公司")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_respondent_kind", "branch")
    page.fill("#id_request", "要求按合同赔付住院医疗费用 8,600 元。")
    page.fill("#id_facts", "住院后申请理赔被拒，拒赔通知未说明依据。")
    page.select_option("#id_dispute_type", "claims")
    page.select_option("#id_product_line", "medical")
    page.select_option("#id_nature", "contract_dispute")
    shot(page, "complaint-register-zh")
    page.click("text=登记并开始计时")
    page.wait_for_selector("#clocks")
    assert "投诉处理决定" in page.locator("#clocks").inner_text()
    assert page.csp_errors == []

    _act(page, "assign", {"assignee": str(personas["handler"].pk)})
    _act(page, "extend", {"reason": "需调取医院病历并核实就诊记录"})
    assert "延期 15→30 日" in page.locator("#clocks").inner_text()
    assert "延期处理告知书" in page.locator("#letters").inner_text()

    _act(page, "decide", {"root_cause": "claims.explanation"}, server_checks_only=True)
    assert "缺少必填信息" in page.locator("#action-error").inner_text()  # refused, nothing saved
    assert page.locator("#action-decide").get_attribute("open") is not None
    _act(
        page,
        "decide",
        {
            "outcome": "partly_upheld",
            "root_cause": "claims.explanation",
            "facts_found": "拒赔通知未说明依据条款。",
            "basis": "保险合同第八条。",
            "decision_text": "补充说明拒赔依据，并就可赔部分赔付人民币3,200元。",
        },
    )
    assert "已作出处理决定" in page.locator("#status").inner_text()
    shot(page, "complaint-decided-zh")

    page.locator("#letters").get_by_role("link", name="投诉处理决定书").click()
    letter = page.locator("#letter").inner_text()
    for part in (
        "赵六",
        "调查核实的事实",
        "处理依据及理由",
        "部分支持",
        "申请核查",
        "调解",
        "仲裁",
        "诉讼",
    ):
        assert part in letter
    shot(page, "complaint-letter-zh")
