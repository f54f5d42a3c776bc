"""Process mining API: the event log of a process, in the caller's scope, mined and replayed."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent

pytestmark = pytest.mark.django_db
PLAN = "quality.improvementplan"
T0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)  # a Monday
# case ids are the plans' ids: the drill-down links each to its page
P1, P2, P3, OLD = (f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 5))


def log(case_id: str, org_path: str, *moves: tuple[str, str, str, float]) -> None:
    """moves: (activity, from, to, hours after T0)."""
    for activity, source, target, hours in moves:
        CaseEvent.objects.create(
            case_type=PLAN, case_id=case_id, org_path=org_path, activity=activity,
            from_state=source, to_state=target, at=T0 + timedelta(hours=hours),
            actor_name="t", source=CaseEvent.Source.PAGE,
        )  # fmt: skip


@pytest.fixture
def plans(org):
    c1, p2 = org["C1"].path, org["P2"].path
    log(
        P1,
        c1,
        ("create", "", "plan", 0),
        ("start", "plan", "do", 24),
        ("check", "do", "check", 48),
    )
    log(P2, c1, ("create", "", "plan", 0), ("start", "plan", "do", 48))
    # an imported sequence the design does not allow: checked without ever starting
    log(P3, p2, ("create", "", "plan", 0), ("check", "do", "check", 5))
    log(OLD, c1, ("create", "", "plan", -24 * 400), ("start", "plan", "do", -24 * 399))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
