"""A promotion notice read and objected to in the browser (issue 18 §6; standard 7.3.3(4)): an
agent of the unit finds the notice under 晋升公示, in Chinese, and lodges an objection; the
branch service manager sees it on the case with the objector named; the candidate sees the
objection but not who lodged it."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from hiqc.people.promotion.services import promotion_act, promotion_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def test_an_agent_of_the_unit_objects_to_a_notice(live_server, actors, browser_page, shot):
    manager = actors["branch_manager"]
    p = promotion_create(actor=manager, data={
        "route": "department", "candidate": "handler", "position": "投诉处理组组长",
        "grade": "P6", "reason": "连续四个季度考核优秀。"})  # fmt: skip
    promotion_act(actor=manager, promotion_id=p.pk, action="evaluate",
                  data={"performance": "90", "ability": "85", "conduct": "88"})  # fmt: skip
    promotion_act(actor=manager, promotion_id=p.pk, action="publish",
                  data={"notice_text": "拟任投诉处理组组长，公示期间欢迎监督。"})  # fmt: skip

    page, base = browser_page, live_server.url
    _login(page, base, "agent")
    page.get_by_role("link", name="晋升公示").first.click()
    page.wait_for_selector("#current-notices")
    assert "公示中" in page.locator("h2").first.inner_text()
    shot(page, "promotion-notices")
    page.locator("#current-notices a", has_text="handler").click()
    page.wait_for_selector("#objection")
    assert "投诉处理组组长" in page.locator("#notice").inner_text()
    assert "个工作日" in page.locator("#notice-period").inner_text()
    page.get_by_role("button", name="提交异议").click()  # empty: the browser asks for text
    page.fill("#objection-text", "其在带教期间曾多次缺席周例会，建议核实。")
    shot(page, "promotion-notice-objection")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_selector("#my-objections")
    assert "待答复" in page.locator("#my-objections").inner_text()
    assert page.csp_errors == []

    page.context.clear_cookies()
    _login(page, base, "branch_manager")
    page.goto(f"{base}/people/promotions/{p.pk}/")
    objections = page.locator("#objections").inner_text()
    assert "agent" in objections and "缺席周例会" in objections
    shot(page, "promotion-case-for-the-handler")

    page.context.clear_cookies()
    _login(page, base, "handler")
    page.goto(f"{base}/people/promotions/{p.pk}/")
    objections = page.locator("#objections").inner_text()
    assert "缺席周例会" in objections and "（不公开）" in objections and "agent" not in objections
