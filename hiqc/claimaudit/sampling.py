"""Sample size, allocation, drawing and intervals for claims accuracy audits — pure, no ORM
(standard 5.1.2(3), 5.3).

* ``sample_size``: for estimating a proportion (the error rate) within ± ``margin`` at a
  confidence level, ``n0 = z²·p(1−p)/e²`` and, for a finite frame of ``N`` decided claims,
  ``n = n0 / (1 + (n0 − 1)/N)``, rounded up (Cochran, *Sampling Techniques*, 3rd ed., §4.4).
  ``p`` is 0.5 (the most conservative) unless an expected error rate is given.
* ``allocate``: proportional allocation to amount strata, ``n_h = n·N_h/N`` rounded by largest
  remainder so that the strata add up to exactly ``n``.
* ``draw``: a seeded draw without replacement inside each stratum. The frame is sorted by claim
  id and each stratum has its own stream ``random.Random(f"{seed}:{stratum}")``, so the same frame
  and seed give the same sample whatever order the database returns rows in.
* ``wilson``: the Wilson score interval for a proportion (Wilson 1927; Newcombe 1998), which
  stays inside [0, 1] and behaves at 0 errors where the normal approximation does not.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

# Amount bands (yuan) of the stratified design: small claims (CL-11 fast track ≤ 3,000) apart
DEFAULT_BANDS: tuple[Decimal, ...] = (Decimal(3000), Decimal(10000), Decimal(50000))


def z_for(confidence: float) -> float:
    """Two-sided critical value: 90 → 1.6449, 95 → 1.9600, 99 → 2.5758 (percent or fraction)."""
    level = confidence / 100 if confidence > 1 else confidence
    if not 0 < level < 1:
        raise ValueError("confidence must lie strictly between 0 and 100 %")
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def sample_size(
    population: int | None, *, margin: float, confidence: float = 95, p: float = 0.5
) -> int:
    """Claims to review so the error rate is known within ± ``margin`` (a fraction)."""
    if not 0 < margin < 1 or not 0 < p < 1:
        raise ValueError("margin and p must lie strictly between 0 and 1")
    z = z_for(confidence)
    n0 = z * z * p * (1 - p) / (margin * margin)
    if population is None:
        return math.ceil(n0)
    if population <= 0:
        return 0
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def allocate(sizes: Sequence[int], n: int) -> list[int]:
    """Proportional allocation of ``n`` over strata of ``sizes``; sums to min(n, Σ sizes)."""
    total = sum(sizes)
    n = min(n, total)
    if total == 0 or n == 0:
        return [0] * len(sizes)
    exact = [n * s / total for s in sizes]
    out = [math.floor(x) for x in exact]
    # largest remainder first; ties to the larger stratum, then the earlier one
    order = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - out[i]), -sizes[i], i))
    for i in order[: n - sum(out)]:
        out[i] += 1
    return out


def band_of(amount: Decimal, bands: Sequence[Decimal]) -> int:
    """Index of the amount band: [0, b0) → 0, [b0, b1) → 1, …, [b_last, ∞) → len(bands)."""
    for i, upper in enumerate(bands):
        if amount < upper:
            return i
    return len(bands)


def band_labels(bands: Sequence[Decimal]) -> list[str]:
    edges = [Decimal(0), *bands]
    labels = [f"{_yuan(lo)}–{_yuan(hi)}" for lo, hi in zip(edges, bands, strict=False)]
    return [*labels, f"≥{_yuan(edges[-1])}"]


def _yuan(value: Decimal) -> str:
    return f"{value:,.0f}"


@dataclass(frozen=True)
class FrameRow:
    claim_id: str
    amount: Decimal


@dataclass(frozen=True)
class Stratum:
    index: int
    label: str
    population: int
    sample: int


def draw(
    frame: Iterable[FrameRow],
    *,
    n: int,
    seed: int,
    bands: Sequence[Decimal] | None = None,
) -> tuple[list[tuple[str, int]], list[Stratum]]:
    """(sampled (claim id, stratum index) pairs, strata). ``bands`` None = simple random."""
    rows = sorted(frame, key=lambda r: r.claim_id)
    if bands is None:
        pools = [[r.claim_id for r in rows]]
        labels = ["—"]
    else:
        pools = [[] for _ in range(len(bands) + 1)]
        for r in rows:
            pools[band_of(r.amount, bands)].append(r.claim_id)
        labels = band_labels(bands)
    quotas = allocate([len(p) for p in pools], n)
    picked: list[tuple[str, int]] = []
    strata = []
    for i, (pool, quota) in enumerate(zip(pools, quotas, strict=True)):
        rng = random.Random(f"{seed}:{i}")
        picked.extend((claim_id, i) for claim_id in rng.sample(pool, quota))
        strata.append(Stratum(i, labels[i], len(pool), quota))
    return picked, strata


def wilson(errors: int, n: int, confidence: float = 95) -> tuple[float, float]:
    """Wilson score interval for ``errors`` out of ``n`` (n = 0 → (0, 1))."""
    if n <= 0:
        return (0.0, 1.0)
    if not 0 <= errors <= n:
        raise ValueError("errors must lie between 0 and n")
    z = z_for(confidence)
    p = errors / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if errors == 0 else max(0.0, centre - half)  # exact ends, no rounding residue
    high = 1.0 if errors == n else min(1.0, centre + half)
    return (low, high)
