"""The process analysis page in Chromium: the discovered flow drawn (ECharts, locally served),
the slowest step at the top of the bottleneck table, and a drill-down to the cases behind it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from conftest import PASSWORD
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent

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
