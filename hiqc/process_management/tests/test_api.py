"""Process mining API: the event log of a process, in the caller's scope, mined and replayed."""

from __future__ import annotations

import uuid

import pytest

from .conftest import PLAN, client_for, log

pytestmark = pytest.mark.django_db


def test_every_process_is_listed_with_its_code_and_steps(personas):
    body = client_for(personas["quality_lead"]).get("/api/v1/processes").json()
    plan = next(p for p in body if p["code"] == PLAN)
    assert plan["initial"] == "plan"
    assert {s["name"] for s in plan["steps"]} == {"start", "check", "act", "cancel"}


def test_mining_returns_the_graph_variants_and_deviations_of_cases_started_in_the_period(
    personas, plans
):
    url = f"/api/v1/processes/{PLAN}/mining?from=2026-11-01&to=2026-11-30"
    body = client_for(personas["quality_lead"]).get(url).json()
    assert (body["cases"], body["events"]) == (3, 7)  # "old" started before the period
    edges = {(e["source"], e["target"]): e for e in body["edges"]}
    assert edges[("create", "start")]["frequency"] == 2
    assert edges[("create", "start")]["calendar"]["median"] == 36 * 3600  # 24 h and 48 h
    assert edges[("create", "start")]["working"]["mean"] == 36 * 3600  # Mon–Wed: all working
    assert edges[("__start__", "create")]["calendar"] is None
    assert sorted((v["activities"], v["share"]) for v in body["variants"]) == [
        (["create", "check"], 1 / 3),
        (["create", "start"], 1 / 3),
        (["create", "start", "check"], 1 / 3),
    ]
    assert [(d["activity"], d["kind"], d["count"]) for d in body["conformance"]["deviations"]] == [
        ("check", "skipped", 1)
    ]
    assert body["conformance"]["fitting_cases"] == 2
    labels = {n["activity"]: n["label"] for n in body["nodes"]}
    assert labels["create"] == "创建"


def test_a_branch_sees_only_its_subtree_and_another_branch_answers_like_a_missing_unit(
    personas, org, plans
):
    client = client_for(personas["branch_manager"])  # P1
    mine = client.get(f"/api/v1/processes/{PLAN}/mining?from=2026-11-01&to=2026-11-30").json()
    assert mine["cases"] == 2 and mine["conformance"]["deviations"] == []
    other = client.get(f"/api/v1/processes/{PLAN}/mining?org_unit={org['P2'].pk}")
    missing = client.get(f"/api/v1/processes/{PLAN}/mining?org_unit={uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content


def test_an_unknown_process_is_not_found_and_a_user_without_the_right_is_refused(personas):
    lead = client_for(personas["quality_lead"])
    assert lead.get("/api/v1/processes/nope.nope/mining").status_code == 404
    assert client_for(personas["agent"]).get("/api/v1/processes").status_code == 403


def test_a_period_ending_before_it_begins_names_the_from_field(personas):
    url = f"/api/v1/processes/{PLAN}/mining?from=2026-12-01&to=2026-11-01"
    answer = client_for(personas["quality_lead"]).get(url)
    assert answer.status_code == 422
    assert "from" in answer.json()["fields"]


def test_the_slowest_own_step_leaves_out_the_customers_time_while_the_clock_is_suspended(
    personas, org
):
    # Given claims whose longest wait is for the customer's supplement (the clock suspended)
    c1 = org["C1"].path
    for i in range(3):
        log(f"00000000-0000-4000-8000-00000000010{i}", c1, ("create", "", "received", 0),
            ("start_review", "received", "review", 2),
            ("request_supplement", "review", "awaiting_supplement", 3),
            ("supplement_received", "awaiting_supplement", "review", 300),
            ("documents_complete", "review", "adjudication", 310), case_type="claims.claim")  # fmt: skip
    body = (
        client_for(personas["quality_lead"])
        .get("/api/v1/processes/claims.claim/mining?from=2026-11-01&to=2026-11-30")
        .json()
    )
    first = body["bottlenecks"][0]
    assert first["activity"] == "supplement_received" and first["suspended"] is True
    assert body["top_step"]["activity"] == "documents_complete"
