"""Amount bands and the seeded, stratified draw of claims — pure (5.1.2(3)).

Sample size, allocation and the Wilson interval are tested with the other statistics in
hiqc/core/tests/test_stats.py.
"""

from __future__ import annotations

from decimal import Decimal

from hiqc.claimaudit.sampling import FrameRow, band_of, draw


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
