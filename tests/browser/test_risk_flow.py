"""From a failed control to its risk and a treatment plan in the browser (issue 20 §4, §7; 9.2.1,
9.2.2): the compliance officer sees this month's control failure on the overview, opens the
control, follows it to the risk that relies on it (its residual derived from the failed test and
raised for review), opens a treatment plan there, starts it and adds an action; the register's
heat maps drill down to the risk."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import PASSWORD
from hiqc.compliance.models import Control, ControlResult, RiskTreatment
from hiqc.compliance.risks.services import risk_create, risk_refresh
from hiqc.core.calendar import BEIJING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page, name: str, fields: dict[str, str]) -> None:
    page.locator(f"#action-{name} summary").click()
    for field, text in fields.items():
        page.fill(f"#{name}-{field}", text)
    page.locator(f"#action-{name} button[type=submit]").click()
    page.wait_for_selector(".msg")


def test_a_failed_control_leads_to_its_risk_and_a_treatment_plan(
    live_server, personas, org, actors, browser_page, shot
):
    # a live-server test's database may have been flushed by an earlier one: the shipped register
    from hiqc.compliance.models import Law, Obligation
    from hiqc.compliance.seed import register_seed

    register_seed(Law=Law, Obligation=Obligation, Control=Control)
    control = Control.objects.get(code="CTL-CL2-DECIDE")
    month = timezone.now().astimezone(BEIJING).date().replace(day=1)
    ControlResult.objects.create(control=control, org_unit=org["C1"], org_path=org["C1"].path,
                                 period_start=month, population=50, failures=20,
                                 effectiveness=0.6, status="ineffective", run_at=timezone.now(),
                                 run_by="test")  # fmt: skip
    risk = risk_create(actor=actors["compliance"], at=timezone.now().replace(year=2025), data={
        "org_unit": str(org["P1"].pk), "category": "operational", "title": "理赔核定超时",
        "cause": "资料审核人手不足", "event": "理赔核定超过30日", "consequence": "监管处罚",
        "owner_role": "quality_lead", "inherent_likelihood": 4, "inherent_impact": 4,
        "controls": ["CTL-CL2-DECIDE"]})  # fmt: skip
    risk_refresh(risk, actor=actors["compliance"])
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "compliance")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/compliance/")
    page.locator("#failures a", has_text=control.name).first.click()
    page.wait_for_selector("#risks")
    page.locator("#risks a", has_text="理赔核定超时").click()
    page.wait_for_selector("#quantitative")
    assert "待重新评估" in page.locator("#review-needed").inner_text()
    assert page.locator("#residual-rating").inner_text() == "16"  # the failed control earns nothing
    shot(page, "risk-page")
    form = page.locator("#treatment-form")
    form.locator("#t-title").fill("理赔时效专项整改")
    form.get_by_role("button", name="开启应对计划").click()
    page.wait_for_selector("#actions")
    _act(page, "start", {"plan": "增配资料审核岗，超期案件每日督办"})
    _act(page, "add_action", {"title": "招聘2名审核员", "owner": "人事部", "due": "2030-01-31"})
    shot(page, "risk-treatment")
    assert "实施中" in page.locator("h1").inner_text()
    assert "招聘2名审核员" in page.locator("#measures").inner_text()
    case = RiskTreatment.objects.get(risk=risk)
    assert case.status == "in_progress" and len(case.actions) == 1
    page.goto(f"{base}/compliance/risks/")
    page.wait_for_selector("#heat-chart-residual canvas")
    page.locator("#grid-residual a[data-cell='residual-4-4']").click()
    page.wait_for_selector("#risk-list")
    assert "理赔核定超时" in page.locator("#risk-list").inner_text()
    shot(page, "risk-register")
    assert page.csp_errors == []  # type: ignore[attr-defined]
