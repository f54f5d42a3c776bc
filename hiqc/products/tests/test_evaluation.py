"""Adaptability evaluation (issue 17 §4; standard 3.2): weighted criteria computed and expert
scored, blind scoring, dispersion and outliers, scope, and the round's states through the engine.

Hand computation for product A (see conftest ``evaluation_scene``), June 2026 over the head
office: lapse 1/4 = 25 % on the band 50 → 0 scores 50; refusal 1/4 = 25 % on 100 → 0 scores 75;
compliance (expert) 80, 82, 50 → mean 70.67, the 50 an outlier (median 80, MAD 2, limit
max(2 × 1.4826 × 2, 15) = 15 < 30); risk (expert) 60, 70, 80 → mean 70, SD 10, range 60–80.
Overall (20·50 + 30·75 + 30·70.67 + 20·70) / 100 = 67.7.
"""

from __future__ import annotations

import pytest

from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.products.evaluation.models import EvaluationRound
from hiqc.products.evaluation.services import (
    dispersion,
    round_act,
    round_create,
    scores_save,
)

from .conftest import client_for, post

pytestmark = pytest.mark.django_db
API = "/api/v1/product-evaluations"
EXPERTS = ["compliance", "risk", "branch_manager"]
CRITERIA = [
    {"name": "退保失效率", "dimension": "market", "weight": 20, "kind": "computed",
     "figure": "lapse_rate", "worst": 50, "best": 0},
    {"name": "拒赔率", "dimension": "customer", "weight": 30, "kind": "computed",
     "figure": "refusal_rate", "worst": 100, "best": 0},
    {"name": "合规性", "dimension": "compliance", "weight": 30, "kind": "expert"},
    {"name": "风险管控", "dimension": "risk", "weight": 20, "kind": "expert"},
]  # fmt: skip


def _round(actors, org, **extra):
    data = {"title": "2026 年医疗险适应性评价", "line": "medical", "products": ["MED-A", "MED-B"],
            "org_unit": str(org["HO"].pk), "period_start": "2026-06-01",
            "period_end": "2026-06-30", "experts": EXPERTS, "criteria": CRITERIA, **extra}  # fmt: skip
    return round_create(actor=actors["quality_lead"], data=data)


def _criteria(rnd):
    return {c.name: str(c.pk) for c in rnd.criteria.all()}


def _score(actors, rnd, who, compliance, risk, *, submit=True, b=60):
    c = _criteria(rnd)
    scores = [
        {"criterion": c["合规性"], "product": "MED-A", "score": compliance, "comment": f"{who}意见"},
        {"criterion": c["风险管控"], "product": "MED-A", "score": risk},
        {"criterion": c["合规性"], "product": "MED-B", "score": b},
        {"criterion": c["风险管控"], "product": "MED-B", "score": b},
    ]  # fmt: skip
    return scores_save(actor=actors[who], round_id=rnd.pk, scores=scores, submit=submit)


def test_the_overall_score_weights_computed_and_expert_criteria_as_computed_by_hand(
    evaluation_scene, actors, org
):
    # given a round opened for scoring and three experts who submit
    rnd = _round(actors, org)
    round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="open")
    _score(actors, rnd, "compliance", 80, 60)
    _score(actors, rnd, "risk", 82, 70)
    _score(actors, rnd, "branch_manager", 50, 80)
    # when the organiser closes it
    closed = round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="close")
    # then the frozen results are the hand computation
    assert closed.status == "closed"
    a = closed.results["products"]["MED-A"]
    c = _criteria(rnd)
    assert a["criteria"][c["退保失效率"]]["value"] == pytest.approx(25.0)
    assert a["criteria"][c["退保失效率"]]["score"] == pytest.approx(50.0)
    assert a["criteria"][c["拒赔率"]]["score"] == pytest.approx(75.0)
    assert a["criteria"][c["合规性"]]["mean"] == pytest.approx(212 / 3)
    assert a["criteria"][c["合规性"]]["outliers"] == ["branch_manager"]
    risk = a["criteria"][c["风险管控"]]
    assert (risk["sd"], risk["min"], risk["max"], risk["outliers"]) == (10.0, 60, 80, [])
    assert a["dimensions"] == pytest.approx(
        {"market": 50.0, "customer": 75.0, "compliance": 212 / 3, "risk": 70.0}
    )
    assert a["overall"] == pytest.approx((20 * 50 + 30 * 75 + 30 * 212 / 3 + 20 * 70) / 100)
    # and a product without data is scored on its expert criteria alone, saying which were left out
    b = closed.results["products"]["MED-B"]
    assert b["overall"] == pytest.approx(60.0)
    assert b["unscored"] == ["退保失效率", "拒赔率"]


def test_an_outlier_is_further_from_the_median_than_two_robust_sds_and_15_points():
    # three agreeing experts and one far away: the far one is flagged
    assert dispersion({"a": 80, "b": 82, "c": 50})["outliers"] == ["c"]
    # a 12-point gap among agreeing experts stays below the 15-point floor
    assert dispersion({"a": 80, "b": 80, "c": 68})["outliers"] == []
    # widely spread scores: nobody is an outlier when the experts disagree among themselves
    assert dispersion({"a": 20, "b": 90, "c": 55})["outliers"] == []
    # with five experts, one far score stays flagged however far it is
    assert dispersion({"a": 70, "b": 75, "c": 72, "d": 68, "e": 0})["outliers"] == ["e"]
    # two experts: no outlier rule at all
    assert dispersion({"a": 0, "b": 100})["outliers"] == []
    d = dispersion({"a": 60, "b": 70, "c": 80})
    assert (d["mean"], d["sd"], d["min"], d["max"]) == (70.0, 10.0, 60, 80)


def test_an_expert_sees_only_their_own_scores_until_every_expert_has_submitted(
    evaluation_scene, actors, org, personas
):
    # given a round in scoring where the compliance officer has submitted
    rnd = _round(actors, org)
    round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="open")
    _score(actors, rnd, "compliance", 80, 60)
    # when the risk manager reads the round through the API and the page
    risk = client_for(personas["risk"])
    got = risk.get(f"{API}/{rnd.pk}").json()
    page = risk.get(f"/products/evaluations/{rnd.pk}/").content.decode()
    # then neither shows the compliance officer's scores or comment
    assert got["scores_visible"] is False and got["scores"] == [] and got["my_scores"] == []
    assert got["results"] is None
    assert "compliance意见" not in page and 'id="blind-note"' in page
    # and the organiser sees who submitted, not what
    lead = client_for(personas["quality_lead"]).get(f"{API}/{rnd.pk}").json()
    assert lead["scores"] == [] and {e["username"]: e["submitted"] for e in lead["experts"]} == {
        "compliance": True, "risk": False, "branch_manager": False}  # fmt: skip
    # the compliance officer sees their own scores only
    own = client_for(personas["compliance"]).get(f"{API}/{rnd.pk}").json()
    assert len(own["my_scores"]) == 4 and own["scores"] == []
    # when the others submit, everyone's scores are shown
    _score(actors, rnd, "risk", 82, 70)
    _score(actors, rnd, "branch_manager", 50, 80)
    after = risk.get(f"{API}/{rnd.pk}").json()
    assert after["scores_visible"] is True and len(after["scores"]) == 12
    assert "compliance意见" in risk.get(f"/products/evaluations/{rnd.pk}/").content.decode()


def test_a_submitted_score_cannot_be_changed_and_scoring_needs_every_criterion(
    evaluation_scene, actors, org
):
    rnd = _round(actors, org)
    # before the round is opened nobody scores
    with pytest.raises(Conflict):
        _score(actors, rnd, "compliance", 80, 60)
    round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="open")
    c = _criteria(rnd)
    # submitting with a criterion unscored is refused, naming it
    with pytest.raises(ValidationFailed) as refused:
        scores_save(actor=actors["risk"], round_id=rnd.pk, submit=True,
                    scores=[{"criterion": c["合规性"], "product": "MED-A", "score": 70}])  # fmt: skip
    assert "scores" in (refused.value.fields or {})
    _score(actors, rnd, "compliance", 80, 60)
    with pytest.raises(Conflict):
        _score(actors, rnd, "compliance", 10, 10)


def test_a_score_out_of_range_is_named_at_its_field(evaluation_scene, actors, org, personas):
    rnd = _round(actors, org)
    round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="open")
    c = _criteria(rnd)
    response = post(client_for(personas["risk"]), f"{API}/{rnd.pk}/scores", {"scores": [
        {"criterion": c["合规性"], "product": "MED-A", "score": 101}]})  # fmt: skip
    assert response.status_code == 422
    assert "scores.0.score" in response.json()["fields"]


def test_only_named_experts_score_and_another_round_is_the_same_404_as_a_missing_one(
    evaluation_scene, actors, org, personas
):
    rnd = _round(actors, org, experts=["compliance", "risk"])
    round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="open")
    c = _criteria(rnd)
    body = {"scores": [{"criterion": c["合规性"], "product": "MED-A", "score": 70}]}
    # the branch manager may be an expert but is not named here, and cannot see the head
    # office's round: scoring and reading answer exactly as for a missing round
    bm = client_for(personas["branch_manager"])
    missing = "00000000-0000-4000-8000-000000000000"
    assert bm.get(f"{API}/{rnd.pk}").content == bm.get(f"{API}/{missing}").content
    assert bm.get(f"{API}/{rnd.pk}").status_code == 404
    mine = post(bm, f"{API}/{rnd.pk}/scores", body)
    none = post(bm, f"{API}/{missing}/scores", body)
    assert (mine.status_code, mine.content) == (none.status_code, none.content)
    assert mine.status_code == 404
    page = bm.get(f"/products/evaluations/{rnd.pk}/")
    assert page.status_code == bm.get(f"/products/evaluations/{missing}/").status_code == 404
    # the quality lead sees the round but is not named: scoring is the same 404
    with pytest.raises(NotFound):
        scores_save(actor=actors["quality_lead"], round_id=rnd.pk, scores=[])
    # a named expert from a branch sees the round they are named in
    rnd2 = _round(actors, org)
    assert bm.get(f"{API}/{rnd2.pk}").status_code == 200
    assert [r["id"] for r in bm.get(API).json()["items"]] == [str(rnd2.pk)]


def test_only_an_organiser_opens_and_closes_a_round_through_the_engine(
    evaluation_scene, actors, org, personas
):
    rnd = _round(actors, org)
    expert = client_for(personas["compliance"])
    refused = post(expert, f"{API}/{rnd.pk}/actions/open", {"version": rnd.version, "data": {}})
    assert refused.status_code == 403
    with pytest.raises(Forbidden):
        round_act(actor=actors["risk"], round_id=rnd.pk, action="open")
    lead = client_for(personas["quality_lead"])
    opened = post(lead, f"{API}/{rnd.pk}/actions/open", {"version": rnd.version, "data": {}})
    assert opened.status_code == 200 and opened.json()["status"] == "scoring"
    assert opened.json()["allowed_actions"] == ["close"]
    stale = post(lead, f"{API}/{rnd.pk}/actions/close", {"version": rnd.version, "data": {}})
    assert stale.status_code == 409
    # the organiser may close before every expert has submitted: the results are then shown
    closed = post(lead, f"{API}/{rnd.pk}/actions/close",
                  {"version": opened.json()["version"], "data": {}})  # fmt: skip
    assert closed.status_code == 200 and closed.json()["scores_visible"] is True
    assert (
        EvaluationRound.objects.get(pk=rnd.pk).results["products"]["MED-A"]["overall"] is not None
    )


def test_a_round_is_refused_with_field_errors(evaluation_scene, personas, org):
    lead = client_for(personas["quality_lead"])
    body = {"title": "", "line": "medical", "products": ["MED-A", "NOPE"],
            "period_start": "2026-06-01", "period_end": "2026-05-01",
            "experts": ["agent"], "criteria": [{**CRITERIA[0], "weight": 10}, *CRITERIA[1:]]}  # fmt: skip
    response = post(lead, API, body)
    assert response.status_code == 422
    assert set(response.json()["fields"]) >= {"title", "products", "period_end", "experts",
                                              "criteria"}  # fmt: skip
    # the default criteria are taken when none are given, their weights summing to 100
    ok = post(lead, API, {**body, "title": "默认指标", "products": ["MED-A"],
                          "period_end": "2026-06-30", "experts": ["risk"], "criteria": []})  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert sum(c["weight"] for c in ok.json()["criteria"]) == 100
    assert {c["dimension"] for c in ok.json()["criteria"]} == {"market", "customer",
                                                                "compliance", "risk"}  # fmt: skip


def test_the_result_card_shows_history_and_the_lines_products(
    evaluation_scene, actors, org, personas
):
    for _i in range(2):
        rnd = _round(actors, org)
        round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="open")
        _score(actors, rnd, "compliance", 80, 60)
        round_act(actor=actors["quality_lead"], round_id=rnd.pk, action="close")
    page = client_for(personas["quality_lead"]).get("/products/evaluations/products/MED-A/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("2026 年医疗险适应性评价") >= 3  # two history rows and the line table
    assert "医疗乙" in html
