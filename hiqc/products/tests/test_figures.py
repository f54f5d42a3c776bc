"""Product figures against hand-computed values from factory data (issue 17 §4; 3.2.2, 3.3.3).

The scene, period June 2026 (Beijing):
  product A — policies at C1 (under P1): a1 (premium 1000, started 06-01), a2 (2000, started
  01-01), a3 (1000, 01-01, surrendered); at C2 (under P2): a4 (3000, started 06-10, sold under
  version 2); a5 ended in 2025 (not in force). Complaints in June naming a1 and a4, one naming no policy, one in May
  naming a2. Claims decided in June: c1 on a1 refused, c2 on a2 approved, c3 on a4 partial; c4
  on a2 decided in May. Payments in June: c2 800, c3 400; in May c4 100. Clocks closed in June:
  c1 decide met, c2 decide met, c2 payment breached, c3 decide met. Consultations in June: the
  holder of a1 twice, the holder of a4 once, a customer without a policy once — all under 产品咨询
  — and the holder of a2 once about a claim (another topic category, not about the product).

Payout ratio: paid ÷ earned premium, each policy's annual premium × its days of cover in June ÷
365: a1, a2 and a3 thirty days each, a4 from 06-10 twenty-one days — (1000·30 + 2000·30 + 1000·30
+ 3000·21) / 365.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.products.monitoring.figures import bounds, drill, figures

from . import factories as f

MAY = datetime(2026, 5, 20, 10, tzinfo=BEIJING)


@pytest.fixture
def scene(org, system_actor):
    a, b = f.product("MED-A"), f.product("MED-B")
    c1, c2 = org["C1"], org["C2"]
    h1, h2, h3, h4, loner = (f.customer(system_actor, u) for u in (c1, c1, c1, c2, c1))
    a1 = f.policy(a, c1, h1, start=date(2026, 6, 1), end=date(2027, 5, 31))
    a2 = f.policy(a, c1, h2, premium="2000.00")
    f.policy(a, c1, h3, status="surrendered")
    a4 = f.policy(a, c2, h4, premium="3000.00", start=date(2026, 6, 10), end=date(2027, 6, 9),
                  version=f.version2(a))  # fmt: skip
    f.policy(a, c1, h3, start=date(2025, 1, 1), end=date(2025, 12, 31), premium="500.00")
    f.complaint(c1, h1, a1.number)
    f.complaint(c2, h4, a4.number)
    f.complaint(c1, loner)
    f.complaint(c1, h2, a2.number, at=MAY)
    k1 = f.claim(a1, outcome="refuse")
    k2 = f.claim(a2, outcome="approve")
    k3 = f.claim(a4, outcome="partial")
    k4 = f.claim(a2, outcome="approve", decided_at=MAY)
    f.payment(k2, "800")
    f.payment(k3, "400")
    f.payment(k4, "100", at=MAY)
    f.clock(k1, "met")
    f.clock(k2, "met")
    f.clock(k2, "breached", "claims.payment")
    f.clock(k3, "met")
    f.consultation(c1, h1)
    f.consultation(c1, h1)
    f.consultation(c2, h4)
    f.consultation(c1, loner)
    f.consultation(c1, h2, about_product=False)
    return {"a": a, "b": b, "k1": k1, "k2": k2}


JUNE = bounds(date(2026, 6, 1), date(2026, 6, 30))


def _values(root, product):
    got = figures(root, *JUNE, [product.pk])[product.pk]
    return {code: (fig.numerator, fig.denominator, fig.value) for code, fig in got.items()}


def test_figures_over_the_whole_company_match_the_hand_computed_values(scene, org):
    # given the scene, when the figures of product A are read over the head office
    got = _values(org["HO"], scene["a"])
    # then each is the hand count
    assert got["complaints_per_10k"] == (2, 4, 5000.0)
    assert got["refusal_rate"] == (1, 3, pytest.approx(1 / 3))
    assert got["on_time_rate"] == (3, 4, 0.75)
    earned = (1000 * 30 + 2000 * 30 + 1000 * 30 + 3000 * 21) / 365
    assert got["payout_ratio"] == (1200.0, pytest.approx(earned), pytest.approx(1200 / earned))
    assert got["consultations_per_10k"] == (3, 4, 7500.0)
    assert got["lapse_rate"] == (1, 4, 0.25)


def test_figures_over_a_branch_count_only_its_subtree(scene, org):
    got = _values(org["P1"], scene["a"])
    assert got["complaints_per_10k"] == (1, 3, pytest.approx(10000 / 3))
    assert got["refusal_rate"] == (1, 2, 0.5)
    assert got["on_time_rate"] == (2, 3, pytest.approx(2 / 3))
    assert got["payout_ratio"] == (800.0, pytest.approx(4000 * 30 / 365),
                                   pytest.approx(800 / (4000 * 30 / 365)))  # fmt: skip
    assert got["consultations_per_10k"] == (2, 3, pytest.approx(20000 / 3))
    assert got["lapse_rate"] == (1, 3, pytest.approx(1 / 3))


def test_a_product_without_data_has_no_value_rather_than_zero(scene, org):
    got = _values(org["HO"], scene["b"])
    assert all(value is None for _n, _d, value in got.values())


def test_drill_down_lists_the_records_behind_the_numerator_in_the_callers_scope(scene, org, actors):
    # given the quality lead (head office) and the branch manager of P1
    refused = drill(actors["quality_lead"], org["HO"], scene["a"].pk, "refusal_rate", *JUNE)
    assert [r.label for r in refused] == [scene["k1"].number]
    late = drill(actors["quality_lead"], org["HO"], scene["a"].pk, "on_time_rate", *JUNE)
    assert [r.label for r in late] == [scene["k2"].number]
    complaints = drill(actors["quality_lead"], org["HO"], scene["a"].pk, "complaints_per_10k",
                       *JUNE)  # fmt: skip
    assert len(complaints) == 2
    # when the branch manager drills over the head office, only P1's records come back
    mine = drill(actors["branch_manager"], org["HO"], scene["a"].pk, "complaints_per_10k", *JUNE)
    assert len(mine) == 1
