"""Writes for quality inspection (standard 4.1.3(2), 4.2.3(2), 7.2): sampling, scoring,
disputes and scoring-sheet versions. Every write is audited in the same transaction, with field
names and ids only — never the content of an interaction.

Tasks, scores and disputes are cases on the engine (``workflow.py``; issue 15 §3): their status
changes only through ``case_opened`` / ``case_transition``, which record the event, audit the
change, run the dispute-window clock and answer a stale version with 409.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, compute_due
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_opened, case_transition, cases_opened
from hiqc.core.deadlines import apply_effects
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import CaseEvent, Checklist, ChecklistItem, Deadline
from hiqc.core.rules import rule_value
from hiqc.core.workflow import Clock, Start
from hiqc.organisations.selectors import unit_in_scope

from . import selectors
from .enums import Decision, DisputeStatus, Kind, ScoreStatus, TaskStatus
from .indicators import qa_indicators_recompute
from .models import SHEET_PURPOSE, Dispute, InspectionTask, Sample, Score, ScoreLine
from .sampling import draw
from .scoring import ItemSpec, LineIn, check_lines, compute_total, parse_lines
from .workflow import (
    DISPUTE,
    DISPUTE_CASE,
    DISPUTE_PROCESS,
    INSPECT,
    SCORE,
    SCORE_PROCESS,
    TASK,
    TASK_PROCESS,
    VIEW,
    WINDOW,
)

Source = CaseEvent.Source

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
    source: str = Source.API,
) -> Sample:
    """Draw a sample per agent for the unit's subtree and period (random + targeted, see
    ``sampling.py``); write one ``InspectionTask`` per new interaction. Idempotent: an interaction
    already sampled is never sampled again, and an agent who already has ``per_agent`` tasks in
    the period gets none."""
    require(actor, "qa.inspect")  # 403 without the permission; 404 for a unit out of scope
    unit = unit_in_scope(actor, org_unit_id, selectors.INSPECT)
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
    tasks = InspectionTask.objects.bulk_create(
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
                status=TASK.initial,
            )
            for p in picks
        ],
        batch_size=500,
    )
    units = {str(u.pk): u for u in selectors.units_of({t.org_unit_id for t in tasks})}
    for task in tasks:
        task.org_unit = units[str(task.org_unit_id)]
    # each task opens as a case: its first event in the one log, all in one write
    cases_opened(kind=TASK_KIND, cases=tasks, actor=actor, at=timezone.now(), source=source,
                 data=lambda task: {"sample": str(sample.pk), "reasons": list(task.reasons)})  # fmt: skip
    audit_record(
        actor=actor,
        action="inspection.sample",
        subject=sample,
        fields=["org_unit", "period_start", "period_end", "per_agent", "seed", "kinds"],
        data={"created": len(picks), "seed": seed},
    )
    return sample


# --- the case kinds (issue 15 §3) -----------------------------------------------------------------


def _task_url(case_id: str) -> str:
    return reverse("inspection:task", args=[case_id])


def _score_url(case_id: str) -> str:
    return reverse("inspection:score", args=[case_id])


def _dispute_url(case_id: str) -> str:
    return reverse("inspection:dispute", args=[case_id])


def _task_blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | None:
    if action != "score":
        return None
    if case.agent_id == actor.user_id:
        return _("不能对本人的服务进行质检评分。")
    if selectors.sheet_for_kind(case.kind) is None:
        return _("没有适用于该交互类型的启用评分表。")
    return None


def _decider_refusal(score: Score, actor: Actor) -> str | None:
    """Why ``actor`` may not decide a dispute on ``score`` (standard 7.2: fair assessment)."""
    if score.agent_id == actor.user_id:
        return _("不能裁决本人的申诉。")
    if score.scorer_id and score.scorer_id == actor.user_id:
        others = selectors.inspectors_over(score.org_unit.path) - {actor.user_id, score.agent_id}
        if others:
            return _("原质检员不能裁决对本人评分的申诉，请由其他质检人员裁决。")
    return None


def _score_blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | None:
    if action == "dispute":
        if case.agent_id != actor.user_id:
            return _("只有被质检人本人可以对评分提出申诉。")
        if not selectors.dispute_window_open(case, at):
            return _("已超过申诉期限。")
    elif action == "lapse":
        if selectors.dispute_window_open(case, at):
            return _("申诉期尚未届满。")
    elif action in ("uphold", "amend"):
        return _decider_refusal(case, actor)
    return None


def _dispute_blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | None:
    return _decider_refusal(case.score, actor) if action in ("uphold", "amend") else None


def dispute_held(dispute: Dispute, actor: Actor) -> str:
    """Why ``actor`` may not decide the open ``dispute`` (shown instead of the form), or ""."""
    if dispute.status != DisputeStatus.OPEN:
        return ""
    return _decider_refusal(dispute.score, actor) or ""


TASK_KIND = CaseKind(
    label=TASK_PROCESS,
    workflow=TASK,
    access=selectors.access_task,
    name=gettext_lazy("质检任务"),
    view_perm=VIEW,  # my work: the inspectors over the unit score it (the workflow's qa.inspect)
    not_for=selectors.task_not_for,  # …never the agent whose service it scores
    url_for=_task_url,
    blocked=_task_blocked,
)
SCORE_KIND = CaseKind(
    label=SCORE_PROCESS,
    workflow=SCORE,
    access=selectors.access_score_case,
    name=gettext_lazy("质检评分"),
    view_perm=VIEW,
    # Nobody works scores by scope: while the window runs the score is assigned to the scored
    # agent (the only one who may dispute); once disputed, the dispute is the inspectors' work.
    work_in_scope=False,
    url_for=_score_url,
    blocked=_score_blocked,
)
DISPUTE_KIND = CaseKind(
    label=DISPUTE_PROCESS,
    workflow=DISPUTE_CASE,
    access=selectors.access_dispute,
    name=gettext_lazy("质检申诉"),
    view_perm=INSPECT,  # my work: the inspectors over the unit decide it (the workflow's)
    not_for=selectors.dispute_not_for,  # …never its agent, nor its scorer while another can
    url_for=_dispute_url,
    blocked=_dispute_blocked,
)


# --- scoring --------------------------------------------------------------------------------------


def _specs(sheet: Checklist) -> list[ItemSpec]:
    return [ItemSpec(str(i.pk), i.points, i.critical) for i in sheet.items.all()]


def _checked(sheet: Checklist, raw_lines: Iterable[Mapping[str, Any]]) -> list[LineIn]:
    lines = parse_lines(raw_lines)
    errors = check_lines(_specs(sheet), lines)
    if errors:
        raise ValidationFailed(_("评分有误，请检查各评分项。"), fields=errors)
    return lines


def window_clock() -> Clock:
    """The dispute window in force: rule ``inspection.dispute_window_days`` working days (HIQC
    design default (P) 5), counted with 调休."""
    return replace(WINDOW, amount=int(rule_value("inspection.dispute_window_days")))


def _line_data(lines: list[LineIn]) -> list[dict[str, Any]]:
    return [{"item_id": x.item_id, "points": x.points, "fatal_hit": x.fatal_hit} for x in lines]


def task_score(
    *,
    actor: Actor,
    task_id: Any,
    lines: Iterable[Mapping[str, Any]],
    comment: str = "",
    sheet_id: Any = None,
    version: int | None = None,
    source: str = Source.API,
    at: datetime | None = None,
) -> Score:
    """Score a sampled interaction with the active sheet for its kind (or ``sheet_id``); the
    total is computed here (weights; fatal → 0) and the sheet version is kept with the score.
    The task moves pending → scored; the score is opened as a case assigned to the agent, with
    its dispute window running. ``at`` dates a step recorded later than it happened (history
    loaded: the demo); it defaults to now."""
    with transaction.atomic():
        task = selectors.access_task(actor, task_id, perm=INSPECT, for_update=True)
        require(actor, INSPECT, task)
        if task.agent_id == actor.user_id:
            raise Forbidden(_("不能对本人的服务进行质检评分。"))
        data: dict[str, Any] = {"lines": list(lines)}
        record: dict[str, Any] = {}
        sheet = None
        checked: list[LineIn] = []
        total, fatal = Decimal(0), False
        if task.status == TaskStatus.PENDING and version in (None, task.version):
            sheet = (
                selectors.sheet_get(sheet_id) if sheet_id else selectors.sheet_for_kind(task.kind)
            )
            if sheet is None or not sheet.active or task.kind not in sheet.applies_to:
                raise ValidationFailed(
                    _("没有适用于该交互类型的启用评分表。"),
                    fields={"sheet_id": [_("请选择评分表。")]},
                )
            checked = _checked(sheet, data["lines"])
            total, fatal = compute_total(_specs(sheet), checked)
            data["lines"] = _line_data(checked)
            record = {"sheet": f"{sheet.code} v{sheet.version}", "total": str(total),
                      "fatal": fatal}  # fmt: skip
        now = at or timezone.now()
        # refuses (409) a task already scored or a stale version before anything is written
        # the scorer takes the task: the engine's assignment check applies to them (质检员资格
        # when the inspection gate is on; issue 18 §3, standard 8.2.6)
        case_transition(
            kind=TASK_KIND, actor=actor, case_id=task.pk, action="score", data=data,
            version=version, at=now, source=source, record=record,
            updates={"assignee_id": actor.user_id} if actor.user_id is not None else None,
        )  # fmt: skip
        assert sheet is not None
        clock = window_clock()
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
            dispute_until=compute_due(now, clock.amount, clock.unit).due_at,
            status=SCORE.initial,
            assignee_id=task.agent_id,  # the scored agent may dispute: it is theirs to act on
        )
        _write_lines(score, checked, revision=1)
        apply_effects(
            case_type=SCORE_KIND.label, case_id=str(score.pk), org_path=task.org_unit.path,
            clocks={WINDOW.code: clock}, effects=[Start(WINDOW)], at=now,
        )  # fmt: skip
        case_opened(kind=SCORE_KIND, case=score, actor=actor, at=now, source=source,
                    data={"task": str(task.pk), **record})  # fmt: skip
        audit_record(
            actor=actor,
            action="inspection.score",
            subject=score,
            fields=["lines", "total", "fatal", "comment"],
            data={"task": str(task.pk), "sheet": record["sheet"]},
        )
        _recompute_on_commit(now)
    return score


# the moments of the scores and decisions written inside ``scores_batch`` (None outside one)
_BATCH: ContextVar[list[datetime] | None] = ContextVar("inspection_scores_batch", default=None)


@contextmanager
def scores_batch() -> Iterator[None]:
    """Scores and decisions written inside recompute the QA indicators once, when the block
    ends, for the days and months they touched — instead of once each after its commit (a
    loader writing hundreds: the demo)."""
    moments: list[datetime] = []
    token = _BATCH.set(moments)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if moments:
        qa_indicators_recompute(*moments)


def _recompute_on_commit(moment: datetime) -> None:
    """Recompute the indicators of ``moment``'s day and month after the commit (or at the end of
    the ``scores_batch`` this runs in)."""
    batch = _BATCH.get()
    if batch is not None:
        batch.append(moment)
        return
    transaction.on_commit(lambda: qa_indicators_recompute(moment))


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


def score_dispute(
    *,
    actor: Actor,
    score_id: Any,
    reason: str,
    version: int | None = None,
    source: str = Source.API,
    at: datetime | None = None,
) -> Dispute:
    """The scored agent disputes their own score while its window runs (standard 7.2: fair
    assessment): the score moves scored → disputed (the window stops) and a dispute is opened
    for the inspectors to decide. ``at``: as for ``task_score``."""
    with transaction.atomic():
        score = selectors.access_own_score(actor, score_id, for_update=True)
        assert actor.user_id is not None  # the own-score door admits users only
        require(actor, DISPUTE, score)
        now = at or timezone.now()
        reason = reason.strip()
        if score.status == ScoreStatus.SCORED and version in (None, score.version):
            if not selectors.dispute_window_open(score, now):
                raise ValidationFailed(
                    _("已超过申诉期限。"), code="dispute_window_closed", fields={"reason": []}
                )
            if not reason:
                raise ValidationFailed(_("请填写申诉理由。"), fields={"reason": [_("此项必填。")]})
        # the reason stays on the dispute only, not in the event log
        case_transition(
            kind=SCORE_KIND, actor=actor, case_id=score.pk, action="dispute",
            data={"reason": reason}, record={}, version=version, at=now, source=source,
        )  # fmt: skip
        score.refresh_from_db()
        score.assignee = None  # the window is over: what remains is the inspectors' decision
        score.save(update_fields=["assignee", "updated_at"])
        dispute = Dispute.objects.create(
            score=score,
            raised_by_id=actor.user_id,
            raised_at=now,
            reason=reason[:2000],
            previous_total=score.final_total,
            status=DISPUTE_CASE.initial,
        )
        case_opened(kind=DISPUTE_KIND, case=dispute, actor=actor, at=now, source=source,
                    data={"score": str(score.pk)})  # fmt: skip
        audit_record(actor=actor, action="inspection.dispute", subject=dispute, fields=["reason"])
    return dispute


def score_lapse(*, actor: Actor, score_id: Any, at: datetime | None = None) -> Score:
    """Close a score whose dispute window ran out unused: scored → confirmed, the window clock
    cancelled (an unused right, not a missed time limit)."""
    score = case_transition(
        kind=SCORE_KIND, actor=actor, case_id=score_id, action="lapse", at=at,
        source=Source.SYSTEM,
    )  # fmt: skip
    assert isinstance(score, Score)
    return score


def on_window_ended(sender: Any, deadline: Deadline, **kwargs: Any) -> None:
    """The sweep found a dispute window ended and still open (``window_ended``, sent on every
    sweep until the score is closed, so a failed run is caught up): the score is confirmed as of
    the window's end."""
    if deadline.case_type != SCORE_KIND.label:
        return
    with suppress(Conflict, NotFound):  # disputed or closed meanwhile: nothing to confirm
        score_lapse(actor=Actor.system("inspection"), score_id=deadline.case_id, at=deadline.due_at)


def dispute_decide(
    *,
    actor: Actor,
    dispute_id: Any,
    decision: str,
    note: str,
    lines: Iterable[Mapping[str, Any]] | None = None,
    version: int | None = None,
    source: str = Source.API,
    at: datetime | None = None,
) -> Dispute:
    """Uphold the score, or amend it by re-scoring the items (the service computes the new
    total): the dispute moves open → upheld / amended and its score follows (disputed → upheld /
    amended). The original scorer may decide only when nobody else holds qa.inspect over the
    unit; the scored agent never. ``at``: as for ``task_score``."""
    with transaction.atomic():
        dispute = selectors.access_dispute(actor, dispute_id, for_update=True)
        score = dispute.score
        require(actor, INSPECT, score)
        note = note.strip()
        action = "amend" if decision == Decision.AMEND else "uphold"
        checked: list[LineIn] = []
        data: dict[str, Any] = {"note": note}
        record: dict[str, Any] = {"decision": decision}
        if dispute.status == DisputeStatus.OPEN and version in (None, dispute.version):
            refusal = _decider_refusal(score, actor)
            if refusal:
                raise Forbidden(refusal)
            errors: dict[str, list[str]] = {}
            if decision not in Decision.values:
                errors["decision"] = [_("请选择裁决结果。")]
            if not note:
                errors["note"] = [_("此项必填。")]
            if errors:
                raise ValidationFailed(_("裁决信息有误。"), fields=errors)
            if action == "amend":
                checked = _checked(score.sheet, lines or [])
                data["lines"] = _line_data(checked)
        now = at or timezone.now()
        decided = case_transition(
            kind=DISPUTE_KIND, actor=actor, case_id=dispute.pk, action=action, data=data,
            record=record, version=version, at=now, source=source,
            updates={"decided_by_id": actor.user_id, "decided_at": now,
                     "decision_note": note[:2000]},
            audit={"decision": decision, "score": str(score.pk)},
        )  # fmt: skip
        assert isinstance(decided, Dispute)
        if action == "amend":
            total, fatal = compute_total(_specs(score.sheet), checked)
            record["final_total"] = str(total)
            ScoreLine.objects.filter(score=score, revision=2).delete()
            _write_lines(score, checked, revision=2)
        # the score follows its dispute (its own step: its own event and audit record)
        case_transition(
            kind=SCORE_KIND, actor=actor, case_id=score.pk, action=action, data=data,
            record=record, at=now, source=source, audit=record,
        )  # fmt: skip
        if action == "amend":
            Score.objects.filter(pk=score.pk).update(final_total=total, final_fatal=fatal)
        dispute = decided
        _recompute_on_commit(score.scored_at)
    return dispute


# --- scoring sheets -------------------------------------------------------------------------------


def _lock_versions(code: str) -> None:
    """Lock every version of a sheet's code until the transaction ends (PostgreSQL; SQLite
    writes one transaction at a time)."""
    list(Checklist.objects.select_for_update().filter(code=code).values_list("pk", flat=True))


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
) -> Checklist:
    """Publish a sheet: a new code starts at version 1; an existing code gets version n+1 and
    its earlier versions are retired. Published versions are never edited (scores keep theirs)."""
    _require_head_office(actor)
    errors: dict[str, list[str]] = {}
    code = code.strip()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 40:
        errors["code"] = [_("编码只能包含字母、数字、连字符，最长 40 个字符。")]
    elif selectors.sheet_code_taken(code):
        errors["code"] = [_("该编码已被其他评分清单使用。")]
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
    # every version of the code locked: two publishes at once number n+1 and n+2, never both n+1
    _lock_versions(code)
    version = selectors.sheet_latest_version(code) + 1
    selectors.sheets().filter(code=code, active=True).update(active=False)
    try:
        with transaction.atomic():  # a new code has no row to lock: the unique key decides
            sheet = Checklist.objects.create(
                code=code,
                version=version,
                name=name.strip()[:100],
                purpose=SHEET_PURPOSE,
                applies_to=kinds,
                active=True,
                published_at=timezone.now(),
                published_by=actor.username,
                note=note.strip()[:200],
            )
    except IntegrityError as exc:
        raise Conflict(_("该评分表刚刚发布了新版本，请刷新后重试。"), code="stale_version") from exc
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=sheet, position=i, category=c, text=t, points=p, critical=f)
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
def sheet_set_active(*, actor: Actor, sheet_id: Any, active: bool) -> Checklist:
    """Retire or re-activate a version (only one version of a code is active at a time: every
    version is locked first, so two activations at once leave one active, not two)."""
    _require_head_office(actor)
    sheet = selectors.sheet_get(sheet_id)
    _lock_versions(sheet.code)
    if active:
        selectors.sheets().filter(code=sheet.code, active=True).exclude(pk=sheet.pk).update(
            active=False
        )
    sheet.active = active
    sheet.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, action="inspection.sheet_active", subject=sheet, fields=["active"])
    return sheet
