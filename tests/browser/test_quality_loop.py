"""The quality loop in the browser (issue 7 §10): the overview shows a red tile, drilling down the
tree reaches the unit, the indicator page shows its control chart, the nonconformity the miss
opened is there, and an improvement plan is started from it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import align, indicator_rows_replace, indicators_compute, next_start
from hiqc.core.models import Deadline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = "claims.paid_on_time_rate"


@pytest.fixture(autouse=True)
def _targets():
    """Targets are seeded by data migrations; a transactional test before may have flushed them."""
    from importlib import import_module

    from django.apps import apps

    import_module("hiqc.core.migrations.0015_default_targets").seed(apps, None)


def test_from_a_red_tile_to_an_improvement_plan(live_server, browser_page, org, personas, shot):
    from playwright.sync_api import expect

    from hiqc.quality.models import ImprovementPlan, Nonconformity
    from hiqc.quality.nonconformities.services import nonconformities_detect

    now = timezone.now().astimezone(BEIJING)
    last = align(align(now, "month") - timedelta(days=1), "month")
    months = [last]
    for _ in range(5):
        months.insert(0, align(months[0] - timedelta(days=1), "month"))
    rows = [(m, org["C1"].path, 99, 100) for m in months[:-1]]
    indicator_rows_replace(code=CODE, granularity="month", start=months[0],
                           end=next_start(last, "month"), rows=rows)  # fmt: skip
    for n in range(20):  # the last month from real clocks: 17 paid on time, 3 late (85 %)
        closed = last + timedelta(days=3, hours=n)
        Deadline.objects.create(
            case_type="claims.claim", case_id=str(uuid.uuid4()), org_path=org["C1"].path,
            clock="claims.payment", label="赔款支付", source="CL-5", unit="calendar_days",
            amount=10, started_at=closed, due_at=closed, closed_at=closed,
            state="breached" if n < 3 else "met",
        )  # fmt: skip
    indicators_compute(codes=[CODE], granularity="month", start=last, end=next_start(last, "month"))
    nonconformities_detect(now=now)
    assert Nonconformity.objects.filter(indicator_code=CODE, org_unit=org["C1"]).exists()

    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "quality_lead")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/quality/")
    tile = page.locator("#tile-claimspaid_on_time_rate")
    expect(tile).to_have_class("tile qtile red")
    expect(tile).to_contain_text("85.0%")
    shot(page, "quality-overview-zh")
    page.locator("#children a", has_text=org["P1"].name).first.click()  # down the tree
    expect(page.locator("h1")).to_contain_text(org["P1"].name)
    page.locator("#tile-claimspaid_on_time_rate").click()
    expect(page.locator("#control")).to_contain_text("p 图")
    expect(page.locator("#series")).to_contain_text("85.0%")
    shot(page, "quality-indicator-zh")
    page.locator("#series a", has_text="85.0%").click()  # the cases behind the figure
    expect(page.locator("#cases-table tbody tr")).to_have_count(20)
    expect(page.locator("#cases-table tbody tr").first).to_contain_text("超时")
    shot(page, "quality-cases-zh")

    page.goto(f"{base}/quality/nonconformities/")
    page.locator("#nc-table a", has_text="BF").first.click()
    expect(page.locator("#facts")).to_contain_text("赔款按时支付率")
    page.locator("a", has_text="为此制定改进计划").click()
    expect(page.locator("#f-title")).not_to_have_value("")
    page.click("#plan-form button[type=submit]")
    expect(page.locator("#plan-p")).to_contain_text("赔款按时支付率")
    shot(page, "quality-plan-zh")
    plan = ImprovementPlan.objects.get()
    assert plan.indicator_code == CODE and plan.nonconformities.count() == 1
    assert page.csp_errors == []
