"""Scores given before the engine keep their meaning (migration 0003): a window that had ended is
confirmed; one still running is assigned to its agent and gets its window clock, so it lapses
like any other. Scores given on the old sheet tables keep their sheet version and items when the
sheets move onto the kernel checklist (migration 0004, ADR 0023)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("inspection", "0002_default_sheets")]
AFTER = [("inspection", "0003_case_kinds")]
ON_CHECKLIST = [("inspection", "0004_sheets_on_checklist")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


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
    try:
        _check_legacy_scores(new, made, personas)
    finally:
        _migrate_to_latest()


def _check_legacy_scores(new, made, personas):
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


def test_scores_keep_their_sheet_version_and_items_when_sheets_move_onto_the_checklist(
    org, personas
):
    # given a sheet with two versions on the old tables, a score on version 1 with its lines
    old = _migrate(AFTER)
    try:
        Sheet, Item = (
            old.get_model("inspection", "ScoringSheet"),
            old.get_model("inspection", "SheetItem"),
        )
        Task, Score = (
            old.get_model("inspection", "InspectionTask"),
            old.get_model("inspection", "Score"),
        )
        Line = old.get_model("inspection", "ScoreLine")
        v1 = Sheet.objects.create(code="mig-call", version=1, name="旧版", kinds=["call"],
                                  active=False, published_by="lead", note="第一版")  # fmt: skip
        v2 = Sheet.objects.create(code="mig-call", version=2, name="新版", kinds=["call"],
                                  active=True, published_by="lead")  # fmt: skip
        scored = Item.objects.create(sheet=v1, position=1, category="服务", text="问候", points=60)
        fatal = Item.objects.create(sheet=v1, position=2, category="合规", text="泄露", fatal=True)
        Item.objects.create(sheet=v2, position=1, category="服务", text="问候（新）", points=100)
        now = timezone.now()
        task = Task.objects.create(
            kind="call", object_id="mig-1", agent_id=personas["agent"].pk,
            org_unit_id=org["C1"].pk, occurred_at=now - timedelta(days=30), status="scored",
        )  # fmt: skip
        score = Score.objects.create(
            task=task, sheet=v1, agent_id=personas["agent"].pk, org_unit_id=org["C1"].pk,
            scored_at=now - timedelta(days=29), total=50, final_total=50,
            dispute_until=now - timedelta(days=20), status="confirmed",
        )  # fmt: skip
        Line.objects.create(score=score, item=scored, points=30)
        Line.objects.create(score=score, item=fatal, points=0, fatal_hit=False)
        # when the sheets move onto the kernel checklist
        new = _migrate(ON_CHECKLIST)
        Checklist = new.get_model("core", "Checklist")
        Score, Line = new.get_model("inspection", "Score"), new.get_model("inspection", "ScoreLine")
        # then the score still reads its own version and items, ids unchanged
        kept = Score.objects.get(pk=score.pk)
        assert kept.sheet_id == v1.pk
        sheet = Checklist.objects.get(pk=v1.pk)
        assert (sheet.code, sheet.version, sheet.name, sheet.purpose, sheet.note) == (
            "mig-call", 1, "旧版", "inspection.interaction", "第一版"
        )  # fmt: skip
        assert (sheet.active, sheet.applies_to, sheet.published_by) == (False, ["call"], "lead")
        assert sheet.published_at == sheet.created_at == v1.created_at
        assert Checklist.objects.get(pk=v2.pk).active
        lines = {ln.item_id: ln for ln in Line.objects.filter(score_id=score.pk)}
        assert set(lines) == {scored.pk, fatal.pk}
        items = {i.pk: i for i in sheet.items.all()}
        assert (items[scored.pk].text, items[scored.pk].points, items[scored.pk].critical) == (
            "问候", 60, False
        )  # fmt: skip
        assert (items[fatal.pk].points, items[fatal.pk].critical) == (0, True)
        assert (
            not new.get_model("core", "ChecklistItem")
            .objects.filter(checklist_id=v2.pk, text="问候")
            .exists()
        )
        # and going back restores the old tables with the same ids
        back = _migrate(AFTER)
        assert back.get_model("inspection", "Score").objects.get(pk=score.pk).sheet_id == v1.pk
        assert back.get_model("inspection", "SheetItem").objects.get(pk=fatal.pk).fatal
        assert back.get_model("inspection", "ScoringSheet").objects.get(pk=v1.pk).kinds == ["call"]
    finally:
        _migrate_to_latest()
