"""Process pages: the catalogue, one process's discovered flow, and the cases behind a number."""

from __future__ import annotations

import pytest

from .conftest import P1, P2, P3, PLAN, client_for

pytestmark = pytest.mark.django_db
NOV = "start=2026-11-01&end=2026-11-30"


def test_the_catalogue_lists_every_process_with_a_link_to_its_analysis(personas):
    page = client_for(personas["quality_lead"]).get("/process-management/")
    assert page.status_code == 200
    assert f'href="/process-management/{PLAN}/"'.encode() in page.content


def test_the_process_page_shows_the_bottleneck_and_the_deviation_with_their_cases(personas, plans):
    client = client_for(personas["quality_lead"])
    page = client.get(f"/process-management/{PLAN}/?{NOV}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="process-graph"' in text and "process-graph-data" in text
    assert "跳过步骤" in text  # p3 checked without starting
    # the cases behind the edge create → start: p1 and p2
    cases = client.get(f"/process-management/{PLAN}/cases/?{NOV}&edge=create%3Estart")
    assert cases.status_code == 200
    listed = cases.content.decode()
    assert f">{P1}<" in listed and f">{P2}<" in listed and f">{P3}<" not in listed
    skipped = client.get(
        f"/process-management/{PLAN}/cases/?{NOV}&deviation=check%7Cskipped%7Cplan"
    ).content.decode()
    assert f">{P3}<" in skipped and f">{P1}<" not in skipped


def test_a_bad_date_is_shown_at_its_field_and_the_default_period_still_shows(personas, plans):
    page = client_for(personas["quality_lead"]).get(
        f"/process-management/{PLAN}/?start=2026-13-45&unit="
    )
    assert page.status_code == 200
    assert 'class="error"' in page.content.decode()


def test_a_branch_cannot_pick_another_branch_and_sees_only_its_own_cases(personas, org, plans):
    client = client_for(personas["branch_manager"])  # P1
    page = client.get(f"/process-management/{PLAN}/?{NOV}&unit={org['P2'].pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="error"' in text  # not one of the choices: said at the field
    cases = client.get(f"/process-management/{PLAN}/cases/?{NOV}").content.decode()
    assert f">{P1}<" in cases and f">{P3}<" not in cases


def test_an_unknown_process_is_not_found_and_others_may_not_look(personas):
    assert client_for(personas["quality_lead"]).get("/process-management/x.y/").status_code == 404
    assert client_for(personas["agent"]).get("/process-management/").status_code == 403
