"""Sample size, allocation, seeded draw and the Wilson interval — pure (5.1.2(3))."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiqc.claimaudit.sampling import (
    FrameRow,
    allocate,
    band_of,
    draw,
    sample_size,
    wilson,
    z_for,
)


def test_z_values_for_90_95_99_percent_confidence():
    assert round(z_for(90), 4) == 1.6449
    assert round(z_for(95), 4) == 1.96
    assert round(z_for(99), 4) == 2.5758


def test_given_5pct_margin_95pct_and_p_half_when_population_is_large_then_385():
    assert sample_size(None, margin=0.05, confidence=95) == 385
    assert sample_size(10_000_000, margin=0.05, confidence=95) == 385


def test_given_a_frame_of_1000_claims_then_the_finite_population_correction_gives_278():
    assert sample_size(1000, margin=0.05, confidence=95) == 278


def test_an_expected_error_rate_and_other_confidences_change_the_size():
    # z² p(1−p)/e² = 1.96² · 0.1 · 0.9 / 0.03² = 384.1 → 385; 99 % at 5 %: 663.5 → 664
    assert sample_size(None, margin=0.03, p=0.1) == 385
    assert sample_size(None, margin=0.05, confidence=99) == 664
    assert sample_size(None, margin=0.05, confidence=90) == 271


def test_a_tiny_frame_is_reviewed_whole_and_an_empty_one_gives_zero():
    assert sample_size(20, margin=0.05) == 20
    assert sample_size(0, margin=0.05) == 0


def test_proportional_allocation_sums_to_n_and_follows_the_strata():
    assert allocate([600, 300, 100], 100) == [60, 30, 10]
    assert sum(allocate([701, 222, 55, 22], 278)) == 278
    assert allocate([5, 0, 3], 50) == [5, 0, 3]  # never more than a stratum holds


@given(
    st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=3000),
)
def test_allocation_always_sums_to_n_within_the_strata(sizes, n):
    out = allocate(sizes, n)
    assert sum(out) == min(n, sum(sizes))
    assert all(0 <= o <= s for o, s in zip(out, sizes, strict=True))


def _frame(count):
    return [FrameRow(f"{i:08d}", Decimal(500 + (i * 7919) % 80000)) for i in range(count)]


def test_the_same_frame_and_seed_give_the_same_sample_in_any_order():
    frame = _frame(1000)
    a, _ = draw(frame, n=278, seed=42)
    b, _ = draw(list(reversed(frame)), n=278, seed=42)
    c, _ = draw(frame, n=278, seed=43)
    assert a == b and len(a) == 278 and len(set(a)) == 278
    assert a != c


def test_a_stratified_draw_allocates_proportionally_by_amount_band():
    frame = _frame(1000)
    bands = [Decimal(3000), Decimal(10000), Decimal(50000)]
    picked, strata = draw(frame, n=278, seed=7, bands=bands)
    assert sum(s.sample for s in strata) == 278 == len(picked)
    assert sum(s.population for s in strata) == 1000
    by_id = {r.claim_id: r for r in frame}
    for claim_id, stratum in picked:
        assert band_of(by_id[claim_id].amount, bands) == stratum
    assert [s.label for s in strata] == ["0–3,000", "3,000–10,000", "10,000–50,000", "≥50,000"]


def test_wilson_interval_known_values():
    low, high = wilson(5, 100)
    assert (round(low, 4), round(high, 4)) == (0.0215, 0.1118)
    low, high = wilson(0, 50)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.0713)
    low, high = wilson(50, 50)
    assert (round(low, 4), high) == (0.9287, 1.0)


@given(st.integers(min_value=1, max_value=2000), st.data())
def test_wilson_interval_lies_in_0_1_and_contains_the_observed_rate(n, data):
    errors = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(errors, n)
    assert 0 <= low <= errors / n <= high <= 1


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="margin"):
        sample_size(100, margin=0)
    with pytest.raises(ValueError, match="confidence"):
        z_for(100)
