"""Writes for quality inspection (standard 4.1.3(2), 4.2.3(2), 7.2): sampling, scoring,
disputes and scoring-sheet versions. Every write is audited in the same transaction, with field
names and ids only — never the content of an interaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, Unit, compute_due
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.rules import rule_value

from . import selectors
from .enums import Decision, DisputeStatus, Kind, ScoreStatus, TaskStatus
from .indicators import qa_indicators_recompute
from .models import Dispute, InspectionTask, Sample, Score, ScoreLine, ScoringSheet, SheetItem
from .sampling import draw
from .scoring import ItemSpec, LineIn, check_lines, compute_total, parse_lines

MAX_PER_AGENT = 50
MAX_PERIOD_DAYS = 92


# --- sampling -------------------------------------------------------------------------------------


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Beijing time: periods are whole calendar days."""
    return (
        datetime.combine(start, time.min, tzinfo=BEIJING),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=BEIJING),
    )


@transaction.atomic
def sample_draw(
    *,
    actor: Actor,
    org_unit_id: Any,
    period_start: date,
    period_end: date,
    per_agent: int,
    seed: int | None = None,
    kinds: Iterable[str] | None = None,
) -> Sample:
    """Draw a sample per agent for the unit's subtree and period (random + targeted, see
    ``sampling.py``); write one ``InspectionTask`` per new interaction. Idempotent: an interaction
    already sampled is never sampled again, and an agent who already has ``per_agent`` tasks in
    the period gets none."""
    require(actor, "qa.inspect")  # 403 without the permission; 404 for a unit out of scope
    unit = selectors.access_unit(actor, org_unit_id)
    require(actor, "qa.inspect", unit)
    kinds = list(kinds or Kind.values)
    errors: dict[str, list[str]] = {}
    if not 1 <= per_agent <= MAX_PER_AGENT:
        errors["per_agent"] = [_("每人样本量须在 1 至 {n} 之间。").format(n=MAX_PER_AGENT)]
    if period_end < period_start:
        errors["period_end"] = [_("结束日期不能早于开始日期。")]
    elif (period_end - period_start).days >= MAX_PERIOD_DAYS:
        errors["period_end"] = [_("抽样期间不能超过 {n} 天。").format(n=MAX_PERIOD_DAYS)]
    bad = [k for k in kinds if k not in Kind.values]
    if bad or not kinds:
        errors["kinds"] = [_("请选择交互类型。")]
    if seed is not None and not 0 <= seed < 2**62:
        errors["seed"] = [_("随机种子须为非负整数。")]
    if errors:
        raise ValidationFailed(_("抽样条件有误。"), fields=errors)
    if seed is None:
        seed = secrets.randbelow(2**31)
    start, end = _period(period_start, period_end)
    candidates, facts = selectors.sampling_candidates(
        actor,
        unit=unit,
        start=start,
        end=end,
        kinds=kinds,
        repeat_window=timedelta(days=int(rule_value("inspection.repeat_window_days"))),
        long_call_pct=int(rule_value("inspection.long_call_percentile")),
    )
    taken = selectors.existing_tasks({c.key for c in candidates})
    picks = draw(
        candidates,
        per_agent=per_agent,
        seed=seed,
        taken=taken,
        already=selectors.sampled_per_agent(unit, start, end),
        targeted_share=int(rule_value("inspection.targeted_share_percent")),
    )
    by_reason: dict[str, int] = {}
    for p in picks:
        for r in p.reasons:
            by_reason[r] = by_reason.get(r, 0) + 1
    sample = Sample.objects.create(
        org_unit=unit,
        period_start=period_start,
        period_end=period_end,
        per_agent=per_agent,
        seed=seed,
        kinds=kinds,
        drawn_by=actor.username,
        counts={
            "candidates": len(candidates),
            "already_sampled": len(taken),
            "created": len(picks),
            "agents": len({p.candidate.agent_id for p in picks}),
            "by_reason": by_reason,
            **facts,
        },
    )
    InspectionTask.objects.bulk_create(
        [
            InspectionTask(
                kind=p.candidate.kind,
                object_id=p.candidate.object_id,
                label=p.candidate.label,
                agent_id=p.candidate.agent_id,
                org_unit_id=p.candidate.org_unit_id,
                occurred_at=p.candidate.occurred_at,
                reasons=list(p.reasons),
                sample=sample,
            )
            for p in picks
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        action="inspection.sample",
        subject=sample,
        fields=["org_unit", "period_start", "period_end", "per_agent", "seed", "kinds"],
        data={"created": len(picks), "seed": seed},
    )
    return sample


# --- scoring --------------------------------------------------------------------------------------


def _specs(sheet: ScoringSheet) -> list[ItemSpec]:
    return [ItemSpec(str(i.pk), i.points, i.fatal) for i in sheet.items.all()]


def _checked(sheet: ScoringSheet, raw_lines: Iterable[Mapping[str, Any]]) -> list[LineIn]:
    lines = parse_lines(raw_lines)
    errors = check_lines(_specs(sheet), lines)
    if errors:
        raise ValidationFailed(_("评分有误，请检查各评分项。"), fields=errors)
    return lines


def dispute_until(scored_at: datetime) -> datetime:
    """End of the dispute window: N working days after the score (rule
    ``inspection.dispute_window_days``, HIQC design default (P)), counted with 调休."""
    days = int(rule_value("inspection.dispute_window_days"))
    return compute_due(scored_at, days, Unit.WORKING_DAYS).due_at


@transaction.atomic
def task_score(
    *,
    actor: Actor,
    task_id: Any,
    lines: Iterable[Mapping[str, Any]],
    comment: str = "",
    sheet_id: Any = None,
) -> Score:
    """Score a sampled interaction with the active sheet for its kind (or ``sheet_id``); the
    total is computed here (weights; fatal → 0) and the sheet version is kept with the score."""
    task = selectors.access_task(actor, task_id, perm="qa.inspect", for_update=True)
    require(actor, "qa.inspect", task)
    if task.agent_id == actor.user_id:
        raise Forbidden(_("不能对本人的服务进行质检评分。"))
    if task.status != TaskStatus.PENDING:
        raise Conflict(_("该任务已评分。"), state=task.status)
    sheet = selectors.sheet_get(sheet_id) if sheet_id else selectors.sheet_for_kind(task.kind)
    if sheet is None or not sheet.active or task.kind not in sheet.kinds:
        raise ValidationFailed(
            _("没有适用于该交互类型的启用评分表。"), fields={"sheet_id": [_("请选择评分表。")]}
        )
    checked = _checked(sheet, lines)
    total, fatal = compute_total(_specs(sheet), checked)
    now = timezone.now()
    score = Score.objects.create(
        task=task,
        sheet=sheet,
        agent_id=task.agent_id,
        org_unit_id=task.org_unit_id,
        scorer_id=actor.user_id,
        scored_at=now,
        total=total,
        fatal=fatal,
        final_total=total,
        final_fatal=fatal,
        comment=comment[:2000],
        dispute_until=dispute_until(now),
    )
    _write_lines(score, checked, revision=1)
    task.status = TaskStatus.SCORED
    task.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="inspection.score",
        subject=score,
        fields=["lines", "total", "fatal", "comment"],
        data={"task": str(task.pk), "sheet": f"{sheet.code} v{sheet.version}"},
    )
    transaction.on_commit(lambda: qa_indicators_recompute(now))
    return score


def _write_lines(score: Score, lines: list[LineIn], *, revision: int) -> None:
    ScoreLine.objects.bulk_create(
        ScoreLine(
            score=score,
            item_id=line.item_id,
            revision=revision,
            points=line.points,
            fatal_hit=line.fatal_hit,
            comment=line.comment,
        )
        for line in lines
    )


# --- disputes -------------------------------------------------------------------------------------


@transaction.atomic
def score_dispute(*, actor: Actor, score_id: Any, reason: str) -> Dispute:
    """The scored agent disputes their own score within the window (standard 7.2: fair
    assessment)."""
    score = selectors.access_own_score(actor, score_id, for_update=True)
    assert actor.user_id is not None  # the own-score door admits users only
    require(actor, "qa.dispute", score)
    now = timezone.now()
    if Dispute.objects.filter(score=score).exists():
        raise Conflict(_("该评分已申诉过。"), state=score.status)
    if now >= score.dispute_until:
        raise ValidationFailed(
            _("已超过申诉期限。"), code="dispute_window_closed", fields={"reason": []}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("请填写申诉理由。"), fields={"reason": [_("此项必填。")]})
    dispute = Dispute.objects.create(
        score=score,
        raised_by_id=actor.user_id,
        raised_at=now,
        reason=reason[:2000],
        previous_total=score.final_total,
    )
    score.status = ScoreStatus.DISPUTED
    score.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="inspection.dispute", subject=dispute, fields=["reason"])
    return dispute


@transaction.atomic
def dispute_decide(
    *,
    actor: Actor,
    dispute_id: Any,
    decision: str,
    note: str,
    lines: Iterable[Mapping[str, Any]] | None = None,
) -> Dispute:
    """Uphold the score, or amend it by re-scoring the items (the service computes the new
    total). The original scorer may decide only when nobody else holds qa.inspect over the
    unit; the scored agent never."""
    dispute = selectors.access_dispute(actor, dispute_id, for_update=True)
    score = dispute.score
    require(actor, "qa.inspect", score)
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(_("该申诉已裁决。"), state=dispute.status)
    if score.agent_id == actor.user_id:
        raise Forbidden(_("不能裁决本人的申诉。"))
    if score.scorer_id and score.scorer_id == actor.user_id:
        others = selectors.inspectors_over(score.org_unit.path) - {actor.user_id, score.agent_id}
        if others:
            raise Forbidden(_("原质检员不能裁决对本人评分的申诉，请由其他质检人员裁决。"))
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = [_("请选择裁决结果。")]
    if not note.strip():
        errors["note"] = [_("此项必填。")]
    if errors:
        raise ValidationFailed(_("裁决信息有误。"), fields=errors)
    now = timezone.now()
    changed = ["status", "decision_note"]
    if decision == Decision.AMEND:
        checked = _checked(score.sheet, lines or [])
        total, fatal = compute_total(_specs(score.sheet), checked)
        ScoreLine.objects.filter(score=score, revision=2).delete()
        _write_lines(score, checked, revision=2)
        score.final_total, score.final_fatal = total, fatal
        score.status = ScoreStatus.AMENDED
        dispute.status = DisputeStatus.AMENDED
        changed.append("final_total")
    else:
        score.status = ScoreStatus.UPHELD
        dispute.status = DisputeStatus.UPHELD
    score.save(update_fields=["status", "final_total", "final_fatal", "updated_at"])
    dispute.decided_by_id = actor.user_id
    dispute.decided_at = now
    dispute.decision_note = note.strip()[:2000]
    dispute.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="inspection.dispute_decide",
        subject=dispute,
        fields=changed,
        data={"decision": decision, "score": str(score.pk)},
    )
    scored_at = score.scored_at
    transaction.on_commit(lambda: qa_indicators_recompute(scored_at))
    return dispute


# --- scoring sheets -------------------------------------------------------------------------------


def _require_head_office(actor: Actor) -> None:
    if not actor.can_globally("qa.configure"):
        raise Forbidden(_("评分表由总公司统一维护。"))


@transaction.atomic
def sheet_publish(
    *,
    actor: Actor,
    code: str,
    name: str,
    kinds: list[str],
    items: Sequence[Mapping[str, Any]],
    note: str = "",
) -> ScoringSheet:
    """Publish a sheet: a new code starts at version 1; an existing code gets version n+1 and
    its earlier versions are retired. Published versions are never edited (scores keep theirs)."""
    _require_head_office(actor)
    errors: dict[str, list[str]] = {}
    code = code.strip()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 40:
        errors["code"] = [_("编码只能包含字母、数字、连字符，最长 40 个字符。")]
    if not name.strip():
        errors["name"] = [_("此项必填。")]
    if not kinds or any(k not in Kind.values for k in kinds):
        errors["kinds"] = [_("请选择适用的交互类型。")]
    rows = []
    for n, item in enumerate(items, start=1):
        text = str(item.get("text", "")).strip()
        category = str(item.get("category", "")).strip() or _("其他")
        fatal = bool(item.get("fatal"))
        try:
            points = int(item.get("points") or 0)
        except (TypeError, ValueError):
            points = -1
        if not text:
            errors.setdefault("items", []).append(_("第 {n} 项缺少内容。").format(n=n))
        elif fatal and points:
            errors.setdefault("items", []).append(
                _("第 {n} 项为致命错误项，分值应为 0。").format(n=n)
            )
        elif not fatal and not 1 <= points <= 100:
            errors.setdefault("items", []).append(
                _("第 {n} 项分值须在 1 至 100 之间。").format(n=n)
            )
        rows.append((category[:40], text[:200], max(points, 0), fatal))
    if not any(not fatal for *_rest, fatal in rows):
        errors.setdefault("items", []).append(_("至少需要一个计分项。"))
    if errors:
        raise ValidationFailed(_("评分表有误。"), fields=errors)
    version = selectors.sheet_latest_version(code) + 1
    ScoringSheet.objects.filter(code=code, active=True).update(active=False)
    sheet = ScoringSheet.objects.create(
        code=code,
        version=version,
        name=name.strip()[:100],
        kinds=kinds,
        active=True,
        published_by=actor.username,
        note=note.strip()[:200],
    )
    SheetItem.objects.bulk_create(
        SheetItem(sheet=sheet, position=i, category=c, text=t, points=p, fatal=f)
        for i, (c, t, p, f) in enumerate(rows, start=1)
    )
    audit_record(
        actor=actor,
        action="inspection.sheet_publish",
        subject=sheet,
        fields=["name", "kinds", "items"],
        data={"code": code, "version": version},
    )
    return sheet


@transaction.atomic
def sheet_set_active(*, actor: Actor, sheet_id: Any, active: bool) -> ScoringSheet:
    """Retire or re-activate a version (only one version of a code is active at a time)."""
    _require_head_office(actor)
    sheet = selectors.sheet_get(sheet_id)
    if active:
        ScoringSheet.objects.filter(code=sheet.code, active=True).exclude(pk=sheet.pk).update(
            active=False
        )
    sheet.active = active
    sheet.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, action="inspection.sheet_active", subject=sheet, fields=["active"])
    return sheet
