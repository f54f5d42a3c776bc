"""A product update project from 需求分析 to 产品上线 in the browser (issue 17 §2, §4): the
product manager records and signs the needs analysis and the design, the risk manager and the
compliance officer sign their gates (the checklist's automatic items computed, the manual ones
answered), the test is recorded, and the launch publishes version 2 from a date."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = "MED-B01"


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def test_a_project_goes_from_needs_analysis_to_launch(
    live_server, browser_page, org, personas, shot, tmp_path: Path
):
    from playwright.sync_api import expect

    from hiqc.policies import selectors
    from hiqc.policies.tests.factories import catalogue_product
    from hiqc.products.projects import checklist

    catalogue_product(
        code=CODE, name="浏览器医疗险", documents=[("claim_form", "理赔申请书", True)]
    )
    files = []
    for i in range(4):
        from PIL import Image

        path = tmp_path / f"doc{i}.png"
        image = Image.new("RGB", (40, 40), (255, 255, 255))
        image.putpixel((i, i), (0, 0, 0))
        image.save(path, format="PNG")
        files.append(str(path))
    page, base = browser_page, live_server.url

    def upload(n: int) -> None:
        page.click("#upload summary")
        page.set_input_files("#f-file", files[n])
        page.click("#upload button[type=submit]")
        expect(page.locator(".messages, .msg").first).to_contain_text("已上传附件")

    def sign(action: str) -> None:
        page.click(f"#action-{action} button[type=submit]")

    # 需求分析: the product manager opens the project from the monitoring page's link
    sign_in(page, base, "product_manager")
    page.goto(f"{base}/products/projects/new/?product={CODE}&kind=update&reason=投诉率超目标")
    page.fill("#f-title", "浏览器医疗险更新")
    page.click("#project-form button[type=submit]")
    expect(page.locator("#project-status")).to_have_text("需求分析")
    expect(page.locator("#problems-needs")).to_contain_text("缺少市场调研与需求分析")
    page.click("#action-record_needs summary")
    page.fill("#f-needs", "客户调研：希望增加在线问诊")
    page.click("#action-record_needs button[type=submit]")
    upload(0)
    sign("pass_needs")
    # 产品设计: the draft's terms edited through the form, the design document attached
    expect(page.locator("#project-status")).to_have_text("产品设计")
    page.click("#action-record_design summary")
    page.fill("#f-net", "1000")
    page.fill("#f-health", "在线问诊 | 200")
    page.click("#action-record_design button[type=submit]")
    expect(page.locator("#design-terms")).to_contain_text("在线问诊")
    upload(1)
    sign("pass_design")
    # 风险评估: the product manager records the risks; only the risk manager signs
    expect(page.locator("#project-status")).to_have_text("风险评估")
    page.click("#action-record_risk summary")
    page.fill("#f-risks", "健康管理成本超支 | 按季度监测 PR-1 占比")
    page.click("#action-record_risk button[type=submit]")
    upload(2)
    expect(page.locator("#action-pass_risk")).to_have_count(0)
    url = page.url
    sign_in(page, base, "risk")
    page.goto(url)
    sign("pass_risk")
    # 合规审查: PR-1 computed at exactly 20%, the manual items answered, the opinion given
    sign_in(page, base, "compliance")
    page.goto(url)
    expect(page.locator("#check-PR-1")).to_contain_text("20.00%")
    expect(page.locator("#check-PR-1")).to_contain_text("通过")
    page.click("#action-record_compliance summary")
    for item in checklist.MANUAL:
        page.check(f"#answer-{item.code} input[value=pass]")
    page.click("#action-record_compliance button[type=submit]")
    page.fill("#f-opinion", "符合监管规定")
    sign("pass_compliance")
    expect(page.locator("#project-status")).to_have_text("产品测试")
    # 产品测试 and 产品上线: the product manager
    sign_in(page, base, "product_manager")
    page.goto(url)
    page.click("#action-record_testing summary")
    page.fill("#f-test", "核保、出单、理赔全流程测试通过")
    page.check("#action-record_testing input[name=test_passed]")
    page.click("#action-record_testing button[type=submit]")
    upload(3)
    sign("pass_testing")
    expect(page.locator("#project-status")).to_have_text("产品上线")
    start = timezone.localdate() + timedelta(days=7)
    page.fill("#f-effective", start.isoformat())
    sign("launch")
    expect(page.locator("#project-status")).to_have_text("已上线")
    expect(page.locator("#gates .step.done")).to_have_count(7)
    shot(page, "product-project-launched-zh")
    product = selectors.product_get(CODE)
    assert selectors.version_in_force(product, start).number == 2
    assert page.csp_errors == []  # type: ignore[attr-defined]
