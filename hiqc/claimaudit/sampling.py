"""Amount strata and the seeded draw of claims accuracy audits — pure, no ORM
(standard 5.1.2(3), 5.3).

The general statistics (``sample_size``, ``allocate``, the ``wilson`` interval) live in
``hiqc.core.stats``.

* ``draw``: a seeded draw without replacement inside each stratum. The frame is sorted by claim
  id and each stratum has its own stream ``random.Random(f"{seed}:{stratum}")``, so the same frame
  and seed give the same sample whatever order the database returns rows in; the strata get
  their proportional share of ``n`` (``allocate``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from hiqc.core.stats import allocate

# Amount bands (yuan) of the stratified design: small claims (CL-11 fast track ≤ 3,000) apart
DEFAULT_BANDS: tuple[Decimal, ...] = (Decimal(3000), Decimal(10000), Decimal(50000))


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
