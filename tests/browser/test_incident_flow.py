"""An information-security incident worked in the browser (issue 20 §6; 9.3.3, 6.2.1(3)): the
system administrator reports it, sees the containment and notification clocks, starts the
response, contains it, is told closing waits for the notification, records it, and closes with
the root cause and lessons learnt."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from hiqc.emergency.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page, name: str, fields: dict[str, str]) -> None:
    page.locator(f"#action-{name} summary").click()
    for field, text in fields.items():
        page.fill(f"#{name}-{field}", text)
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_selector(".msg")


def test_the_administrator_works_an_information_security_incident_to_closure(
    live_server, personas, org, browser_page, shot
):
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/emergency/incidents/")
    form = page.locator("#report-form")
    form.locator("#f-unit").select_option(str(org["C1"].pk))
    form.locator("#f-scenario").select_option("infosec")
    form.locator("#f-severity").select_option("high")
    form.locator("#f-title").fill("理赔影像外链可公开访问")
    form.locator("#f-affected").fill("37")
    form.locator("#f-note").fill("安全监测发现外部可访问的影像链接")
    form.get_by_role("button", name="报告").click()
    page.wait_for_selector("#clocks")
    clocks = page.locator("#clocks").inner_text()
    assert "事件控制时限" in clocks and "通知客户与监管部门时限" in clocks
    _act(page, "accept", {"note": "启动信息安全事件应急预案"})
    _act(page, "contain", {"containment": "关闭外链，吊销访问凭证"})
    assert "须先登记通知客户与报告监管的情况" in page.locator("#actions").inner_text()
    _act(page, "notify_after_containment", {"notification": "短信告知受影响客户并报告监管部门"})
    _act(page, "close", {"root_cause": "存储桶权限误设为公开", "lessons": "上线前安全配置检查"})
    shot(page, "incident-closed")
    assert "已关闭" in page.locator("h1").inner_text()
    timeline = page.locator("#timeline").inner_text()
    assert "启动信息安全事件应急预案" in timeline and "存储桶权限误设为公开" in timeline
    incident = Incident.objects.get()
    assert incident.customers_notified_at is not None and incident.closed_at is not None
    assert page.csp_errors == []  # type: ignore[attr-defined]
