"""An outlet inspected on a phone (issue 19 §3): the facility administrator opens a planned
inspection on a phone-sized screen, marks every item without sideways scrolling, fails one with a
photo, submits — and sees the result and the rectification task with its clock."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.calendar import BEIJING
from hiqc.facilities.models import InspectionPhoto, Rectification
from hiqc.facilities.services import inspection_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def test_facility_admin_inspects_an_outlet_on_a_phone_and_a_failed_item_becomes_a_task(
    live_server, personas, actors, org, browser_page, shot
):
    today = timezone.now().astimezone(BEIJING).date()
    inspection = inspection_plan(actor=actors["facility"], data={
        "org_unit": org["O1"].pk, "kind": "facility", "due_date": today.isoformat()})  # fmt: skip

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "facility")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/facilities/inspections/{inspection.pk}/")
    page.wait_for_selector("#inspect")
    items = page.locator("fieldset.check-item")
    assert items.count() == 15
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for n in range(items.count()):
        items.nth(n).locator("label.option").first.click()  # 符合
    tidy = page.locator("fieldset.check-item", has_text="环境整洁")
    tidy.locator("label.option", has_text="不符合").click()
    tidy.locator("textarea").fill("大厅角落堆放纸箱")
    tidy.locator("input[type=file]").set_input_files(
        files=[{"name": "大厅.png", "mimeType": "image/png", "buffer": _png()}]
    )
    shot(page, "inspection-on-a-phone")
    page.get_by_role("button", name="提交检查结果").click()
    page.wait_for_selector("#result")
    result = page.locator("#result").inner_text()
    assert "29 / 31" in result and "合格" in result
    link = page.locator("#rectification-list a").first
    assert "ZG" in link.inner_text()
    link.click()
    page.wait_for_selector("#facts")
    assert "大厅角落堆放纸箱" in page.locator("#facts").inner_text()
    assert "设施整改（内部目标）" in page.locator("#clocks").inner_text()
    shot(page, "rectification-task")
    assert page.csp_errors == []
    assert Rectification.objects.get().status == "open"
    assert InspectionPhoto.objects.get().content_type == "image/png"
