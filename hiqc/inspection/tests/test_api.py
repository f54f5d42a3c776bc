"""The inspection API: sample, list, score, dispute, decide, sheets (same services as pages)."""

from __future__ import annotations

import pytest
from django.test import Client

from hiqc.inspection.models import InspectionTask

from .helpers import lines_for

pytestmark = pytest.mark.django_db


def client_for(personas, name) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_api_runs_the_whole_loop(personas, org, world):
    sup, agent, lead = (client_for(personas, n) for n in ("supervisor", "agent", "quality_lead"))
    r = post(sup, "/api/v1/inspection/samples", {
        "org_unit_id": str(org["C1"].pk), "period_start": "2026-03-01",
        "period_end": "2026-03-31", "per_agent": 2, "seed": 5, "kinds": ["consultation"],
    })  # fmt: skip
    assert r.status_code == 201 and r.json()["seed"] == 5 and r.json()["counts"]["created"] == 2
    tasks = sup.get("/api/v1/inspection/tasks?status=pending").json()
    assert tasks["count"] == 2 and tasks["items"][0]["agent_username"] == "agent"
    task_id = tasks["items"][0]["id"]
    r = post(sup, f"/api/v1/inspection/tasks/{task_id}/score", {
        "lines": lines_for("consultation", fatal=True), "comment": "泄露",
    })  # fmt: skip
    assert r.status_code == 201 and r.json()["final_total"] == "0.0" and r.json()["fatal"]
    score_id = r.json()["id"]
    assert post(sup, f"/api/v1/inspection/tasks/{task_id}/score", {"lines": []}).status_code == 409
    assert post(client_for(personas, "handler"), f"/api/v1/inspection/scores/{score_id}/dispute",
                {"reason": "x"}).status_code == 404  # fmt: skip
    r = post(agent, f"/api/v1/inspection/scores/{score_id}/dispute", {"reason": "并未泄露"})
    assert r.status_code == 201
    dispute_id = r.json()["id"]
    r = post(lead, f"/api/v1/inspection/disputes/{dispute_id}/decide", {
        "decision": "amend", "note": "录音核实未泄露", "lines": lines_for("consultation"),
    })  # fmt: skip
    assert r.status_code == 200 and r.json()["final_total"] == "100.0"
    assert r.json()["status"] == "amended" and r.json()["previous_total"] == "0.0"


def test_sheets_are_listed_with_their_items(personas):
    r = client_for(personas, "trainer").get("/api/v1/inspection/sheets?active=true")
    assert r.status_code == 200 and len(r.json()) == 3
    assert {len(s["items"]) for s in r.json()} == {9}


def test_an_invalid_score_answers_422_with_fields(personas, actors, org, world):
    from .helpers import draw_march

    draw_march(actors["supervisor"], org["C1"], kinds=["call"])
    task = InspectionTask.objects.all()[0]
    r = post(client_for(personas, "supervisor"), f"/api/v1/inspection/tasks/{task.pk}/score",
             {"lines": []})  # fmt: skip
    assert r.status_code == 422 and set(r.json()) == {"code", "message", "fields"}
    assert r.json()["fields"]
