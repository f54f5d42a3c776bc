"""Drawing a sample, pure (no ORM): standard 4.1.3(2), 4.2.3(2).

Per agent, up to ``per_agent`` interactions minus those already sampled for that agent in the
period. First the targeted candidates (converted to a complaint, repeat caller, long call,
complaint handled), at most ``targeted_share`` % of the quota, in a seeded random order within
each priority; then a seeded random draw from everything else. The random stream of an agent is
``random.Random(f"{seed}:{agent id}")`` over candidates sorted by (kind, object id): the same data
and seed give the same sample, whatever order the database returns rows in.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .enums import TARGETED, Reason

PRIORITY = {reason.value: i for i, reason in enumerate(TARGETED)}


@dataclass
class Candidate:
    kind: str
    object_id: str
    label: str
    agent_id: str
    org_unit_id: str
    occurred_at: datetime
    reasons: set[str] = field(default_factory=set)  # targeted rules it matches

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.object_id)


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    reasons: tuple[str, ...]


def percentile(values: list[int], pct: int) -> float:
    """Nearest-rank percentile (P90 of [1..10] is 9)."""
    if not values:
        return math.inf
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[rank - 1])


def draw(
    candidates: Iterable[Candidate],
    *,
    per_agent: int,
    seed: int,
    taken: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
    already: Mapping[str, int] | None = None,
    targeted_share: int = 50,
) -> list[Pick]:
    already = already or {}
    pools: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.key not in taken:
            pools[c.agent_id].append(c)
    picks: list[Pick] = []
    for agent_id in sorted(pools):
        need = per_agent - already.get(agent_id, 0)
        if need <= 0:
            continue
        pool = sorted(pools[agent_id], key=lambda c: c.key)
        rng = random.Random(f"{seed}:{agent_id}")
        targeted = [c for c in pool if c.reasons]
        rng.shuffle(targeted)
        targeted.sort(key=lambda c: min(PRIORITY[r] for r in c.reasons))
        quota = min(need, math.ceil(need * targeted_share / 100))
        chosen = targeted[:quota]
        for c in chosen:
            picks.append(Pick(c, tuple(sorted(c.reasons, key=PRIORITY.__getitem__))))
        keys = {c.key for c in chosen}
        rest = [c for c in pool if c.key not in keys]
        rng.shuffle(rest)
        for c in rest[: need - len(chosen)]:
            picks.append(Pick(c, (Reason.RANDOM.value,)))
    return picks
