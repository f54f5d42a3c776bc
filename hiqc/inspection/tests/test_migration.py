"""Scores given before the engine keep their meaning (migration 0003): a window that had ended is
confirmed; one still running is assigned to its agent and gets its window clock, so it lapses
like any other."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("inspection", "0002_default_sheets")]
AFTER = [("inspection", "0003_case_kinds")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_legacy_scores_become_cases_with_their_meaning(org, personas):
    old = _migrate(BEFORE)
    try:
        Task, Score = (
            old.get_model("inspection", "InspectionTask"),
            old.get_model("inspection", "Score"),
        )
        sheets = old.get_model("inspection", "ScoringSheet").objects
        # the seeded sheets are gone when an earlier transactional test flushed the tables
        sheet = sheets.filter(active=True).first() or sheets.create(
            code="legacy", name="旧评分表", kinds=["call"]
        )
        now = timezone.now()
        made = {}
        for name, scored_at, until in (
            ("ended", now - timedelta(days=20), now - timedelta(days=10)),
            ("running", now - timedelta(hours=2), now + timedelta(days=6)),
        ):
            task = Task.objects.create(
                kind="call", object_id=name, agent_id=personas["agent"].pk,
                org_unit_id=org["C1"].pk, occurred_at=scored_at - timedelta(hours=1),
                status="scored",
            )  # fmt: skip
            made[name] = Score.objects.create(
                task=task, sheet=sheet, agent_id=personas["agent"].pk, org_unit_id=org["C1"].pk,
                scored_at=scored_at, total=90, final_total=90, dispute_until=until,
                status="scored",
            ).pk  # fmt: skip
    finally:
        new = _migrate(AFTER)
    Score = new.get_model("inspection", "Score")
    Deadline = new.get_model("core", "Deadline")
    ended, running = (Score.objects.get(pk=made[n]) for n in ("ended", "running"))
    assert (ended.status, ended.assignee_id) == ("confirmed", None)
    assert (running.status, running.assignee_id, running.version) == (
        "scored", personas["agent"].pk, 1
    )  # fmt: skip
    clock = Deadline.objects.get(case_type="inspection.score", case_id=str(running.pk))
    assert (clock.clock, clock.state) == ("inspection.dispute_window", "running")
    assert clock.started_at == running.scored_at
    assert clock.due_at == running.dispute_until  # the end the agent was shown stays the end
    assert not Deadline.objects.filter(case_id=str(ended.pk)).exists()
    assert isinstance(clock.due_at, datetime)
