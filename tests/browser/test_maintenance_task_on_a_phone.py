"""A facility administrator completes a preventive-maintenance task on a phone (8.2.2; ADR
0032): the task page shows the clock due at the end of the planned day; once done, the clock is
met and the task closed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.calendar import BEIJING
from hiqc.facilities.equipment.services import equipment_create
from hiqc.facilities.maintenance.services import maintenance_generate, maintenance_plan_create
from hiqc.facilities.models import MaintenanceTask


def test_facility_admin_completes_a_maintenance_task_and_its_clock_is_met(
    live_server, personas, actors, org, browser_page, shot
):
    today = timezone.now().astimezone(BEIJING).date()
    bought = today - timedelta(days=28)
    equipment_create(actor=actors["facility"], data={
        "asset_number": "PM-B1", "name": "大厅排队叫号机", "category": "queue",
        "org_unit": org["O1"].pk, "purchase_date": bought.isoformat()})  # fmt: skip
    maintenance_plan_create(actor=actors["facility"], data={
        "name": "叫号机月度保养", "org_unit": org["C1"].pk, "category": "queue",
        "interval_days": 30, "lead_days": 7, "starts_on": bought.isoformat(),
        "steps": "清洁屏幕与打印头\n检查取号纸余量"})  # fmt: skip
    assert maintenance_generate() == 1
    task = MaintenanceTask.objects.get()

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(120_000)  # a shared machine under load: slow, not wrong
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "facility")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/facilities/maintenance/tasks/{task.pk}/")
    assert "计时中" in page.locator("#clock").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for fieldset in page.locator("fieldset").all():
        options = fieldset.locator("label.option")
        if options.count():
            options.first.click()
    shot(page, "maintenance-task-on-a-phone")
    page.locator("#complete button[type=submit]").click()
    page.wait_for_selector("#clock")
    assert "按时完成" in page.locator("#clock").inner_text()
    shot(page, "maintenance-task-done")
    task.refresh_from_db()
    assert (task.status, task.on_time) == ("done", True)
