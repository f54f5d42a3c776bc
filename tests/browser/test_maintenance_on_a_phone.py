"""A maintenance task done on a phone (issue 19 §4; standard 8.2.2): the facility administrator
finds the overdue task in the per-unit overview, opens it on a phone-sized screen, records a
result for every step without sideways scrolling — one step failed with a note — and sees the
completion, late against its due date, and the 保养 entry in the item's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.calendar import BEIJING
from hiqc.facilities.equipment.services import equipment_create
from hiqc.facilities.maintenance.services import maintenance_generate, maintenance_plan_create
from hiqc.facilities.models import EquipmentEvent, MaintenanceTask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facility_admin_records_an_overdue_maintenance_on_a_phone(
    live_server, personas, actors, org, browser_page, shot
):
    today = timezone.now().astimezone(BEIJING).date()
    item = equipment_create(actor=actors["facility"], data={
        "asset_number": "PM-PHONE-1", "name": "温热型饮水机", "category": "water",
        "org_unit": org["O1"].pk,
        "purchase_date": (today - timedelta(days=40)).isoformat()})  # fmt: skip
    maintenance_plan_create(actor=actors["facility"], data={
        "name": "饮水设备月度保养", "org_unit": org["C1"].pk, "category": "water",
        "interval_days": 30, "lead_days": 5, "starts_on": (today - timedelta(days=40)).isoformat(),
        "steps": ["清洗消毒水箱与出水口", "检查滤芯有效期", "核对水质检测记录"]})  # fmt: skip
    assert maintenance_generate(today=today) == 1  # due 10 days ago

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "facility")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/facilities/maintenance/tasks/")
    overview = page.locator("#by-unit").inner_text()
    assert "望京营业部" in overview
    page.locator("#by-unit a", has_text="望京营业部").click()
    page.locator("#task-list a", has_text="PM-PHONE-1").click()
    page.wait_for_selector("#complete")
    assert "已逾期" in page.locator("#state").inner_text()
    steps = page.locator("fieldset.check-item")
    assert steps.count() == 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for n in range(steps.count()):
        steps.nth(n).locator("label.option", has_text="完成").click()
    filter_step = page.locator("fieldset.check-item", has_text="检查滤芯有效期")
    filter_step.locator("label.option", has_text="未通过").click()
    filter_step.locator("textarea").fill("滤芯已过期，已申请更换")
    page.fill("#f-cost", "45")
    shot(page, "maintenance-on-a-phone")
    page.get_by_role("button", name="登记保养完成").click()
    page.wait_for_selector("#result")
    assert "超期" in page.locator("#result").inner_text()
    assert "滤芯已过期" in page.locator("#steps").inner_text()
    page.locator("a", has_text="PM-PHONE-1").first.click()
    page.wait_for_selector("#history")
    assert "1 项未通过" in page.locator("#history").inner_text()
    assert page.csp_errors == []
    task = MaintenanceTask.objects.get()
    assert task.state == "done" and task.on_time is False
    assert EquipmentEvent.objects.get(equipment=item, kind="maintenance").cost == 45
