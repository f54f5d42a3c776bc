"""Demo quality inspection (contract in hiqc/demo/domains.py; standard 4.1.3(2), 4.2.3(2), 7.2).

For the last four months (this one included) and the demo agents ``agent_bj``, ``agent_gd`` and
``complaint_handler_bj``: a sample of up to 25 interactions per agent and month, drawn with the
same candidate query and the same seeded draw as the sampling page (targeted rules first, then
random), about 90 % of them scored by ``cc_supervisor`` on the default sheets, and a handful of
disputes — those still inside their window left open for the supervisors, the older ones decided
by ``quality_lead`` (upheld or amended). Telephony ids ``BJ-CY-007`` and ``GD-GZ-007`` are mapped
to the two agents through ``AgentAlias`` so that calls are sampled too.

**Bulk path, by design**: tasks, scores, lines and disputes are written with ``bulk_create``
(scores computed by the same ``scoring.compute_total`` as the service); the run as a whole is
audited once by ``demo_load``. The cases end where the engine would have taken them
(``workflow.py``), with their events in the one log and the dispute-window clocks built by
``deadline_build`` (running while the window runs; met when disputed; cancelled as of the
window's end when it ran out unused, which is what ``lapse`` does after the sweep). Idempotent: a task is unique per (kind, object id) and only new
tasks are scored, so a re-run creates nothing. With little source data (the demo tests load
small data) the pools are simply small or empty.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, compute_due, month_first
from hiqc.core.deadlines import deadline_build
from hiqc.core.models import CaseEvent, Deadline
from hiqc.organisations.models import OrgUnit, User

from . import selectors
from .enums import DisputeStatus, Kind, ScoreStatus, TaskStatus
from .indicators import CODES
from .models import AgentAlias, Dispute, InspectionTask, Sample, Score, ScoreLine
from .sampling import draw
from .scoring import ItemSpec, LineIn, compute_total
from .services import window_clock
from .workflow import DISPUTE_PROCESS, SCORE_PROCESS, TASK_PROCESS

AGENTS = ("agent_bj", "agent_gd", "complaint_handler_bj")
ALIASES = {"BJ-CY-007": "agent_bj", "GD-GZ-007": "agent_gd"}
MONTHS = 4
PER_AGENT = 25
SCORED_SHARE = 0.9
DISPUTES = 10


def _lines(rng: random.Random, items: list[Any]) -> list[LineIn]:
    lines = []
    for item in items:
        if item.fatal:
            lines.append(LineIn(str(item.pk), 0, rng.random() < 0.01))
        else:
            full = rng.random() < 0.72
            points = item.points if full else rng.randrange(item.points // 3, item.points)
            lines.append(LineIn(str(item.pk), points, False))
    return lines


def demo_load(
    *,
    seed: int,
    org_units: Mapping[str, OrgUnit],
    users: Mapping[str, User],
    actor: Actor,
) -> dict[str, int]:
    counts = {"aliases": 0, "tasks": 0, "scores": 0, "disputes": 0, "indicator_rows": 0}
    agents = {users[n].pk: users[n] for n in AGENTS if n in users}
    scorer = users.get("cc_supervisor") or users.get("quality_lead")
    decider = users.get("quality_lead") or scorer
    root = org_units.get("HO")
    if not agents or scorer is None or root is None:
        return counts
    for agent_id, username in ALIASES.items():
        if username in users:
            _, created = AgentAlias.objects.get_or_create(
                agent_id=agent_id, defaults={"user": users[username]}
            )
            counts["aliases"] += created
    sheets = {k: selectors.sheet_for_kind(k) for k in Kind.values}
    items = {k: list(s.items.all()) for k, s in sheets.items() if s is not None}
    now = timezone.now()
    today = timezone.localdate()
    system = Actor.system("demo")
    wanted = {str(pk) for pk in agents}
    new_scores: list[Score] = []
    new_tasks: list[InspectionTask] = []
    lines_out: list[ScoreLine] = []
    clock = window_clock()
    paths = {str(u.pk): u.path for u in org_units.values()}
    with transaction.atomic():
        for back in range(MONTHS - 1, -1, -1):
            first = month_first(today, -back)
            last = min(month_first(today, 1 - back) - timedelta(days=1), today)
            start = datetime.combine(first, time.min, tzinfo=BEIJING)
            end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=BEIJING)
            candidates, facts = selectors.sampling_candidates(
                system, unit=root, start=start, end=end, kinds=list(Kind.values),
                repeat_window=timedelta(days=7), long_call_pct=90,
            )  # fmt: skip
            candidates = [c for c in candidates if c.agent_id in wanted]
            if not candidates:
                continue
            month_seed = seed * 100 + back
            picks = draw(candidates, per_agent=PER_AGENT, seed=month_seed)
            taken = selectors.existing_tasks({p.candidate.key for p in picks})
            picks = [p for p in picks if p.candidate.key not in taken]
            if not picks:
                continue
            sample = Sample.objects.create(
                org_unit=root, period_start=first, period_end=last, per_agent=PER_AGENT,
                seed=month_seed, kinds=list(Kind.values), drawn_by="demo",
                counts={
                    "created": len(picks), "candidates": len(candidates), **facts,
                    "by_reason": dict(Counter(r for p in picks for r in p.reasons)),
                },
            )  # fmt: skip
            tasks = [
                InspectionTask(
                    kind=p.candidate.kind, object_id=p.candidate.object_id,
                    label=p.candidate.label, agent_id=p.candidate.agent_id,
                    org_unit_id=p.candidate.org_unit_id, occurred_at=p.candidate.occurred_at,
                    reasons=list(p.reasons), sample=sample,
                )
                for p in picks
            ]  # fmt: skip
            for task in tasks:
                rng = random.Random(f"{seed}:{task.kind}:{task.object_id}")
                sheet = sheets.get(task.kind)
                if sheet is None or rng.random() > SCORED_SHARE:
                    continue
                scored_at = min(
                    task.occurred_at + timedelta(hours=rng.randrange(4, 24 * 6)),
                    now - timedelta(hours=rng.randrange(1, 48)),
                )
                if scored_at <= task.occurred_at:
                    continue  # too recent: left in the queue
                specs = [ItemSpec(str(i.pk), i.points, i.fatal) for i in items[task.kind]]
                lines = _lines(rng, items[task.kind])
                total, fatal = compute_total(specs, lines)
                task.status = TaskStatus.SCORED
                score = Score(
                    task=task, sheet=sheet, agent_id=task.agent_id, org_unit_id=task.org_unit_id,
                    scorer=scorer, scored_at=scored_at, total=total, fatal=fatal,
                    final_total=total, final_fatal=fatal, status=ScoreStatus.SCORED,
                    assignee_id=task.agent_id,
                )  # fmt: skip
                score.dispute_until = compute_due(scored_at, clock.amount, clock.unit).due_at
                new_scores.append(score)
                lines_out += [
                    ScoreLine(
                        score=score, item_id=x.item_id, points=x.points, fatal_hit=x.fatal_hit
                    )
                    for x in lines
                ]
            InspectionTask.objects.bulk_create(tasks, batch_size=500)
            new_tasks += tasks
            counts["tasks"] += len(tasks)
        disputes = _disputes(new_scores, items, seed=seed, now=now, decider=decider)
        missing = {str(t.org_unit_id) for t in new_tasks} - paths.keys()
        paths.update({str(u.pk): u.path for u in selectors.units_of(missing)} if missing else {})
        events, deadlines = _history(
            new_tasks, new_scores, [d for d, _lines in disputes], paths=paths, now=now,
            names={"scorer": scorer.username, "decider": getattr(decider, "username", "")},
        )  # fmt: skip
        InspectionTask.objects.bulk_update(
            [t for t in new_tasks if t.version > 1], ["version"], batch_size=500
        )
        Score.objects.bulk_create(new_scores, batch_size=500)
        ScoreLine.objects.bulk_create(lines_out, batch_size=1000)
        Dispute.objects.bulk_create([d for d, _lines in disputes])
        ScoreLine.objects.bulk_create([x for _d, more in disputes for x in more])
        Deadline.objects.bulk_create(deadlines, batch_size=500)
        CaseEvent.objects.bulk_create(events, batch_size=1000)
        counts["scores"] = len(new_scores)
        counts["disputes"] = len(disputes)
    if new_scores:
        from hiqc.core.indicators import indicators_compute

        begin = datetime.combine(month_first(today, 1 - MONTHS), time.min, tzinfo=BEIJING)
        finish = datetime.combine(today + timedelta(days=1), time.min, tzinfo=BEIJING)
        for granularity in ("day", "month"):
            counts["indicator_rows"] += indicators_compute(
                codes=CODES, granularity=granularity, start=begin, end=finish
            )
    return counts


def _disputes(
    scores: list[Score], items: Mapping[str, list[Any]], *, seed: int, now: datetime, decider: Any
) -> list[tuple[Dispute, list[ScoreLine]]]:
    """A few disputes on lower scores: open while inside their window, else decided."""
    rng = random.Random(f"{seed}:disputes")
    low = sorted((s for s in scores if s.total < 90), key=lambda s: s.scored_at)
    recent = [s for s in low if s.dispute_until > now + timedelta(hours=2)]
    older = [s for s in low if s not in recent]
    chosen = rng.sample(older, min(len(older), DISPUTES - 3)) + recent[-3:]
    out: list[tuple[Dispute, list[ScoreLine]]] = []
    reasons = (
        "已按规定核实客户身份，录音可证。",
        "客户问题已在回访中解决。",
        "合规告知已在开头播报。",
    )
    for n, score in enumerate(chosen):
        raised = score.scored_at + (score.dispute_until - score.scored_at) / 3
        dispute = Dispute(
            score=score, raised_by_id=score.agent_id, raised_at=min(raised, now),
            reason=reasons[n % len(reasons)], previous_total=score.total,
        )  # fmt: skip
        more: list[ScoreLine] = []
        if score in recent:
            score.status = ScoreStatus.DISPUTED
        elif n % 2:
            dispute.status, score.status = DisputeStatus.UPHELD, ScoreStatus.UPHELD
            dispute.decision_note = "经调听录音，维持原评分。"
        else:
            dispute.status, score.status = DisputeStatus.AMENDED, ScoreStatus.AMENDED
            dispute.decision_note = "经调听录音，申诉理由成立，改正评分。"
            kind_items = items[score.task.kind]
            specs = [ItemSpec(str(i.pk), i.points, i.fatal) for i in kind_items]
            amended = [LineIn(str(i.pk), i.points, False) for i in kind_items]
            score.final_total, score.final_fatal = compute_total(specs, amended)
            more = [
                ScoreLine(score=score, item_id=x.item_id, revision=2, points=x.points)
                for x in amended
            ]
        if dispute.status != DisputeStatus.OPEN:
            dispute.decided_by = decider
            dispute.decided_at = min(dispute.raised_at + timedelta(days=2), now)
        out.append((dispute, more))
    return out


def _history(
    tasks: list[InspectionTask],
    scores: list[Score],
    disputes: list[Dispute],
    *,
    paths: Mapping[Any, str],
    now: datetime,
    names: Mapping[str, str],
) -> tuple[list[CaseEvent], list[Deadline]]:
    """The events and window clocks the engine would have written for these cases (workflow.py):
    a task is created then scored; a score opens with its window, which is disputed (met), still
    running, or ran out (confirmed by ``lapse``, the clock cancelled as of its end); a dispute
    opens and is decided (the score following it)."""
    events: list[CaseEvent] = []
    deadlines: list[Deadline] = []

    def event(case_type: str, case: Any, activity: str, states: tuple[str, str], at: datetime,
              actor: str, data: dict[str, Any] | None = None) -> None:  # fmt: skip
        events.append(
            CaseEvent(
                case_type=case_type, case_id=str(case.pk), org_path=paths[str(case_org(case))],
                activity=activity, from_state=states[0], to_state=states[1], at=at,
                actor_id=None, actor_name=actor, source=CaseEvent.Source.IMPORT,
                source_system="demo", external_id=f"{case_type}:{case.pk}:{len(events)}",
                data=data or {},
            )
        )  # fmt: skip

    def case_org(case: Any) -> Any:
        return case.score.org_unit_id if isinstance(case, Dispute) else case.org_unit_id

    for task in tasks:
        event(TASK_PROCESS, task, "create", ("", TaskStatus.PENDING), task.occurred_at, "demo")
    by_score = {d.score.pk: d for d in disputes}
    for score in scores:
        event(TASK_PROCESS, score.task, "score", (TaskStatus.PENDING, TaskStatus.SCORED),
              score.scored_at, names["scorer"])  # fmt: skip
        event(SCORE_PROCESS, score, "create", ("", ScoreStatus.SCORED), score.scored_at,
              names["scorer"], {"task": str(score.task.pk)})  # fmt: skip
        window = deadline_build(
            case_type=SCORE_PROCESS, case_id=str(score.pk), org_path=paths[str(score.org_unit_id)],
            clock=window_clock(), at=score.scored_at,
        )  # fmt: skip
        score.dispute_until = window.due_at
        deadlines.append(window)
        dispute = by_score.get(score.pk)
        if dispute is None:
            if window.due_at <= now:  # ran out unused: the sweep's breach, then lapse
                score.status = ScoreStatus.CONFIRMED
                window.state, window.breached_at = Deadline.State.CANCELLED, window.due_at
                window.closed_at, window.next_warning_at = window.due_at, None
                event(SCORE_PROCESS, score, "lapse", (ScoreStatus.SCORED, ScoreStatus.CONFIRMED),
                      window.due_at, "inspection")  # fmt: skip
            continue
        raised = dispute.raised_at
        window.state = Deadline.State.MET if raised <= window.due_at else Deadline.State.BREACHED
        window.closed_at, window.next_warning_at = raised, None
        score.assignee_id = None
        event(SCORE_PROCESS, score, "dispute", (ScoreStatus.SCORED, ScoreStatus.DISPUTED),
              raised, score.agent.username)  # fmt: skip
        event(DISPUTE_PROCESS, dispute, "create", ("", DisputeStatus.OPEN), raised,
              score.agent.username, {"score": str(score.pk)})  # fmt: skip
        if dispute.status != DisputeStatus.OPEN and dispute.decided_at is not None:
            action = "amend" if dispute.status == DisputeStatus.AMENDED else "uphold"
            event(DISPUTE_PROCESS, dispute, action, (DisputeStatus.OPEN, dispute.status),
                  dispute.decided_at, names["decider"], {"decision": action})  # fmt: skip
            event(SCORE_PROCESS, score, action, (ScoreStatus.DISPUTED, score.status),
                  dispute.decided_at, names["decider"], {"decision": action})  # fmt: skip
    # each event after "create" raised the case's version, as case_transition does
    counted = Counter((e.case_type, e.case_id) for e in events)
    for case_type, cases in ((TASK_PROCESS, tasks), (SCORE_PROCESS, scores),
                             (DISPUTE_PROCESS, disputes)):  # fmt: skip
        for case in cases:
            case.version = max(1, counted[(case_type, str(case.pk))])
    return events, deadlines
