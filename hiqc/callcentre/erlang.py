"""Erlang C staffing (regulations.md CC-4; standard 4.1.3(1)).

Traffic A = λ·AHT (Erlangs). P(wait) is computed through the Erlang B recursion
B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), then C = N·B / (N − A·(1 − B)) — algebraically the
factorial formula in CC-4 but without factorials or powers, so it stays exact to floating-point
precision for thousands of agents. SL(t) = 1 − C·e^{−(N−A)·t/AHT}; ASA = C·AHT/(N−A);
occupancy = A/N. Erlang C ignores abandonment, so it slightly overstates the agents needed;
shrinkage (breaks, training, absence) is added on top: scheduled = ⌈needed / (1 − shrinkage)⌉.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 20_000


@dataclass(frozen=True)
class ErlangC:
    traffic: float
    agents: int
    p_wait: float
    service_level: float
    asa_s: float | None  # None when the queue is unstable (agents ≤ traffic)
    occupancy: float


def traffic(calls: float, interval_s: float, aht_s: float) -> float:
    return calls * aht_s / interval_s


def p_wait(a: float, n: int) -> float:
    """Erlang C: the probability that a call waits (1 when n ≤ a: the queue grows without bound)."""
    if n <= a:
        return 1.0
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return n * b / (n - a * (1 - b))


def erlang_c(
    *, calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float
) -> ErlangC:
    a = traffic(calls, interval_s, aht_s)
    c = p_wait(a, agents)
    if agents <= a:
        return ErlangC(a, agents, 1.0, 0.0, None, min(1.0, a / agents) if agents else 1.0)
    sl = 1 - c * math.exp(-(agents - a) * threshold_s / aht_s)
    return ErlangC(a, agents, c, max(0.0, min(1.0, sl)), c * aht_s / (agents - a), a / agents)


def agents_needed(
    *, calls: float, interval_s: float, aht_s: float, threshold_s: float, target: float
) -> ErlangC:
    """The fewest agents whose service level reaches ``target`` (0 < target < 1). One pass of the
    Erlang B recursion: O(agents), whatever the answer."""
    a = traffic(calls, interval_s, aht_s)
    if a >= MAX_AGENTS:
        raise ValueError(f"more than {MAX_AGENTS} agents would be needed")
    b = 1.0
    for n in range(1, MAX_AGENTS + 1):
        b = a * b / (n + a * b)
        if n <= a:
            continue
        c = n * b / (n - a * (1 - b))
        sl = 1 - c * math.exp(-(n - a) * threshold_s / aht_s)
        if sl >= target:
            return ErlangC(a, n, c, min(1.0, sl), c * aht_s / (n - a), a / n)
    raise ValueError(f"more than {MAX_AGENTS} agents would be needed")


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` remain after ``shrinkage`` (0 ≤ shrinkage < 1). The
    quotient is rounded first so that float noise (5 / (1 - 0.9) = 50.000000000000014) does not
    add an agent."""
    return math.ceil(round(agents / (1 - shrinkage), 9))
