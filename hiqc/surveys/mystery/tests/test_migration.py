"""Scored mystery-shopping visits keep their items when the scenario items move onto the kernel
checklist (migration ``surveys 0004``, ADR 0023; standard 4.3.1)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("surveys", "0003_case_kinds")]
AFTER = [("surveys", "0004_mystery_on_checklist")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_scored_visits_keep_their_items_when_scenario_items_move_onto_the_checklist(org, personas):
    # given a published and a draft version of a scenario, and a visit scored on the published one
    old = _migrate(BEFORE)
    try:
        Scenario, Item = (old.get_model("surveys", n) for n in ("MysteryScenario", "MysteryItem"))
        Visit, Score = (old.get_model("surveys", n) for n in ("MysteryVisit", "MysteryScore"))
        published_at = timezone.now()
        v1 = Scenario.objects.create(
            code="mig-outlet", number=1, name="网点走访", kind="outlet_visit", status="published",
            published_at=published_at, published_by="lead", org_path=org["HO"].path,
        )  # fmt: skip
        v2 = Scenario.objects.create(code="mig-outlet", number=2, name="网点走访（新）",
                                     kind="outlet_visit", org_path=org["HO"].path)  # fmt: skip
        greet = Item.objects.create(scenario=v1, position=1, category="接待", text="主动接待",
                                    weight=60)  # fmt: skip
        fatal = Item.objects.create(scenario=v1, position=2, category="合规", text="承诺保本",
                                    fatal=True)  # fmt: skip
        Item.objects.create(scenario=v2, position=1, category="接待", text="主动接待（新）",
                            weight=100)  # fmt: skip
        visit = Visit.objects.create(
            scenario=v1, org_unit_id=org["O1"].pk, shopper_id=personas["quality_lead"].pk,
            planned_date=date(2026, 3, 2), status="done", total=50, raw_total=50, fatal=False,
        )  # fmt: skip
        Score.objects.create(visit=visit, item=greet, points=30)
        Score.objects.create(visit=visit, item=fatal, points=0, fatal_hit=False)
        # when the items move onto the kernel checklist
        new = _migrate(AFTER)
        Scenario, Score = (new.get_model("surveys", n) for n in ("MysteryScenario", "MysteryScore"))
        ChecklistItem = new.get_model("core", "ChecklistItem")
        # then each version has its own checklist, published and active like the version
        first, second = Scenario.objects.get(pk=v1.pk), Scenario.objects.get(pk=v2.pk)
        c1, c2 = first.checklist, second.checklist
        assert (c1.code, c1.version, c1.purpose) == ("mystery-mig-outlet", 1, "surveys.mystery")
        assert (c1.published_at, c1.published_by, c1.active) == (published_at, "lead", True)
        assert (c2.version, c2.published_at, c2.active) == (2, None, False)
        # and the visit's lines still read their items, ids unchanged
        lines = {ln.item_id: ln for ln in Score.objects.filter(visit_id=visit.pk)}
        assert set(lines) == {greet.pk, fatal.pk}
        items = {i.pk: i for i in ChecklistItem.objects.filter(checklist_id=c1.pk)}
        assert (items[greet.pk].text, items[greet.pk].points, items[greet.pk].critical) == (
            "主动接待", 60, False
        )  # fmt: skip
        assert (items[fatal.pk].points, items[fatal.pk].critical) == (0, True)
        assert ChecklistItem.objects.filter(checklist_id=c2.pk).count() == 1
        # and going back restores the old items with the same ids
        back = _migrate(BEFORE)
        assert back.get_model("surveys", "MysteryItem").objects.get(pk=fatal.pk).fatal
        assert back.get_model("surveys", "MysteryScore").objects.filter(item_id=greet.pk).exists()
        assert (
            not new.get_model("core", "Checklist")
            .objects.filter(purpose="surveys.mystery")
            .exists()
        )
    finally:
        _migrate_to_latest()
