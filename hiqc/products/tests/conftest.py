"""Fixtures of the product tests: a signed-in client and an evaluation scene."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from . import factories as f


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def evaluation_scene(org, system_actor):
    """Product A at C1 in June 2026: four policies in force (one lapsed), four claims decided
    (one refused). Product B of the same line has no data."""
    a, b = f.product("MED-A", name="医疗甲"), f.product("MED-B", name="医疗乙")
    c1 = org["C1"]
    holders = [f.customer(system_actor, c1) for _i in range(4)]
    pols = [f.policy(a, c1, h, status="lapsed" if i == 0 else "in_force",
                     start=date(2026, 1, 1), end=date(2026, 12, 31))
            for i, h in enumerate(holders)]  # fmt: skip
    for i, pol in enumerate(pols):
        f.claim(pol, outcome="refuse" if i == 0 else "approve")
    return {"a": a, "b": b}
