"""When a product figure crosses its target (issue 17 §5; standard 3.3.3): worse than the target
beyond chance, on enough cases — a figure worse on thin evidence is under watch, never a flag.
Pure figures, no database: the interval arithmetic is ``hiqc.core.stats`` (tested there)."""

from __future__ import annotations

from hiqc.products.monitoring.figures import Figure
from hiqc.products.monitoring.targets import CROSSES, WATCH, Target, verdict

AT_MOST_10_PER_10K = Target("complaints_per_10k", 10, "设计默认值")
AT_MOST_10_PERCENT = Target("refusal_rate", 0.10, "设计默认值")
AT_LEAST_80_PERCENT = Target("satisfaction", 0.80, "设计默认值")
AT_LEAST_30_PERCENT = Target("payout_ratio", 0.30, "设计默认值")


def test_a_share_worse_than_its_target_on_fewer_cases_than_the_minimum_is_under_watch():
    # 10 refusals of 29 decided claims (34 %) is far above 10 %, but 29 < 30 claims
    assert verdict(Figure("refusal_rate", 10, 29), AT_MOST_10_PERCENT, 30) == WATCH
    # the same share on 30 claims crosses (Wilson interval 19 %–51 %)
    assert verdict(Figure("refusal_rate", 10, 30), AT_MOST_10_PERCENT, 30) == CROSSES


def test_a_share_whose_interval_still_reaches_the_target_is_under_watch():
    # 5 of 40 (12.5 %) is above 10 %, but its Wilson interval (5.5 %–26.1 %) reaches below it
    assert verdict(Figure("refusal_rate", 5, 40), AT_MOST_10_PERCENT, 30) == WATCH
    # 25 of 150 (16.7 %): the interval (11.5 %–23.4 %) lies wholly above 10 %
    assert verdict(Figure("refusal_rate", 25, 150), AT_MOST_10_PERCENT, 30) == CROSSES


def test_a_higher_is_better_share_crosses_only_when_its_whole_interval_lies_below():
    assert verdict(Figure("satisfaction", 70, 100), AT_LEAST_80_PERCENT, 30) == CROSSES  # ≤ 78.1 %
    assert verdict(Figure("satisfaction", 75, 100), AT_LEAST_80_PERCENT, 30) == WATCH  # ≤ 82.5 %
    assert verdict(Figure("satisfaction", 90, 100), AT_LEAST_80_PERCENT, 30) == ""


def test_a_rate_per_10k_uses_the_exact_poisson_interval_of_its_count():
    # 3 complaints on 2,000 policies = 15 per 10k; the interval (3.1–43.8) reaches the target
    assert verdict(Figure("complaints_per_10k", 3, 2000), AT_MOST_10_PER_10K, 30) == WATCH
    # 8 on 2,000 = 40 per 10k; the interval (17.3–78.8) lies wholly above 10
    assert verdict(Figure("complaints_per_10k", 8, 2000), AT_MOST_10_PER_10K, 30) == CROSSES


def test_the_payout_ratio_is_judged_by_its_value_on_enough_paid_claims():
    # money over money has no binomial interval, and a few large claims sway it: below 30 % on
    # 30 paid claims crosses, on 29 it is under watch
    assert verdict(Figure("payout_ratio", 2000, 10000, 30), AT_LEAST_30_PERCENT, 30) == CROSSES
    assert verdict(Figure("payout_ratio", 2000, 10000, 29), AT_LEAST_30_PERCENT, 30) == WATCH


def test_a_figure_without_a_denominator_or_within_its_target_has_no_verdict():
    assert verdict(Figure("refusal_rate", 0, 0), AT_MOST_10_PERCENT, 30) == ""
    assert verdict(Figure("refusal_rate", 1, 100), AT_MOST_10_PERCENT, 30) == ""
    assert verdict(Figure("refusal_rate", 1, 100), None, 30) == ""
