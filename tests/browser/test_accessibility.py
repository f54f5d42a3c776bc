"""Accessibility (issue 13 §8): axe-core — installed from the npm registry by `make setup`
(devDependency, read from node_modules, never fetched) — finds no serious or critical violation on
the public pages and the main staff pages, and a claimant completes an online claim with the
keyboard alone."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import PASSWORD
from hiqc.claims.online.tests import support as online_support
from hiqc.claims.online.tests.support import HOLDER_ID, last_code

from .axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
family = online_support.family  # a policy with a holder and an insured child


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # rate-limit counters of earlier tests
    yield
    cache.clear()


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus: proves it is reachable by keyboard."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_a_claimant_completes_an_online_claim_with_the_keyboard_alone_on_accessible_pages(
    live_server, family, browser_page
):
    page, base = browser_page, live_server.url
    page.goto(f"{base}/online-claims/")
    assert serious_violations(page) == []
    tab_to(page, "#policy_number")
    page.keyboard.type("OL-0001")
    tab_to(page, "#id_number")
    page.keyboard.type(HOLDER_ID)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/online-claims/verify/")
    assert serious_violations(page) == []
    tab_to(page, "#code")
    page.keyboard.type(last_code())
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/online-claims/claims/")
    assert serious_violations(page) == []
    page.goto(f"{base}/online-claims/claims/new/")
    assert serious_violations(page) == []
    tab_to(page, "#claim_type")
    page.keyboard.press("ArrowDown")  # the first claim type
    tab_to(page, "#incident_date")
    page.keyboard.type("03012026")  # mm/dd/yyyy segments of Chromium's date field
    tab_to(page, "#amount_claimed")
    page.keyboard.type("5200")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error").all_inner_texts() == []
    assert "/online-claims/claims/" in page.url and page.url.rstrip("/").split("/")[-1] != "new"
    assert serious_violations(page) == []
    from hiqc.claims.models import Claim

    claim = Claim.objects.get()
    assert str(claim.incident_date) == "2026-03-01" and claim.amount_claimed == 5200


@pytest.mark.parametrize(
    ("persona", "paths"),
    [
        ("claims", ["/my-work/", "/claims/", "/claims/timeliness/"]),
        ("handler", ["/my-work/", "/complaints/", "/complaints/new/"]),
        ("quality_lead", ["/quality/", "/quality/indicators/", "/findings/", "/audit/"]),
    ],
)
def test_the_main_staff_pages_have_no_serious_accessibility_violation(
    live_server, personas, browser_page, persona, paths
):
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    assert serious_violations(page) == []
    page.fill("#id_username", persona)
    page.fill("#id_password", PASSWORD)
    page.locator("button.primary").click()
    page.wait_for_load_state()
    for path in paths:
        page.goto(f"{base}{path}")
        assert serious_violations(page) == [], path
