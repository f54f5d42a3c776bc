"""hiqc.core.stats against SciPy, textbook worked examples and a few properties — pure, no DB."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from hiqc.core.stats import (
    allocate,
    cronbach_alpha,
    fisher_exact,
    funnel_limits,
    mann_whitney,
    mean_interval,
    nps,
    nps_interval,
    p_chart,
    poisson_interval,
    sample_size,
    sample_size_for_mean,
    t_cdf,
    t_quantile,
    two_proportion_z,
    western_electric,
    wilson,
    xmr_chart,
    z_for,
)

DFS = [0.5, 1, 1.5, 2, 3, 5, 9, 10, 19.5, 20, 30, 47, 100, 1000, 1e5]

# Montgomery, Introduction to Statistical Quality Control, Example 7.1 (orange-juice cans):
# nonconforming cans in 30 samples of 50.
MONTGOMERY_7_1 = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22]
MONTGOMERY_7_1 += [8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]


# --- sample size and allocation -----------------------------------------------------------------


def test_z_values_for_90_95_99_percent_confidence():
    assert round(z_for(90), 4) == 1.6449
    assert round(z_for(95), 4) == 1.96
    assert round(z_for(0.95), 4) == 1.96
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


def test_sample_size_for_a_mean_is_z_sd_over_margin_squared_with_the_cochran_correction():
    # (1.96 · 15 / 5)² = 34.57 → 35; N = 100: 34.57 / (1 + 34.57/100) = 25.7 → 26
    assert sample_size_for_mean(15, 5) == 35
    assert sample_size_for_mean(15, 5, 95, population=100) == 26
    assert sample_size_for_mean(15, 5, 99) == 60  # (2.5758 · 3)² = 59.7
    assert sample_size_for_mean(15, 0.1, population=40) == 40
    assert sample_size_for_mean(0, 1) == 1


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


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="margin"):
        sample_size(100, margin=0)
    with pytest.raises(ValueError, match="confidence"):
        z_for(100)
    with pytest.raises(ValueError, match="margin"):
        sample_size_for_mean(10, 0)


# --- Wilson ---------------------------------------------------------------------------------------


def test_wilson_interval_known_values():
    low, high = wilson(5, 100)
    assert (round(low, 4), round(high, 4)) == (0.0215, 0.1118)
    low, high = wilson(50, 50)
    assert (round(low, 4), high) == (0.9287, 1.0)


def test_wilson_interval_for_zero_errors_starts_at_zero():
    low, high = wilson(0, 50)
    assert low == 0.0
    assert round(high, 4) == 0.0713


def test_wilson_interval_matches_newcombe_1998_table_1():
    # Newcombe, Stat Med 17:857 (1998), Table I, method 3 (Wilson score, no continuity correction)
    expected = {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }
    for (k, n), interval in expected.items():
        assert tuple(round(v, 4) for v in wilson(k, n)) == interval


def test_wilson_interval_matches_scipy_binomtest():
    for k, n in [(0, 7), (3, 7), (7, 7), (5, 100), (81, 263), (499, 1000)]:
        for confidence in (90, 95, 99):
            ci = sps.binomtest(k, n).proportion_ci(confidence / 100, method="wilson")
            assert wilson(k, n, confidence) == pytest.approx((ci.low, ci.high), abs=1e-12)


@given(st.integers(min_value=1, max_value=2000), st.data())
def test_wilson_interval_lies_in_0_1_and_contains_the_observed_rate(n, data):
    errors = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(errors, n)
    assert 0 <= low <= errors / n <= high <= 1


# --- Student's t and the mean ---------------------------------------------------------------------


def test_t_quantiles_match_the_printed_table():
    assert round(t_quantile(0.975, 1), 3) == 12.706
    assert round(t_quantile(0.975, 9), 4) == 2.2622
    assert round(t_quantile(0.95, 20), 3) == 1.725
    assert round(t_quantile(0.995, 30), 3) == 2.750
    assert round(t_quantile(0.025, 9), 4) == -2.2622
    assert t_quantile(0.5, 7) == 0.0
    assert t_quantile(0.975, math.inf) == pytest.approx(1.959964, abs=1e-6)


def test_t_quantile_matches_scipy():
    for df in DFS:
        for p in (1e-9, 0.0005, 0.005, 0.025, 0.05, 0.2, 0.45, 0.55, 0.9, 0.975, 0.9995):
            assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-10), (p, df)


def test_t_cdf_matches_scipy_including_the_far_lower_tail():
    for df in DFS:
        for t in (-200.0, -30.0, -6.0, -2.5, -1.0, -0.3, 0.0, 0.7, 2.0, 4.0, 50.0):
            expected = sps.t.cdf(t, df)
            assert t_cdf(t, df) == pytest.approx(expected, rel=1e-10, abs=1e-15), (t, df)


def test_t_cdf_with_one_and_two_degrees_of_freedom_has_closed_forms():
    for t in (-1e6, -10.0, -1.0, -1e-8, 0.5, 3.0):
        assert t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, rel=1e-13)  # Cauchy
        assert t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), rel=1e-13)


@given(
    st.floats(min_value=1e-6, max_value=1 - 1e-6),
    st.floats(min_value=0.5, max_value=500),
)
def test_t_quantile_inverts_t_cdf(p, df):
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, rel=1e-9)


def test_t_functions_refuse_bad_arguments():
    with pytest.raises(ValueError, match="degrees"):
        t_cdf(1.0, 0)
    with pytest.raises(ValueError, match="p must"):
        t_quantile(1.0, 5)


def test_mean_interval_matches_scipy_t_interval():
    rng = random.Random(3)
    for n in (2, 3, 10, 50):
        values = [rng.gauss(4, 1) for _ in range(n)]
        for confidence in (90, 95, 99):
            mean, low, high = mean_interval(values, confidence)
            ci = sps.t.interval(confidence / 100, n - 1, loc=np.mean(values), scale=sps.sem(values))
            assert mean == pytest.approx(np.mean(values), rel=1e-14)
            assert (low, high) == pytest.approx(ci, rel=1e-10)


def test_mean_interval_of_one_value_has_no_interval_and_of_none_is_refused():
    assert mean_interval([4.0]) == (4.0, None, None)
    assert mean_interval([4.0]).low is None
    with pytest.raises(ValueError, match="at least one"):
        mean_interval([])


# --- NPS and reliability --------------------------------------------------------------------------


def test_nps_is_percent_promoters_minus_percent_detractors():
    assert nps(50, 30, 20) == pytest.approx(30.0)
    assert nps(0, 0, 7) == -100.0
    assert nps(3, 0, 0) == 100.0


def test_nps_interval_uses_the_multinomial_variance_of_the_difference():
    # p_P = .5, p_D = .2: Var = (.5 + .2 − .3²)/100 = .0061; 1.96·√.0061 = 15.31 points
    low, high = nps_interval(50, 30, 20)
    assert (round(low, 2), round(high, 2)) == (14.69, 45.31)


def test_nps_interval_equals_the_wald_interval_of_scores_plus_one_zero_minus_one():
    for counts in [(50, 30, 20), (12, 40, 31), (1, 1, 1), (200, 13, 2)]:
        scores = np.array([1] * counts[0] + [0] * counts[1] + [-1] * counts[2])
        half = z_for(90) * math.sqrt(scores.var(ddof=0) / len(scores))
        expected = (100 * (scores.mean() - half), 100 * (scores.mean() + half))
        assert nps_interval(*counts, confidence=90) == pytest.approx(expected, rel=1e-12)


def test_nps_interval_stays_within_minus_100_and_100_and_needs_responses():
    assert nps_interval(30, 0, 0) == (100.0, 100.0)  # no variance: documented limitation
    low, high = nps_interval(2, 0, 1)
    assert -100 <= low < high <= 100
    with pytest.raises(ValueError, match="at least one response"):
        nps(0, 0, 0)
    with pytest.raises(ValueError, match="≥ 0"):
        nps_interval(-1, 2, 3)


def _alpha_by_numpy(items):
    data = np.array(items, dtype=float)
    k = data.shape[1]
    item_variances = data.var(axis=0, ddof=1).sum()
    return k / (k - 1) * (1 - item_variances / data.sum(axis=1).var(ddof=1))


def test_cronbach_alpha_matches_the_formula_computed_by_numpy():
    rng = random.Random(11)
    for respondents, k in [(5, 2), (30, 5), (200, 8)]:
        items = []
        for _ in range(respondents):
            trait = rng.gauss(0, 1)
            items.append([min(5, max(1, round(3 + trait + rng.gauss(0, 1)))) for _ in range(k)])
        assert cronbach_alpha(items) == pytest.approx(_alpha_by_numpy(items), rel=1e-12)


def test_cronbach_alpha_is_one_for_parallel_items_and_can_be_negative():
    assert cronbach_alpha([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]) == pytest.approx(1.0)
    # item variances 1 + 1, total variance 1: 2 · (1 − 2) = −2
    assert cronbach_alpha([[1, 3], [2, 1], [3, 2]]) == pytest.approx(-2.0)


def test_cronbach_alpha_refuses_incomplete_or_degenerate_data():
    with pytest.raises(ValueError, match="complete cases"):
        cronbach_alpha([[1, 2], [3]])
    with pytest.raises(ValueError, match="two items"):
        cronbach_alpha([[1], [2]])
    with pytest.raises(ValueError, match="no variance"):
        cronbach_alpha([[1, 2], [2, 1]])


# --- before/after comparisons ---------------------------------------------------------------------


def test_two_proportion_interval_is_newcombe_method_10_from_his_table_2():
    # Newcombe, Stat Med 17:873 (1998), Table II: 56/70 − 48/80, 9/10 − 3/10, 5/56 − 0/29
    for (x1, n1, x2, n2), expected in {
        (48, 80, 56, 70): (0.0524, 0.3339),
        (3, 10, 9, 10): (0.1705, 0.8090),
        (0, 29, 5, 56): (-0.0381, 0.1926),
    }.items():
        result = two_proportion_z(x1, n1, x2, n2)
        assert (round(result.low, 4), round(result.high, 4)) == expected
        assert result.low <= result.difference <= result.high


def test_two_proportion_z_squared_is_pearson_chi_square_without_correction():
    for x1, n1, x2, n2 in [(48, 80, 56, 70), (30, 200, 18, 210), (3, 10, 9, 10)]:
        result = two_proportion_z(x1, n1, x2, n2)
        chi2 = sps.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
        assert result.z**2 == pytest.approx(chi2.statistic, rel=1e-12)
        assert result.p_value == pytest.approx(chi2.pvalue, rel=1e-10)
        assert result.difference == pytest.approx(x2 / n2 - x1 / n1)
    assert two_proportion_z(18, 210, 30, 200).z > 0  # sign follows p2 − p1


def test_two_proportion_z_with_no_events_anywhere_finds_no_difference():
    result = two_proportion_z(0, 40, 0, 50)
    assert (result.z, result.p_value, result.difference) == (0.0, 1.0, 0.0)
    assert result.low < 0 < result.high


def test_fisher_exact_on_the_lady_tasting_tea_is_17_over_35():
    assert fisher_exact(3, 4, 1, 4) == pytest.approx(17 / 35)  # Fisher 1935


def test_fisher_exact_matches_scipy():
    rng = random.Random(5)
    tables = [(0, 5, 5, 5), (1, 2, 1, 2), (7, 12, 2, 15), (10, 100, 20, 100), (0, 1, 0, 3)]
    for _ in range(40):
        n1, n2 = rng.randint(1, 40), rng.randint(1, 40)
        tables.append((rng.randint(0, n1), n1, rng.randint(0, n2), n2))
    for x1, n1, x2, n2 in tables:
        expected = sps.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
        assert fisher_exact(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9), (x1, n1, x2, n2)


def test_mann_whitney_matches_scipy_asymptotic_with_continuity_and_ties():
    rng = random.Random(7)
    for na, nb in [(1, 1), (3, 4), (12, 9), (30, 25), (80, 120)]:
        a = [float(rng.randint(1, 5)) for _ in range(na)]  # Likert answers: many ties
        b = [float(rng.randint(2, 6)) for _ in range(nb)]
        result = mann_whitney(a, b)
        expected = sps.mannwhitneyu(a, b, method="asymptotic", use_continuity=True)
        assert result.u == pytest.approx(expected.statistic)
        assert result.p_value == pytest.approx(expected.pvalue, rel=1e-10)
        u_b = sps.mannwhitneyu(b, a, method="asymptotic").statistic
        assert result.common_language == pytest.approx(u_b / (na * nb))
        assert result.rank_biserial == pytest.approx(2 * u_b / (na * nb) - 1)
        differences = np.subtract.outer(np.array(b), np.array(a)).ravel()
        assert result.shift == pytest.approx(np.median(differences))


def test_mann_whitney_of_a_shifted_sample_estimates_the_shift():
    a = [float(x) for x in range(1, 11)]
    b = [x + 3 for x in a]
    result = mann_whitney(a, b)
    assert result.shift == 3.0
    assert result.common_language > 0.5 and result.rank_biserial > 0
    assert mann_whitney(b, a).shift == -3.0


def test_mann_whitney_of_identical_values_has_p_one_and_empty_groups_are_refused():
    result = mann_whitney([2.0, 2.0, 2.0], [2.0, 2.0])
    assert (result.p_value, result.shift, result.common_language) == (1.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="each group"):
        mann_whitney([], [1.0])


# --- control charts -------------------------------------------------------------------------------


def test_p_chart_reproduces_montgomery_example_7_1():
    chart = p_chart([(d, 50) for d in MONTGOMERY_7_1])
    assert round(chart.centre, 4) == 0.2313  # 347 / 1500
    assert round(chart.upper[0], 4) == 0.4102
    assert round(chart.lower[0], 4) == 0.0524
    assert chart.beyond == (14, 22)  # samples 15 and 23 are out of control


def test_p_chart_limits_vary_with_the_denominator_and_are_clipped():
    chart = p_chart([(1, 10), (20, 400), (0, 5)])
    assert chart.centre == pytest.approx(21 / 415)
    assert chart.lower == (
        0.0,
        pytest.approx(21 / 415 - 3 * math.sqrt(21 / 415 * 394 / 415 / 400)),
        0.0,
    )
    assert chart.upper[0] > chart.upper[1]
    assert chart.sigma[2] == pytest.approx(math.sqrt(21 / 415 * 394 / 415 / 5))


@given(
    st.lists(
        st.integers(min_value=1, max_value=500).flatmap(
            lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
        ),
        min_size=1,
        max_size=30,
    )
)
def test_p_chart_limits_always_lie_within_0_1_around_the_centre(points):
    chart = p_chart(points)
    for low, high in zip(chart.lower, chart.upper, strict=True):
        assert 0 <= low <= chart.centre <= high <= 1


def test_xmr_chart_uses_the_average_moving_range():
    chart = xmr_chart([10, 12, 11, 15, 13])
    assert chart.centre == pytest.approx(12.2)
    assert chart.moving_ranges == (2, 1, 4, 2)
    assert chart.mr_bar == pytest.approx(2.25)
    assert (chart.lower, chart.upper) == pytest.approx((12.2 - 5.985, 12.2 + 5.985))
    assert chart.mr_upper == pytest.approx(3.267 * 2.25)
    assert chart.sigma == pytest.approx(2.25 / 1.128)
    with pytest.raises(ValueError, match="two values"):
        xmr_chart([1.0])


def test_western_electric_rule_1_fires_on_a_point_beyond_three_sigma():
    assert western_electric([0, 0.5, -3.2, 0.1, 3.0], 0, 1) == [[], [], [1], [], []]


def test_western_electric_rule_2_needs_two_of_three_beyond_two_sigma_on_one_side():
    assert western_electric([0, 2.5, 0.5, 2.1], 0, 1)[3] == [2]
    assert western_electric([2.5, 0, -2.5], 0, 1) == [[], [], []]  # opposite sides
    assert western_electric([0, 2.5, 2.1, 0.3], 0, 1)[2:] == [[2], []]  # fires where completed


def test_western_electric_rule_3_needs_four_of_five_beyond_one_sigma_on_one_side():
    fired = western_electric([11.5, 11.2, 10.5, 11.1, 11.3], 10, 1)
    assert fired == [[], [], [], [], [3]]
    assert western_electric([11.5, 11.2, 10.5, 8.9, 11.3], 10, 1)[4] == []


def test_western_electric_rule_4_needs_eight_in_a_row_and_the_centre_line_breaks_a_run():
    assert western_electric([0.5] * 8, 0, 1)[7] == [4]
    assert western_electric([0.5] * 7, 0, 1) == [[]] * 7
    assert all(rules == [] for rules in western_electric([0.5] * 4 + [0] + [0.5] * 4, 0, 1))
    assert western_electric([-0.2] * 9, 0, 1)[7:] == [[4], [4]]


def test_western_electric_takes_a_sigma_per_point_from_a_p_chart():
    chart = p_chart([(d, 50) for d in MONTGOMERY_7_1])
    fired = western_electric(chart.proportions, chart.centre, chart.sigma)
    assert [i for i, rules in enumerate(fired) if 1 in rules] == [14, 22]
    with pytest.raises(ValueError, match="one value per point"):
        western_electric([0.1, 0.2], 0.1, [0.01])


def _spiegelhalter(p0, n, q):
    r = sps.binom.ppf(q, n, p0)
    f_r, f_below = sps.binom.cdf(r, n, p0), sps.binom.cdf(r - 1, n, p0)
    return (r - (f_r - q) / (f_r - f_below)) / n


def test_exact_funnel_limits_are_spiegelhalters_interpolated_binomial_quantiles():
    for p0 in (0.03, 0.1, 0.5, 0.9):
        for n in (5, 20, 137, 1000, 20_000):
            for confidence, tail in ((95, 0.025), (99.8, 0.001)):
                expected = (
                    min(p0, max(0.0, _spiegelhalter(p0, n, tail))),
                    max(p0, min(1.0, _spiegelhalter(p0, n, 1 - tail))),
                )
                got = funnel_limits(p0, n, confidence)
                assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), (p0, n)


def test_normal_funnel_limits_are_p0_plus_minus_z_standard_errors():
    low, high = funnel_limits(0.1, 400, 95, method="normal")
    assert (low, high) == pytest.approx((0.1 - 1.96 * 0.015, 0.1 + 1.96 * 0.015), rel=1e-4)
    assert funnel_limits(0.1, 4, 99.8, method="normal")[0] == 0.0
    # exact and normal limits meet for large n
    assert funnel_limits(0.1, 100_000) == pytest.approx(
        funnel_limits(0.1, 100_000, method="normal"), abs=2e-4
    )


@given(st.floats(min_value=0.01, max_value=0.99), st.integers(min_value=1, max_value=3000))
def test_funnel_limits_bracket_the_target_and_narrow_as_n_grows(p0, n):
    low, high = funnel_limits(p0, n, 95)
    wider_low, wider_high = funnel_limits(p0, n, 99.8)
    assert 0 <= wider_low <= low <= p0 <= high <= wider_high <= 1
    if n * min(p0, 1 - p0) >= 1:  # below one expected event the limits say little
        big_low, big_high = funnel_limits(p0, 4 * n, 95)
        assert big_high - big_low <= high - low + 1e-12


def test_poisson_interval_known_values():
    # Ulm (1990) / the exact chi-square limits: 0 events -> (0, 3.689), 1 -> (0.0253, 5.572)
    assert poisson_interval(0) == (0.0, pytest.approx(3.688879, abs=1e-6))
    assert poisson_interval(1) == pytest.approx((0.025318, 5.571643), abs=1e-6)


def test_poisson_interval_matches_scipy_chi_square_limits():
    for k in (1, 2, 5, 10, 37, 200, 5000):
        for confidence in (90, 95, 99):
            alpha = 1 - confidence / 100
            expected = (
                sps.chi2.ppf(alpha / 2, 2 * k) / 2,
                sps.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2,
            )
            assert poisson_interval(k, confidence) == pytest.approx(expected, rel=1e-9)


def test_poisson_interval_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        poisson_interval(-1)
