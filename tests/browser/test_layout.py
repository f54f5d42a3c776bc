"""Layout as a first user sees it (issue 13): measured in Chromium, not read from the CSS.

A wide table scrolls inside its card instead of being clipped, status badges and the indicator
direction stay on one line, and the claims dashboard's cards do not run into the section below.
"""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from tests.engine.probe import probe_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("button.primary").click()
    page.wait_for_load_state()


def test_the_overview_unit_table_scrolls_to_its_last_column_instead_of_being_clipped(
    live_server, personas, browser_page
):
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1024, "height": 800})  # a laptop: the table is wider
    _sign_in(page, base, "quality_lead")
    page.goto(f"{base}/quality/")
    box = page.locator(".scroll").first
    last = box.locator("th").last
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than its card
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    inner, outer = last.bounding_box(), box.bounding_box()
    assert inner is not None and outer is not None
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1  # reachable, not cut


def test_badges_and_short_cells_stay_on_one_line(live_server, personas, actors, org, browser_page):
    page, base = browser_page, live_server.url
    for n in range(3):
        probe_create(actor=actors["agent"], org_unit=org["C1"], title=f"待办{n}")
    _sign_in(page, base, "agent")
    page.goto(f"{base}/my-work/")
    badge = page.locator("#my-work .badge").first
    height = badge.evaluate("el => el.getBoundingClientRect().height")
    line = badge.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 18")
    assert height < 1.6 * line, "the urgency badge wraps"

    page.context.clear_cookies()
    _sign_in(page, base, "quality_lead")
    page.goto(f"{base}/quality/indicators/")
    cell = page.locator("#catalogue tbody tr").first.locator("td").nth(2)
    lines = cell.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    assert lines == 1, "the direction (越高越好) wraps"


def test_the_claims_dashboard_cards_end_before_the_next_section(
    live_server, personas, browser_page
):
    page, base = browser_page, live_server.url
    _sign_in(page, base, "quality_lead")
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{base}/claims/timeliness/")
        tiles, below = (
            page.locator("#tiles").bounding_box(),
            page.locator("#slowest").bounding_box(),
        )
        assert tiles is not None and below is not None
        bottom = max(b["y"] + b["height"] for b in (
            t.bounding_box() for t in page.locator("#tiles .tile").all()
        ) if b)  # fmt: skip
        assert bottom <= tiles["y"] + tiles["height"] and bottom + 8 <= below["y"], width
