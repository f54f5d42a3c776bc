"""The public answer page in a phone-sized browser (issue 6 §3): Debian's Chromium through
Playwright (never a downloaded browser). The conditional question appears when the overall score is
2 and disappears on 5 — with the mouse and with the keyboard — and a submitted answer is stored."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import PASSWORD
from hiqc.surveys.enums import InvitationStatus
from hiqc.surveys.models import Invitation, SurveyResponse
from tests.browser.axe import serious_violations

from .conftest import T0
from .test_invitations import issue, make_plan

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("HIQC_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone_page():
    """A phone-sized Chromium page (390 × 844, touch, zh-CN) that records console errors (a CSP
    violation is one)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make setup` (installs Debian's chromium)."
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(
            locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.csp_errors = errors  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


@pytest.fixture
def link(actors, org, questionnaire, paid_claims):
    """One online invitation, issued on T0 + 4 days and still open today."""
    cache.clear()
    plan = make_plan(actors, org, questionnaire)
    report, _sent = issue(plan, T0 + timedelta(days=4))
    inv_id, token = report.tokens[0]
    Invitation.objects.filter(pk=inv_id).update(expires_at=timezone.now() + timedelta(days=7))
    yield inv_id, token
    cache.clear()


def test_a_customer_answers_on_a_phone(live_server, link, phone_page, personas):
    from playwright.sync_api import expect

    page = phone_page
    inv_id, token = link
    page.goto(f"{live_server.url}/s/{token}/")
    expect(page.locator("h1")).to_have_text("理赔服务满意度调查")
    assert serious_violations(page) == []  # axe-core (issue 13 §8)
    why = page.locator("#q-why")
    expect(why).to_be_hidden()  # shown only for a low overall score

    page.locator("label[for=q-overall-1]").tap()  # 2 = 不满意
    expect(why).to_be_visible()
    expect(page.locator("#q-why-0")).to_be_enabled()
    page.locator("label[for=q-overall-4]").tap()  # 5 = 非常满意
    expect(why).to_be_hidden()
    expect(page.locator("#q-why-0")).to_be_disabled()  # a hidden answer is not sent

    # keyboard: arrows move along the scale and the condition follows
    page.locator("#q-overall-4").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#q-overall-1")).to_be_checked()
    expect(why).to_be_visible()

    page.locator("label[for=q-why-0]").tap()  # 速度慢
    page.locator("label[for=q-speed-2]").tap()
    page.locator("label[for=q-nps-6]").tap()
    page.fill("#q-comment-text", "希望理赔再快一些。")
    box = page.locator("label[for=q-overall-0]").bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 44  # touch target
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling on a phone
    page.screenshot(path="/tmp/survey_answer.png", full_page=True)
    page.screenshot(path=str(SHOTS / "survey-answer-phone-zh.png"), full_page=True)

    page.locator("button[value=submit]").tap()
    expect(page.locator("h1")).to_have_text("感谢您的评价！")
    assert serious_violations(page) == []
    page.screenshot(path=str(SHOTS / "survey-thanks-phone-zh.png"), full_page=True)
    assert page.csp_errors == []

    response = SurveyResponse.objects.get(invitation_id=inv_id)
    assert response.submitted_at is not None and response.mode == "online"
    assert response.satisfaction == 2 and response.recommend == 6
    assert response.answers == {"overall": 2, "speed": 3, "why": ["slow"], "nps": 6}
    assert response.texts == {"comment": "希望理赔再快一些。"}
    assert Invitation.objects.get(pk=inv_id).status == InvitationStatus.ANSWERED

    page.goto(f"{live_server.url}/s/{token}/")  # the link is single use
    expect(page.locator("h1")).to_have_text("您已完成本次调查")

    # the quality lead sees the answer counted in the analysis, the comment masked and listed
    browser = page.context.browser
    assert browser is not None
    lead = browser.new_page(locale="zh-CN")
    lead.goto(f"{live_server.url}/accounts/login/")
    lead.fill("#id_username", "quality_lead")
    lead.fill("#id_password", PASSWORD)
    lead.press("#id_password", "Enter")
    lead.wait_for_url(f"{live_server.url}/")
    plan_id = Invitation.objects.get(pk=inv_id).plan_id
    lead.goto(f"{live_server.url}/surveys/plans/{plan_id}/")
    expect(lead.locator("#tiles")).to_contain_text("1/10")
    expect(lead.locator("#tile-csat")).to_contain_text("0.0%")
    expect(lead.locator("#texts")).to_contain_text("希望理赔再快一些")
    lead.screenshot(path=str(SHOTS / "survey-analysis-zh.png"), full_page=True)
    lead.close()
