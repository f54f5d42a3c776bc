"""The process page renders its Mermaid flowchart in Chromium from the locally served bundle."""

from __future__ import annotations

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_process_flowchart_renders_as_svg_offline(live_server, personas, browser_page, shot):
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "quality_lead")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/processes/?process=engine.probecase")
    page.wait_for_selector("#flowchart svg", timeout=15000)
    assert "已登记" in (page.locator("#flowchart svg").text_content() or "")
    shot(page, "processes-zh")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
