"""Shared statistics for audits, surveys, indicators and improvement — pure Python, no ORM.

Only the standard library (``math``, ``statistics``) is used at run time; the tests compare every
function with SciPy and with textbook worked examples. Confidence levels are given in percent
(``95``) or as a fraction (``0.95``).

Sampling (standard 5.1.2(3), 5.3)
    ``z_for``, ``sample_size`` (a proportion), ``sample_size_for_mean``, ``allocate``
    (proportional allocation to strata, also used for survey quotas).
Intervals
    ``wilson`` (a proportion), ``poisson_interval`` (a count), ``t_cdf`` / ``t_quantile`` (Student's t), ``mean_interval``,
    ``nps`` / ``nps_interval`` (Net Promoter Score), ``cronbach_alpha`` (scale reliability).
Before/after comparisons (improvement plans)
    ``two_proportion_z``, ``fisher_exact``, ``mann_whitney``.
Monitoring
    ``p_chart``, ``xmr_chart``, ``western_electric`` (run rules), ``funnel_limits``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import NormalDist, fmean, median, stdev, variance
from typing import Literal, NamedTuple

_NORMAL = NormalDist()
_EPS = 3e-16  # relative accuracy asked of the continued fraction
_TINY = 1e-300  # Lentz's guard against division by zero
_MAX_TERMS = 100_000

# Shewhart constants for moving ranges of two (ASTM E2587; Montgomery, Table VI of the Appendix)
XMR_LIMIT_FACTOR = 2.66  # 3 / d2, d2 = 1.128
MR_UCL_FACTOR = 3.267  # D4 for subgroups of two
D2_TWO = 1.128


# --- sampling -------------------------------------------------------------------------------------


def _level(confidence: float) -> float:
    level = confidence / 100 if confidence > 1 else confidence
    if not 0 < level < 1:
        raise ValueError("confidence must lie strictly between 0 and 100 %")
    return level


def z_for(confidence: float) -> float:
    """Two-sided critical value: 90 → 1.6449, 95 → 1.9600, 99 → 2.5758 (percent or fraction)."""
    return _NORMAL.inv_cdf(1 - (1 - _level(confidence)) / 2)


def sample_size(
    population: int | None, *, margin: float, confidence: float = 95, p: float = 0.5
) -> int:
    """Units to sample so a proportion is known within ± ``margin`` (a fraction).

    ``n0 = z²·p(1−p)/e²`` and, for a finite frame of ``N`` units, ``n = n0 / (1 + (n0 − 1)/N)``,
    rounded up (Cochran, *Sampling Techniques*, 3rd ed., 1977, §4.4). ``p`` is 0.5 (the most
    conservative) unless an expected rate is given. ``population`` None = an infinite frame.
    """
    if not 0 < margin < 1 or not 0 < p < 1:
        raise ValueError("margin and p must lie strictly between 0 and 1")
    z = z_for(confidence)
    n0 = z * z * p * (1 - p) / (margin * margin)
    if population is None:
        return math.ceil(n0)
    if population <= 0:
        return 0
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def sample_size_for_mean(
    sd: float, margin: float, confidence: float = 95, population: int | None = None
) -> int:
    """Units to sample so a mean is known within ± ``margin`` (same unit as ``sd``).

    ``n0 = (z·S/e)²`` with ``S`` a prior estimate of the standard deviation (a pilot survey, the
    last round); for a finite population of ``N`` units ``n = n0 / (1 + n0/N)``, rounded up
    (Cochran 1977, §4.6). The normal ``z`` is used, as Cochran does; for very small samples the
    t interval of ``mean_interval`` will come out slightly wider than ``margin``.
    """
    if sd < 0 or margin <= 0:
        raise ValueError("sd must be ≥ 0 and margin > 0")
    z = z_for(confidence)
    n0 = (z * sd / margin) ** 2
    if population is None:
        return max(1, math.ceil(n0)) if sd > 0 else 1
    if population <= 0:
        return 0
    return min(population, max(1, math.ceil(n0 / (1 + n0 / population))))


def allocate(sizes: Sequence[int], n: int) -> list[int]:
    """Proportional allocation of ``n`` over strata of ``sizes``; sums to min(n, Σ sizes).

    ``n_h = n·N_h/N`` (Cochran 1977, §5.5) rounded by largest remainder (Hamilton's method) so that
    the strata add up to exactly ``n``; ties go to the larger stratum, then the earlier one. Also
    the quota allocation of surveys (quotas proportional to the population of each cell).
    """
    total = sum(sizes)
    n = min(n, total)
    if total == 0 or n == 0:
        return [0] * len(sizes)
    exact = [n * s / total for s in sizes]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - out[i]), -sizes[i], i))
    for i in order[: n - sum(out)]:
        out[i] += 1
    return out


# --- intervals ------------------------------------------------------------------------------------


def wilson(errors: int, n: int, confidence: float = 95) -> tuple[float, float]:
    """Wilson score interval for ``errors`` out of ``n`` (n = 0 → (0, 1)).

    ``(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`` (Wilson, JASA 22, 1927; Newcombe,
    Stat Med 17, 1998, method 3). It stays inside [0, 1] and behaves at 0 events, where the
    normal (Wald) approximation collapses to a point.
    """
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


def _gammainc(a: float, x: float) -> float:
    """Regularized lower incomplete gamma ``P(a, x)``: the series below ``a + 1``, the continued
    fraction of ``Q`` (modified Lentz) above it (Numerical Recipes, 3rd ed., §6.2, ``gammp``)."""
    if x <= 0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        ap = a
        for _n in range(_MAX_TERMS):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                return min(1.0, total * math.exp(log_front))
        raise ArithmeticError("incomplete gamma series did not converge")
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _MAX_TERMS + 1):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1) < _EPS:
            return max(0.0, 1 - math.exp(log_front) * h)
    raise ArithmeticError("incomplete gamma continued fraction did not converge")


def _gamma_root(a: float, p: float) -> float:
    """The ``x`` with ``P(a, x) = p`` (bisection; ``P`` rises with ``x``)."""
    low, high = 0.0, a + 20 * math.sqrt(a) + 40
    for _i in range(200):
        mid = (low + high) / 2
        if _gammainc(a, mid) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-13 * max(1.0, high):
            break
    return (low + high) / 2


def poisson_interval(events: int, confidence: float = 95) -> tuple[float, float]:
    """Exact (Garwood, 1936) interval for the mean of a Poisson count of ``events``.

    Lower: the mean at which ``P(X ≥ k) = α/2``; upper: the mean at which ``P(X ≤ k) = α/2`` —
    equal to ``χ²(α/2; 2k)/2`` and ``χ²(1 − α/2; 2k + 2)/2`` (Ulm, Am J Epidemiol 131, 1990),
    found here through the regularized incomplete gamma. Divide by the exposure for a rate
    (complaints per 10,000 policies)."""
    if events < 0:
        raise ValueError("events must not be negative")
    alpha = 1 - _level(confidence)
    low = 0.0 if events == 0 else _gamma_root(events, alpha / 2)
    return (low, _gamma_root(events + 1, 1 - alpha / 2))


def _continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function, modified Lentz's method
    (Press et al., *Numerical Recipes*, 3rd ed., §6.4, ``betacf``)."""
    qab, qap, qam = a + b, a + 1, a - 1
    c = 1.0
    d = 1 - qab * x / qap
    d = 1 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1 + aa * d
            d = 1 / (d if abs(d) > _TINY else _TINY)
            c = 1 + aa / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1) < _EPS:
            return h
    raise ArithmeticError("incomplete beta continued fraction did not converge")


def _stirling_tail(x: float) -> float:
    """``ln Γ(x) − [(x − ½)·ln x − x + ½·ln 2π]``, Stirling's series (A&S 6.1.41), for x ≥ 20."""
    x2 = x * x
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x


def _log_beta(a: float, b: float) -> float:
    """``ln B(a, b)``; with a large argument the difference ``ln Γ(big) − ln Γ(big + small)`` is
    taken from Stirling's series so it does not cancel (t with many degrees of freedom)."""
    small, big = min(a, b), max(a, b)
    if big < 20:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    difference = (
        -(big - 0.5) * math.log1p(small / big)
        - small * math.log(big + small)
        + small
        + _stirling_tail(big)
        - _stirling_tail(big + small)
    )
    return math.lgamma(small) + difference


def _betainc(a: float, b: float, x: float, y: float) -> float:
    """Regularized incomplete beta ``I_x(a, b)``; ``y`` = 1 − x, given by the caller so a tiny
    complement keeps its precision (Numerical Recipes §6.4, ``betai``)."""
    if x <= 0:
        return 0.0
    if y <= 0:
        return 1.0
    log_x = math.log(x) if x < 0.5 else math.log1p(-y)
    log_y = math.log(y) if y < 0.5 else math.log1p(-x)
    log_front = a * log_x + b * log_y - _log_beta(a, b)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1 - math.exp(log_front) * _continued_fraction(b, a, y) / b


def _check_df(df: float) -> None:
    if not df > 0:
        raise ValueError("degrees of freedom must be > 0")


def t_cdf(t: float, df: float) -> float:
    """Student's t distribution function P(T ≤ t) with ``df`` (> 0, may be fractional or inf).

    The tail is ``½·I_x(df/2, ½)`` with ``x = df/(df + t²)``, the regularized incomplete beta
    function evaluated by its continued fraction (Abramowitz & Stegun 26.7.1 and 26.5.8;
    Numerical Recipes §6.4). ``df = inf`` is the standard normal. Relative accuracy of the lower
    tail about 1e-12 up to df = 1e5 (checked against SciPy).
    """
    _check_df(df)
    if math.isnan(t):
        return math.nan
    if math.isinf(df):
        return _NORMAL.cdf(t)
    if t == 0:
        return 0.5
    if abs(t) > 1:  # x and its complement without overflowing t²
        r = df / t / t
        x, y = r / (1 + r), 1 / (1 + r)
    else:
        x, y = df / (df + t * t), t * t / (df + t * t)
    tail = 0.5 * _betainc(df / 2, 0.5, x, y)
    return 1 - tail if t > 0 else tail


def _t_pdf(t: float, df: float) -> float:
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))


def t_quantile(p: float, df: float) -> float:
    """Inverse of ``t_cdf``: the ``t`` with P(T ≤ t) = ``p`` (e.g. 0.975, 9 → 2.2622).

    Solved in the lower tail (the upper by symmetry) by Newton's method on ``t_cdf`` started from
    the normal quantile and safeguarded by bisection inside a bracket that always holds the root
    (Press et al., *Numerical Recipes*, §9.4 ``rtsafe``).
    """
    _check_df(df)
    if not 0 < p < 1:
        raise ValueError("p must lie strictly between 0 and 1")
    if math.isinf(df):
        return _NORMAL.inv_cdf(p)
    if p == 0.5:
        return 0.0
    q = min(p, 1 - p)
    hi = 0.0
    lo = min(-1.0, _NORMAL.inv_cdf(q))
    while t_cdf(lo, df) > q:
        hi, lo = lo, lo * 2
    t = max(lo, min(hi, _NORMAL.inv_cdf(q)))
    for _ in range(2000):
        f = t_cdf(t, df) - q
        if f == 0:
            break
        if f > 0:
            hi = t
        else:
            lo = t
        density = _t_pdf(t, df)
        candidate = t - f / density if density > 0 else lo
        if not lo < candidate < hi:
            candidate = (lo + hi) / 2
        if abs(candidate - t) <= 1e-14 * max(1.0, abs(t)) or candidate in (lo, hi):
            t = candidate
            break
        t = candidate
    return t if p < 0.5 else -t


class MeanInterval(NamedTuple):
    """(mean, low, high); low and high are None below two values (no spread to estimate)."""

    mean: float
    low: float | None
    high: float | None


def mean_interval(values: Sequence[float], confidence: float = 95) -> MeanInterval:
    """Mean with its t interval ``x̄ ± t(1−α/2, n−1)·s/√n`` (Student 1908; any statistics text).

    One value gives the mean with ``low = high = None``: the interval is undefined, not zero-wide.
    No values raises ``ValueError``. Assumes roughly normal data or a sample large enough for the
    central limit theorem (for scores on a 1–5 scale, n ≥ 30 is customary).
    """
    n = len(values)
    if n == 0:
        raise ValueError("mean_interval needs at least one value")
    mean = fmean(values)
    if n < 2:
        return MeanInterval(mean, None, None)
    level = _level(confidence)
    half = t_quantile(1 - (1 - level) / 2, n - 1) * stdev(values, mean) / math.sqrt(n)
    return MeanInterval(mean, mean - half, mean + half)


def _nps_shares(promoters: int, passives: int, detractors: int) -> tuple[float, float, int]:
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts must be ≥ 0")
    n = promoters + passives + detractors
    if n == 0:
        raise ValueError("NPS needs at least one response")
    return promoters / n, detractors / n, n


def nps(promoters: int, passives: int, detractors: int) -> float:
    """Net Promoter Score = % promoters (9–10) − % detractors (0–6), on −100..100
    (Reichheld, *Harvard Business Review*, 2003). No responses raises ``ValueError``."""
    p_p, p_d, _ = _nps_shares(promoters, passives, detractors)
    return 100 * (p_p - p_d)


def nps_interval(
    promoters: int, passives: int, detractors: int, confidence: float = 95
) -> tuple[float, float]:
    """Confidence interval of the NPS, in NPS points (−100..100).

    The NPS is a difference of two proportions from the *same* multinomial sample, so they are
    negatively correlated: ``Var(p̂_P − p̂_D) = (p_P + p_D − (p_P − p_D)²)/n`` (the multinomial
    variance of a difference; Rocks, "Confidence intervals for the Net Promoter Score", 2016;
    Sauro & Lewis, *Quantifying the User Experience*, 2nd ed., 2016, ch. 5). The interval is the
    normal (Wald) approximation ``100·(d ± z·√Var)``, clipped to [−100, 100].

    Limits: it is reliable for n ≳ 30 with both promoters and detractors present; at the extremes
    (all promoters, or none of either) the variance is 0 and the interval collapses to the point,
    so show the sample size beside it and treat small groups as "sample too small".
    """
    p_p, p_d, n = _nps_shares(promoters, passives, detractors)
    d = p_p - p_d
    var = max(0.0, (p_p + p_d - d * d) / n)
    half = z_for(confidence) * math.sqrt(var)
    return (max(-100.0, 100 * (d - half)), min(100.0, 100 * (d + half)))


def cronbach_alpha(items: Sequence[Sequence[float]]) -> float:
    """Cronbach's alpha of a scale: ``k/(k−1)·(1 − Σσ²_i/σ²_total)`` (Cronbach, Psychometrika 16,
    1951), with sample variances (n − 1).

    ``items`` is respondents × items, complete cases only (drop incomplete rows first). Needs at
    least two respondents and two items; a total score without variance raises ``ValueError``.
    Customary reading: ≥ 0.7 acceptable, ≥ 0.8 good (Nunnally 1978).
    """
    if len(items) < 2:
        raise ValueError("cronbach_alpha needs at least two respondents")
    k = len(items[0])
    if k < 2:
        raise ValueError("cronbach_alpha needs at least two items")
    if any(len(row) != k for row in items):
        raise ValueError("every respondent must answer every item (complete cases)")
    item_variances = [variance([row[j] for row in items]) for j in range(k)]
    total_variance = variance([math.fsum(row) for row in items])
    if total_variance == 0:
        raise ValueError("the total score has no variance: alpha is undefined")
    return k / (k - 1) * (1 - math.fsum(item_variances) / total_variance)


# --- before/after comparisons ---------------------------------------------------------------------


@dataclass(frozen=True)
class TwoProportionTest:
    """Group 1 (before) against group 2 (after); ``difference`` = p2 − p1."""

    p1: float
    p2: float
    difference: float
    z: float
    p_value: float
    low: float
    high: float


def _check_counts(x: int, n: int) -> None:
    if n <= 0 or not 0 <= x <= n:
        raise ValueError("each group needs n > 0 and 0 ≤ x ≤ n")


def two_proportion_z(
    x1: int, n1: int, x2: int, n2: int, confidence: float = 95
) -> TwoProportionTest:
    """Two-proportion z test and interval for ``p2 − p1`` (e.g. an error rate after − before).

    * Test: ``z = (p̂2 − p̂1)/√(p̄(1−p̄)(1/n1 + 1/n2))`` with the pooled ``p̄ = (x1+x2)/(n1+n2)``,
      two-sided p-value; equals Pearson's χ² without continuity correction (z² = χ²). When the
      pooled rate is 0 or 1 nothing differs: z = 0, p = 1.
    * Interval: Newcombe's hybrid score interval (Newcombe, Stat Med 17:873, 1998, method 10),
      built from the two Wilson intervals (l_i, u_i):
      ``d − √((p̂2 − l2)² + (u1 − p̂1)²)`` to ``d + √((u2 − p̂2)² + (p̂1 − l1)²)``. Unlike the Wald
      interval it keeps good coverage with small counts and zero events.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    p1, p2 = x1 / n1, x2 / n2
    d = p2 - p1
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        z, p_value = 0.0, 1.0
    else:
        z = d / se
        p_value = min(1.0, 2 * _NORMAL.cdf(-abs(z)))
    l1, u1 = wilson(x1, n1, confidence)
    l2, u2 = wilson(x2, n2, confidence)
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return TwoProportionTest(p1, p2, d, z, p_value, max(-1.0, low), min(1.0, high))


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test for the 2×2 table [[x1, n1−x1], [x2, n2−x2]].

    Conditioning on the margins, ``x1`` is hypergeometric; the p-value is the sum of the
    probabilities of every table no more likely than the observed one, with a relative tolerance
    of 1e-7 so that tables equally likely up to rounding count (Fisher 1935; the rule of R's
    ``fisher.test`` and of ``scipy.stats.fisher_exact``). Use it instead of ``two_proportion_z``
    when an expected cell count is below 5.
    """
    _check_counts(x1, n1)
    _check_counts(x2, n2)
    k, total = x1 + x2, n1 + n2
    log_denominator = _log_comb(total, k)

    def log_pmf(x: int) -> float:
        return _log_comb(n1, x) + _log_comb(n2, k - x) - log_denominator

    observed = log_pmf(x1)
    threshold = observed + math.log1p(1e-7)
    terms = [
        math.exp(lp)
        for x in range(max(0, k - n2), min(k, n1) + 1)
        if (lp := log_pmf(x)) <= threshold
    ]
    return min(1.0, math.fsum(terms))


@dataclass(frozen=True)
class MannWhitney:
    """``u`` is the U statistic of ``a`` (as ``scipy.stats.mannwhitneyu(a, b)`` reports it)."""

    u: float
    p_value: float
    shift: float  # Hodges–Lehmann estimate of b − a
    common_language: float  # P(B > A) + ½·P(B = A)
    rank_biserial: float  # 2·common_language − 1, in −1..1; > 0 when b tends to be larger


def _midranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """Ranks 1..n with ties given their average rank, and the sizes of the tie groups."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    ties: list[int] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2 + 1
        ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> MannWhitney:
    """Mann–Whitney U (Wilcoxon rank-sum) test of ``a`` (before) against ``b`` (after).

    * ``U_a = R_a − n_a(n_a+1)/2`` from mid-ranks (Mann & Whitney, Ann Math Stat 18, 1947).
    * Two-sided p-value by the normal approximation with tie and continuity corrections:
      ``z = (max(U_a, U_b) − n_a·n_b/2 − ½)/σ``,
      ``σ² = n_a·n_b/12·((n+1) − Σ(t³ − t)/(n(n−1)))`` (Lehmann, *Nonparametrics*, 1975, §1.4) —
      the same as ``scipy.stats.mannwhitneyu(method="asymptotic", use_continuity=True)``. For
      very small groups without ties an exact test would be preferable.
    * ``shift``: Hodges–Lehmann estimate, the median of all n_a·n_b differences ``b_j − a_i``
      (Hodges & Lehmann, Ann Math Stat 34, 1963); memory grows with n_a·n_b.
    * ``common_language``: McGraw & Wong's (Psych Bull 111, 1992) probability that a random
      ``b`` exceeds a random ``a`` (ties count ½) = U_b/(n_a·n_b); ``rank_biserial`` (Kerby,
      2014) = 2·CL − 1.
    """
    na, nb = len(a), len(b)
    if na == 0 or nb == 0:
        raise ValueError("mann_whitney needs at least one value in each group")
    ranks, ties = _midranks([*a, *b])
    n = na + nb
    u_a = math.fsum(ranks[:na]) - na * (na + 1) / 2
    u_b = na * nb - u_a
    tie_term = sum(t**3 - t for t in ties)
    sigma2 = na * nb / 12 * ((n + 1) - (tie_term / (n * (n - 1)) if n > 1 else 0))
    if sigma2 <= 0:
        p_value = 1.0
    else:
        z = (max(u_a, u_b) - na * nb / 2 - 0.5) / math.sqrt(sigma2)
        p_value = min(1.0, 2 * _NORMAL.cdf(-z))
    shift = median([y - x for x in a for y in b])
    cl = u_b / (na * nb)
    return MannWhitney(u_a, p_value, shift, cl, 2 * cl - 1)


# --- monitoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PChart:
    """Centre line and per-point 3σ limits; ``sigma`` is per point, for ``western_electric``."""

    centre: float
    proportions: tuple[float, ...]
    sigma: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]

    @property
    def beyond(self) -> tuple[int, ...]:
        """Indices of points outside their limits."""
        return tuple(
            i
            for i, (p, lo, hi) in enumerate(
                zip(self.proportions, self.lower, self.upper, strict=True)
            )
            if p < lo or p > hi
        )


def p_chart(points: Sequence[tuple[int, int]]) -> PChart:
    """p chart of (events x_i, denominator n_i) per period: ``p̄ = Σx/Σn`` and per point
    ``p̄ ± 3·√(p̄(1−p̄)/n_i)`` clipped to [0, 1] (Shewhart 1931; Montgomery, *Introduction to
    Statistical Quality Control*, 7th ed., §7.2, variable sample size §7.3.1)."""
    if not points:
        raise ValueError("p_chart needs at least one point")
    for x, n in points:
        _check_counts(x, n)
    centre = sum(x for x, _ in points) / sum(n for _, n in points)
    sigma = tuple(math.sqrt(centre * (1 - centre) / n) for _, n in points)
    return PChart(
        centre=centre,
        proportions=tuple(x / n for x, n in points),
        sigma=sigma,
        lower=tuple(max(0.0, centre - 3 * s) for s in sigma),
        upper=tuple(min(1.0, centre + 3 * s) for s in sigma),
    )


@dataclass(frozen=True)
class XmRChart:
    """Individuals (X) and moving-range (mR) chart; ``sigma`` = MR̄/d2 for ``western_electric``."""

    centre: float
    lower: float
    upper: float
    moving_ranges: tuple[float, ...]
    mr_bar: float
    mr_upper: float
    sigma: float


def xmr_chart(values: Sequence[float]) -> XmRChart:
    """XmR chart: centre x̄, moving ranges ``|x_i − x_{i−1}|``, ``MR̄``, natural process limits
    ``x̄ ± 2.66·MR̄`` (2.66 = 3/d2, d2 = 1.128) and the mR chart's upper limit ``3.267·MR̄``
    (D4 for n = 2; lower limit 0) (Wheeler & Chambers, *Understanding Statistical Process
    Control*, 1992; Montgomery §6.4). Needs at least two values."""
    if len(values) < 2:
        raise ValueError("xmr_chart needs at least two values")
    centre = fmean(values)
    ranges = tuple(abs(b - a) for a, b in pairwise(values))
    mr_bar = fmean(ranges)
    return XmRChart(
        centre=centre,
        lower=centre - XMR_LIMIT_FACTOR * mr_bar,
        upper=centre + XMR_LIMIT_FACTOR * mr_bar,
        moving_ranges=ranges,
        mr_bar=mr_bar,
        mr_upper=MR_UCL_FACTOR * mr_bar,
        sigma=mr_bar / D2_TWO,
    )


def _per_point(value: float | Sequence[float], n: int, name: str) -> list[float]:
    if isinstance(value, int | float):
        return [float(value)] * n
    if len(value) != n:
        raise ValueError(f"{name} must be a number or one value per point")
    return [float(v) for v in value]


def western_electric(
    values: Sequence[float],
    centre: float | Sequence[float],
    sigma: float | Sequence[float],
) -> list[list[int]]:
    """Western Electric run rules (*Statistical Quality Control Handbook*, 1956; Montgomery
    §5.3.6): for each point, the rules it fires.

    1. the point lies beyond 3σ;
    2. two of three consecutive points lie beyond 2σ on the same side;
    3. four of five consecutive points lie beyond 1σ on the same side;
    4. eight consecutive points lie on the same side of the centre line.

    A rule fires at the point that completes its pattern, and only if that point is itself one of
    the points beyond the zone (as Minitab flags them). "Beyond" is strict; a point on the centre
    line breaks a run. ``centre`` and ``sigma`` are numbers or one value per point (p charts have
    limits that vary with n); sigma 0 makes any deviation infinitely far.
    """
    n = len(values)
    centres = _per_point(centre, n, "centre")
    sigmas = _per_point(sigma, n, "sigma")
    if any(s < 0 for s in sigmas):
        raise ValueError("sigma must be ≥ 0")
    z: list[float] = []
    for x, c, s in zip(values, centres, sigmas, strict=True):
        deviation = x - c
        if s > 0:
            z.append(deviation / s)
        else:
            z.append(0.0 if deviation == 0 else math.copysign(math.inf, deviation))

    def side_count(i: int, window: int, zone: float, side: int) -> int:
        return sum(1 for v in z[i - window + 1 : i + 1] if side * v > zone)

    fired: list[list[int]] = []
    for i, v in enumerate(z):
        rules = []
        side = 1 if v > 0 else -1 if v < 0 else 0
        if abs(v) > 3:
            rules.append(1)
        if side and i >= 2 and side * v > 2 and side_count(i, 3, 2, side) >= 2:
            rules.append(2)
        if side and i >= 4 and side * v > 1 and side_count(i, 5, 1, side) >= 4:
            rules.append(3)
        if side and i >= 7 and side_count(i, 8, 0, side) == 8:
            rules.append(4)
        fired.append(rules)
    return fired


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p) = ``I_{1−p}(n − k, k + 1)`` (A&S 26.5.24)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return _betainc(n - k, k + 1, 1 - p, p)


def _binom_limit(p0: float, n: int, prob: float) -> float:
    # smallest r with F(r) ≥ prob, by bisection on 0..n
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if _binom_cdf(mid, n, p0) >= prob:
            hi = mid
        else:
            lo = mid + 1
    r = lo
    f_r, f_below = _binom_cdf(r, n, p0), _binom_cdf(r - 1, n, p0)
    alpha = (f_r - prob) / (f_r - f_below) if f_r > f_below else 0.0
    return min(1.0, max(0.0, (r - alpha) / n))


def funnel_limits(
    p0: float,
    n: int,
    confidence: float = 95,
    *,
    method: Literal["exact", "normal"] = "exact",
) -> tuple[float, float]:
    """Funnel plot limits (lower, upper) for a proportion with target ``p0`` and denominator ``n``.

    ``"exact"`` (default): the binomial quantiles of Spiegelhalter's funnel plots (Stat Med
    24:1185, 2005, Appendix A.1.1) smoothed by his interpolation: with ``r`` the smallest count
    such that ``F(r) ≥ q`` (q = α/2 or 1 − α/2), the limit is ``(r − a)/n`` with
    ``a = (F(r) − q)/(F(r) − F(r − 1))``, so the limits are continuous in ``n``.
    ``"normal"``: ``p0 ± z·√(p0(1−p0)/n)``, clipped to [0, 1] — fine when ``n·p0`` is large.
    Usual confidences are 95 (≈2σ, warning) and 99.8 (≈3σ, alarm). Limits never cross ``p0``;
    below about one expected event (``n·p0`` or ``n·(1−p0)`` < 1) they say little either way.
    """
    if not 0 < p0 < 1:
        raise ValueError("p0 must lie strictly between 0 and 1")
    if n <= 0:
        raise ValueError("n must be > 0")
    level = _level(confidence)
    if method == "normal":
        half = z_for(level) * math.sqrt(p0 * (1 - p0) / n)
        return (max(0.0, p0 - half), min(1.0, p0 + half))
    if method != "exact":
        raise ValueError("method must be 'exact' or 'normal'")
    tail = (1 - level) / 2
    # with fewer than about one expected event (or non-event) the interpolated quantile can fall
    # on the wrong side of the target; a limit never crosses the target line
    return (min(p0, _binom_limit(p0, n, tail)), max(p0, _binom_limit(p0, n, 1 - tail)))
