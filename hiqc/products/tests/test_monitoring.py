"""In-market monitoring (issue 17 §5; standard 3.3.3): the banner that opens an update project
when a figure crosses its target, the overview, the figures API and its scope."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.models import RuleOverride

from . import factories as f
from .conftest import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 20, 12, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_banner_offers_an_update_project_when_complaints_cross_their_target(
    evaluation_scene, org, personas
):
    # given product A's four policies and one complaint naming one: 2,500 per 10k, far above the
    # design default of 10 (its exact Poisson interval starts at 63 per 10k), and the minimum
    # sample configured down to the four policies of this small scene
    RuleOverride.objects.create(key="products.monitoring.min_sample", value="4")
    pol = evaluation_scene["a"].policies.first()
    f.complaint(org["C1"], pol.holder, pol.number)
    page = client_for(personas["quality_lead"]).get("/products/monitoring/MED-A/")
    html = page.content.decode()
    # then the page flags it with the button to open an update project
    assert page.status_code == 200
    assert 'id="update-banner-complaints_per_10k"' in html and "发起产品更新项目" in html
    href = html.split('id="open-update-complaints_per_10k" href="')[1].split('"')[0]
    query = parse_qs(urlparse(href.replace("&amp;", "&")).query)
    assert urlparse(href).path == "/products/projects/new/"
    assert query["product"] == ["MED-A"] and query["kind"] == ["update"]
    assert "万单投诉量" in query["reason"][0] and "设计默认值" in query["reason"][0]
    # and the overview lists the product with its flag
    overview = client_for(personas["quality_lead"]).get("/products/monitoring/").content.decode()
    assert 'id="flags-summary"' in overview


def test_no_banner_while_the_figure_is_within_its_target(evaluation_scene, org, personas):
    pol = evaluation_scene["a"].policies.first()
    f.complaint(org["C1"], pol.holder, pol.number)
    # when the target is configured above the figure (2,500 per 10k)
    RuleOverride.objects.create(key="products.target.complaints_per_10k", value="3000")
    html = client_for(personas["quality_lead"]).get("/products/monitoring/MED-A/").content.decode()
    assert 'id="update-banner-complaints_per_10k"' not in html


def test_the_figures_api_reads_the_callers_subtree_and_refuses_another_like_a_missing_unit(
    evaluation_scene, org, personas
):
    lead = client_for(personas["quality_lead"])
    got = lead.get("/api/v1/products/MED-A/figures?from=2026-06-01&to=2026-06-30").json()
    figs = {x["code"]: x for x in got["figures"]}
    assert (figs["lapse_rate"]["numerator"], figs["lapse_rate"]["denominator"]) == (1, 4)
    # one refusal in four decided claims: 25 % against at most 10 %, but on four claims only —
    # under watch, not crossing
    refusal = figs["refusal_rate"]
    assert (refusal["value"], refusal["sample"], refusal["verdict"]) == (0.25, 4, "watch")
    assert refusal["crosses"] is False and refusal["interval_low"] < 0.1
    assert figs["refusal_rate"]["target_source"] == "设计默认值"
    # the branch manager of P1 reads P1 by default and gets C1's data
    bm = client_for(personas["branch_manager"])
    mine = bm.get("/api/v1/products/MED-A/figures").json()
    assert mine["org_unit_id"] == str(org["P1"].pk)
    # P2 is not theirs: the same answer as a unit that does not exist
    other = bm.get(f"/api/v1/products/MED-A/figures?org_unit={org['P2'].pk}")
    missing = bm.get("/api/v1/products/MED-A/figures?org_unit=00000000-0000-4000-8000-000000000000")
    assert (other.status_code, other.content) == (missing.status_code, missing.content)
    assert other.status_code == 404
    page = bm.get(f"/products/monitoring/MED-A/?unit={org['P2'].pk}")
    assert page.status_code == 404
    # a period the wrong way round is named at its field
    bad = lead.get("/api/v1/products/MED-A/figures?from=2026-06-30&to=2026-06-01")
    assert bad.status_code == 422 and "to" in bad.json()["fields"]
    # and an unknown product is a 404
    assert lead.get("/api/v1/products/NOPE/figures").status_code == 404


def test_the_records_behind_a_figure_link_to_their_pages(evaluation_scene, org, personas):
    html = client_for(personas["quality_lead"]).get(
        "/products/monitoring/MED-A/records/refusal_rate/").content.decode()  # fmt: skip
    table = html.split('id="records"')[1]
    assert table.count('href="/claims/') == 1
