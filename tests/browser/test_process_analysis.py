"""The process analysis page in Chromium: the discovered flow drawn (ECharts, locally served),
the slowest step at the top of the bottleneck table, and a drill-down to the cases behind it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from conftest import PASSWORD
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent
from hiqc.process_management.tests.test_hotspots import build_claims_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PLAN = "quality.improvementplan"
T0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)


def _plans(org) -> None:
    """Three plans: started a day after creation, then checked 2, 3 and 20 days later."""
    for i, days in enumerate((2, 3, 20), start=1):
        case_id = f"00000000-0000-4000-8000-00000000020{i}"
        for activity, source, target, at in (
            ("create", "", "plan", T0),
            ("start", "plan", "do", T0 + timedelta(days=1)),
            ("check", "do", "check", T0 + timedelta(days=1 + days)),
        ):
            CaseEvent.objects.create(case_type=PLAN, case_id=case_id, org_path=org["C1"].path,
                                     activity=activity, from_state=source, to_state=target, at=at,
                                     actor_name="t", source=CaseEvent.Source.PAGE)  # fmt: skip


def test_open_a_process_see_its_bottleneck_and_drill_to_the_cases(
    live_server, personas, org, browser_page, shot
):
    _plans(org)
    page, base = browser_page, live_server.url
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=BEIJING), tick=True):
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "quality_lead")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/process-management/")
        page.click(f'a[href="/process-management/{PLAN}/"]')
        page.wait_for_selector("#process-graph canvas", timeout=15000)  # ECharts drew the map
        first = page.locator("#bottlenecks tbody tr").first
        assert "检查" in (first.text_content() or "")  # the check waits longest (mean 8.3 days)
        shot(page, "process-analysis-zh")
        page.click("#show-performance")  # the toggle redraws with durations
        assert page.get_attribute("#show-performance", "aria-pressed") == "true"
        first.locator("a").click()
        page.wait_for_selector("#case-table")
        rows = page.locator("#case-table tbody tr")
        assert rows.count() == 3
        shot(page, "process-analysis-cases-zh")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_the_claims_process_names_where_it_is_slow_and_a_refused_import_opens_a_finding(
    live_server, personas, org, browser_page, shot
):
    """Issue 16's browser test on a demo-shaped claims log: the located bottleneck on top, its
    cases, and a supervision finding from an imported move the design refused."""
    from hiqc.core.casekinds import CASE_KINDS
    from hiqc.core.findings import out_of_design_record

    slow = build_claims_log(org)
    claim = "00000000-0000-4000-9000-000000000001"
    out_of_design_record(kind=CASE_KINDS["claims.claim"], case_id=claim, org_path=slow.path,
                         from_state="review", action="pay", at=datetime(2026, 9, 1, tzinfo=BEIJING),
                         source_system="CORE", external_id="HX-1:7", line=7)  # fmt: skip
    page, base = browser_page, live_server.url
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=BEIJING), tick=True):
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "quality_lead")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/process-management/claims.claim/?start=2026-06-01&end=2026-11-30")
        page.wait_for_selector("#process-graph canvas", timeout=15000)
        headline = page.locator("#top-bottleneck")
        assert f"资料齐全，进入核定 @ {slow.name}" in (headline.text_content() or "")
        shot(page, "process-analysis-claims-zh")
        headline.locator("a").click()
        page.wait_for_selector("#case-table")
        assert page.locator("#case-table tbody tr").count() == 24
        page.go_back()
        row = page.locator("#refused tbody tr").first
        assert "支付赔款" in (row.text_content() or "")
        row.locator("a.button").click()
        page.wait_for_selector("#f-desc")
        assert page.input_value("#f-dev") == "pay|refused_import|review"
        page.fill("#f-desc", "核心系统在资料审核中报送了支付，需核实。")
        page.locator("#f-desc").evaluate("e => e.form.requestSubmit()")
        page.wait_for_url("**/supervision/findings/*/")
        assert "导入数据违背流程设计" in (page.text_content("h1") or "")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
