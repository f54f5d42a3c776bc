"""Erlang C (CC-4) against hand-checkable values and a published worked example."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from hiqc.callcentre.erlang import agents_needed, erlang_c, p_wait, with_shrinkage


def factorial_formula(a: Fraction, n: int) -> Fraction:
    """CC-4 exactly as written, in rational arithmetic (the reference for small n)."""
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_two_erlangs_on_three_agents_wait_four_ninths_of_the_time():
    assert p_wait(2.0, 3) == pytest.approx(4 / 9, abs=1e-12)


def test_published_example_360_calls_per_half_hour_240_s_55_agents_15_s():
    # The widely reproduced worked example: A = 48 Erlangs; P(wait) 0.2387, SL(15 s) 84.6 %,
    # ASA 8.2 s, occupancy 87.3 %.
    r = erlang_c(calls=360, interval_s=1800, aht_s=240, agents=55, threshold_s=15)
    assert r.traffic == 48
    assert r.p_wait == pytest.approx(0.2387, abs=5e-4)
    assert r.service_level == pytest.approx(0.846, abs=5e-4)
    assert r.asa_s == pytest.approx(8.2, abs=0.05)
    assert r.occupancy == pytest.approx(0.873, abs=5e-4)


@given(
    n=st.integers(min_value=1, max_value=60),
    load=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100)),
)
def test_the_recursion_equals_the_factorial_formula(n, load):
    a = load * n
    assert p_wait(float(a), n) == pytest.approx(float(factorial_formula(a, n)), rel=1e-9)


def test_hundreds_of_agents_stay_finite_and_monotone():
    previous = 1.0
    for n in range(801, 1000, 7):
        c = p_wait(800.0, n)
        assert 0 < c < previous
        previous = c


def test_an_understaffed_queue_is_unstable_not_a_crash():
    r = erlang_c(calls=360, interval_s=1800, aht_s=240, agents=40, threshold_s=20)
    assert (r.p_wait, r.service_level, r.asa_s) == (1.0, 0.0, None)


def test_agents_needed_is_the_first_count_reaching_the_target_and_shrinkage_adds_on_top():
    r = agents_needed(calls=360, interval_s=1800, aht_s=240, threshold_s=20, target=0.95)
    below = erlang_c(calls=360, interval_s=1800, aht_s=240, agents=r.agents - 1, threshold_s=20)
    assert r.service_level >= 0.95 > below.service_level
    assert with_shrinkage(r.agents, 0.3) == math.ceil(r.agents / 0.7)


def test_api_answers_either_question_and_names_bad_inputs(personas):
    client = Client()
    client.force_login(personas["supervisor"])
    body = client.get(
        "/api/v1/staffing/erlang-c",
        {"calls": 360, "interval_s": 1800, "aht_s": 240, "agents": 55, "threshold_s": 15},
    ).json()
    assert set(body) >= {"traffic", "p_wait", "service_level", "asa_s", "occupancy"}
    body = client.get(
        "/api/v1/staffing/erlang-c",
        {
            "calls": "360",
            "interval_s": "1800",
            "aht_s": "240",
            "target": "0.8",
            "shrinkage": "0.25",
        },
    ).json()
    assert body["agents_needed"] and body["agents_scheduled"] > body["agents_needed"]
    bad = client.get("/api/v1/staffing/erlang-c", {"calls": -1, "aht_s": 240})
    default = client.get(
        "/api/v1/staffing/erlang-c", {"calls": 360, "interval_s": 1800, "aht_s": 240}
    ).json()
    assert default["service_level"] >= 0.95  # the configured target (CC-2) when neither is given
    assert bad.status_code == 422
    assert "calls" in bad.json()["fields"]


def test_a_load_beyond_any_call_centre_answers_quickly_without_a_count(personas):
    client = Client()
    client.force_login(personas["supervisor"])
    response = client.get(
        "/api/v1/staffing/erlang-c",
        {"calls": "1000000", "interval_s": "1", "aht_s": "36000", "target": "0.9"},
    )
    assert response.status_code == 200
    assert response.json()["agents_needed"] is None
    assert response.json()["service_level"] == 0.0


def test_shrinkage_adds_no_agent_for_float_noise():
    # given a shrinkage whose complement is not exact in binary (1 - 0.9 = 0.09999999999999998)
    # when the agents to schedule are computed
    # then exactly agents / (1 - shrinkage) is scheduled when that is a whole number
    assert with_shrinkage(5, 0.9) == 50
    assert with_shrinkage(7, 0.3) == 10
    assert with_shrinkage(8, 0.3) == 12
