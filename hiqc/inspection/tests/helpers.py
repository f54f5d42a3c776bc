"""Shared test helpers: draw a sample and score a task with chosen points."""

from __future__ import annotations

from datetime import date

from hiqc.inspection import services
from hiqc.inspection.models import InspectionTask
from hiqc.inspection.selectors import sheet_for_kind


def draw_march(actor, unit, *, per_agent=3, seed=42, kinds=None):
    return services.sample_draw(
        actor=actor,
        org_unit_id=unit.pk,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        per_agent=per_agent,
        seed=seed,
        kinds=kinds,
    )


def lines_for(kind: str, *, lose: int = 0, fatal: bool = False) -> list[dict]:
    """Full marks except ``lose`` points on the first scored item; optionally one fatal hit."""
    sheet = sheet_for_kind(kind)
    assert sheet is not None
    lines, lost, fatal_done = [], False, False
    for item in sheet.items.all():
        if item.critical:
            hit = fatal and not fatal_done
            fatal_done = fatal_done or hit
            lines.append({"item_id": str(item.pk), "points": 0, "fatal_hit": hit})
        else:
            points = item.points - (lose if not lost else 0)
            lost = True
            lines.append({"item_id": str(item.pk), "points": points, "fatal_hit": False})
    return lines


def score_one(actor, task: InspectionTask, **kw):
    return services.task_score(actor=actor, task_id=task.pk, lines=lines_for(task.kind, **kw))
