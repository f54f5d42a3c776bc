"""Satisfaction as the seventh product figure (issue 17 §4, §5; standard 3.2.2, 3.3.3): read
through the kernel's per-product figure registry, which ``hiqc.surveys`` fills (its own tests
count the answers by hand). Here the registry holds a stand-in that answers by product code and
records what it was asked, so these tests pin what this app does with the answer: product codes
mapped to products, the subtree passed on, the target, the evaluation criterion."""

from __future__ import annotations

from datetime import date

import pytest

from hiqc.core.productfigures import PRODUCT_FIGURES, ProductFigure
from hiqc.products.evaluation.models import EvaluationRound
from hiqc.products.evaluation.services import DEFAULT_CRITERIA, compute_results
from hiqc.products.monitoring.figures import SPECS, bounds, figures

from . import factories as f
from .conftest import client_for, post

pytestmark = pytest.mark.django_db
JUNE = bounds(date(2026, 6, 1), date(2026, 6, 30))


@pytest.fixture
def answers(monkeypatch):
    """A stand-in for the surveys' figure: MED-A 3 satisfied of 4, MED-S (a product with no
    other data) 1 of 1, an unknown code 5 of 5."""
    asked: list = []

    def compute(start, end, root_path, product_codes):
        asked.append((start, end, root_path, product_codes))
        got = {"MED-A": (3.0, 4.0), "MED-S": (1.0, 1.0), "GONE": (5.0, 5.0)}
        return {k: v for k, v in got.items() if product_codes is None or k in product_codes}

    monkeypatch.setitem(PRODUCT_FIGURES, "satisfaction",
                        ProductFigure("satisfaction", "客户满意度", compute))  # fmt: skip
    return asked


def test_satisfaction_is_read_through_the_kernel_by_product_code_over_the_subtree(org, answers):
    # given two products of the catalogue, one with survey answers only
    a, s = f.product("MED-A"), f.product("MED-S")
    # when the figures of MED-A are read over P1
    got = figures(org["P1"], *JUNE, [a.pk])[a.pk]["satisfaction"]
    # then the registry was asked for P1's subtree and MED-A's code, and the figure is 3 of 4
    assert answers[-1] == (*JUNE, org["P1"].path, ["MED-A"])
    assert (got.numerator, got.denominator, got.value, got.shown()) == (3.0, 4.0, 0.75, "75.0%")
    # and over every product, the one with answers only is listed; an unknown code is nobody's
    every = figures(org["HO"], *JUNE)
    assert set(every) == {a.pk, s.pk}
    assert every[s.pk]["satisfaction"].value == 1.0
    assert every[s.pk]["lapse_rate"].value is None


def test_satisfaction_below_its_target_on_four_answers_is_under_watch_not_flagged(
    evaluation_scene, org, personas, answers
):
    # given MED-A at 75 % satisfied against the design default of at least 80 %, on 4 answers
    lead = client_for(personas["quality_lead"])
    got = lead.get("/api/v1/products/MED-A/figures?from=2026-06-01&to=2026-06-30").json()
    fig = {x["code"]: x for x in got["figures"]}["satisfaction"]
    # then it is under watch (4 answers are fewer than 30, and 3 of 4 may well be 80 % or more)
    assert (fig["value"], fig["target_source"]) == (0.75, "设计默认值")
    assert (fig["verdict"], fig["crosses"], fig["sample"]) == ("watch", False, 4.0)
    assert fig["interval_low"] < 0.8 < fig["interval_high"]
    # and the figure has no drill-down (an answer has no page per product): the same 404
    assert not SPECS["satisfaction"].drill
    page = lead.get("/products/monitoring/MED-A/records/satisfaction/")
    assert page.status_code == 404
    assert lead.get("/products/monitoring/MED-A/records/refusal_rate/").status_code == 200
    # the product page shows the seventh figure, without a records link
    html = lead.get("/products/monitoring/MED-A/").content.decode()
    assert 'id="figure-satisfaction"' in html and "records/satisfaction/" not in html


def test_the_default_criteria_compute_satisfaction_instead_of_asking_experts():
    by_name = {name: (kind, figure, worst, best) for name, _d, _w, kind, figure, worst, best
               in DEFAULT_CRITERIA}  # fmt: skip
    assert by_name["客户满意度"] == ("computed", "satisfaction", 60, 95)
    assert not any("专家评定" in name for name in by_name)


def test_a_round_with_the_default_criteria_scores_satisfaction_by_its_band(
    evaluation_scene, org, personas, answers
):
    # given a round of MED-A over June with the default criteria
    lead = client_for(personas["quality_lead"])
    made = post(lead, "/api/v1/product-evaluations", {
        "title": "默认指标", "line": "medical", "products": ["MED-A"], "org_unit": str(org["HO"].pk),
        "period_start": "2026-06-01", "period_end": "2026-06-30", "experts": ["risk"],
        "criteria": []})  # fmt: skip
    assert made.status_code == 201, made.content
    rnd = EvaluationRound.objects.get(pk=made.json()["id"])
    # when its results are computed
    results = compute_results(rnd)
    crit = rnd.criteria.get(figure="satisfaction")
    row = results["products"]["MED-A"]["criteria"][str(crit.pk)]
    # then 75 % on the band 60 → 0, 95 → 100 scores (75 − 60) ÷ 35 × 100
    assert (row["numerator"], row["denominator"], row["value"]) == (3.0, 4.0, 75.0)
    assert row["score"] == pytest.approx(100 * 15 / 35)
