"""Scoring sheets and the arithmetic of a score (standard 4.1.3(2); fatal errors → 0)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.inspection import services
from hiqc.inspection.scoring import ItemSpec, LineIn, check_lines, compute_total
from hiqc.inspection.selectors import sheets as scoring_sheets

from .helpers import draw_march, score_one

ITEMS = [ItemSpec("a", 30, False), ItemSpec("b", 10, False), ItemSpec("x", 0, True)]


def test_total_is_points_awarded_over_points_available_on_a_100_scale():
    lines = [LineIn("a", 30, False), LineIn("b", 5, False), LineIn("x", 0, False)]
    assert check_lines(ITEMS, lines) == {}
    assert compute_total(ITEMS, lines) == (Decimal("87.5"), False)


def test_weights_count_so_losing_a_heavy_item_costs_more():
    heavy = [LineIn("a", 20, False), LineIn("b", 10, False), LineIn("x", 0, False)]
    light = [LineIn("a", 30, False), LineIn("b", 0, False), LineIn("x", 0, False)]
    assert compute_total(ITEMS, heavy)[0] == Decimal("75.0")
    assert compute_total(ITEMS, light)[0] == Decimal("75.0")
    assert compute_total(ITEMS, [LineIn("a", 29, False), LineIn("b", 10, False)])[0] == Decimal(
        "97.5"
    )


def test_a_fatal_error_sets_the_total_to_zero_whatever_the_points():
    lines = [LineIn("a", 30, False), LineIn("b", 10, False), LineIn("x", 0, True)]
    assert compute_total(ITEMS, lines) == (Decimal("0.0"), True)


def test_points_outside_the_item_range_and_missing_items_are_reported_by_item():
    errors = check_lines(ITEMS, [LineIn("a", 31, False), LineIn("x", 0, False)])
    assert set(errors) == {"item_a", "item_b"}
    errors = check_lines(ITEMS, [LineIn("a", 1, True), LineIn("b", 1, False)])
    assert "item_a" in errors  # only a fatal item can be marked fatal


@pytest.mark.django_db
def test_the_data_migration_seeds_one_default_sheet_per_kind_with_two_fatal_errors():
    sheets = scoring_sheets().filter(active=True)
    assert sorted(k for s in sheets for k in s.applies_to) == ["call", "complaint", "consultation"]
    for sheet in sheets:
        assert sheet.is_published
        items = list(sheet.items.all())
        assert sum(i.points for i in items if not i.critical) == 100
        assert len([i for i in items if i.critical]) == 2
        assert any("个人信息" in i.text for i in items if i.critical)


def test_the_service_computes_the_total_and_audits_the_score(actors, org, world):
    draw_march(actors["supervisor"], org["C1"])
    task = next(t for t in _tasks() if t.kind == "consultation")
    score = score_one(actors["supervisor"], task, lose=10)
    assert (score.total, score.final_total, score.fatal) == (Decimal("90.0"),) * 2 + (False,)
    assert score.sheet.code == "consultation-default" and score.lines.count() == 9
    task.refresh_from_db()
    assert task.status == "scored"
    event = AuditEvent.objects.get(action="inspection.score")
    assert event.subject_id == str(score.pk) and "lines" in event.fields


def test_a_fatal_error_scores_zero_through_the_service(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], kinds=["call"])
    task = next(t for t in _tasks() if t.kind == "call")
    score = score_one(actors["supervisor"], task, fatal=True)
    assert (score.total, score.fatal, score.final_fatal) == (Decimal("0.0"), True, True)


def test_a_task_cannot_be_scored_twice_or_with_incomplete_lines(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], kinds=["call"])
    task = next(t for t in _tasks() if t.kind == "call")
    with pytest.raises(ValidationFailed) as exc:
        services.task_score(actor=actors["supervisor"], task_id=task.pk, lines=[])
    assert all(k.startswith("item_") for k in exc.value.fields)
    score_one(actors["supervisor"], task)
    from hiqc.core.errors import Conflict

    with pytest.raises(Conflict):
        score_one(actors["supervisor"], task)


def test_publishing_a_sheet_makes_a_new_version_and_past_scores_keep_theirs(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], kinds=["call"])
    task, later = [t for t in _tasks() if t.kind == "call"][:2]
    first = score_one(actors["supervisor"], task)
    old = first.sheet
    new = services.sheet_publish(
        actor=actors["quality_lead"],
        code=old.code,
        name="电话服务质检评分表（2026版）",
        kinds=["call"],
        items=[
            {"category": "业务准确", "text": "答复准确", "points": 60},
            {"category": "服务态度", "text": "礼貌", "points": 40},
            {"category": "合规", "text": "泄露客户个人信息", "fatal": True},
        ],
    )
    old.refresh_from_db()
    assert (new.version, new.active, old.active) == (old.version + 1, True, False)
    assert old.items.all()[0].text == "开场问候规范，核实客户身份"
    first.refresh_from_db()
    assert first.sheet_id == old.pk
    second = score_one(actors["supervisor"], later)
    assert second.sheet_id == new.pk


def test_only_head_office_with_qa_configure_publishes_sheets(actors):
    for persona in ("supervisor", "branch_manager", "agent"):
        with pytest.raises(Forbidden):
            services.sheet_publish(
                actor=actors[persona], code="x", name="x", kinds=["call"],
                items=[{"category": "a", "text": "b", "points": 10}],
            )  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        services.sheet_publish(
            actor=actors["quality_lead"], code="x", name="x", kinds=["call"],
            items=[{"category": "a", "text": "only fatal", "fatal": True}],
        )  # fmt: skip
    assert "items" in exc.value.fields


def _tasks():
    from hiqc.inspection.models import InspectionTask

    return list(InspectionTask.objects.order_by("kind", "object_id"))


@pytest.mark.django_db
def test_only_one_version_of_a_sheet_is_active_at_a_time(actors):
    old = scoring_sheets().get(code="complaint-default")
    new = services.sheet_publish(
        actor=actors["quality_lead"], code=old.code, name=old.name, kinds=["complaint"],
        items=[{"category": "a", "text": "b", "points": 10}],
    )  # fmt: skip
    services.sheet_set_active(actor=actors["quality_lead"], sheet_id=old.pk, active=True)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.active, new.active) == (True, False)
    assert AuditEvent.objects.filter(action="inspection.sheet_active").count() == 1


def test_a_publish_that_loses_the_race_for_its_version_number_is_a_409_and_writes_nothing(
    actors, monkeypatch
):
    # given a sheet at version 1, and a publish that read the newest version before another
    # publish took the number (simulated: the latest version read as 0)
    from hiqc.core.errors import Conflict
    from hiqc.core.models import Checklist

    first = services.sheet_publish(actor=actors["quality_lead"], code="race", name="r",
                                   kinds=["call"], items=[{"category": "a", "text": "b", "points": 10}])  # fmt: skip
    monkeypatch.setattr(services.selectors, "sheet_latest_version", lambda code: 0)
    # when it creates version 1 again: refused with a 409, the first version still active
    with pytest.raises(Conflict) as refused:
        services.sheet_publish(actor=actors["quality_lead"], code="race", name="r2",
                               kinds=["call"], items=[{"category": "a", "text": "c", "points": 10}])  # fmt: skip
    assert refused.value.code == "stale_version"
    assert list(Checklist.objects.filter(code="race").values_list("version", "name")) == [(1, "r")]
    first.refresh_from_db()
    assert first.active
