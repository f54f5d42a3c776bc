"""Demo quality inspection (contract in hiqc/demo/domains.py; standard 4.1.3(2), 4.2.3(2), 7.2).

For the last four months (this one included) and the demo agents ``agent_bj``, ``agent_gd`` and
``complaint_handler_bj``: a sample of up to 25 interactions per agent and month, drawn with the
same candidate query and the same seeded draw as the sampling page (targeted rules first, then
random), about 90 % of them scored by ``cc_supervisor`` on the default sheets, and a handful of
disputes — those still inside their window left open for the supervisors, the older ones decided
by ``quality_lead`` (upheld or amended). Telephony ids ``BJ-CY-007`` and ``GD-GZ-007`` are mapped
to the two agents through ``AgentAlias`` so that calls are sampled too.

**Through the services, dated** (issue 15 §3): each task opens as a case when the interaction
happened (as the sampling page opens it), the supervisor scores it through ``task_score`` (its
dispute-window clock started by the engine), the agents dispute through ``score_dispute``, the
quality lead decides through ``dispute_decide``, and a window that ran out unused is lapsed as of
its end (``score_lapse``, what the sweep's ``window_ended`` reaction does) — every step with its
own time (``at``), so the events, versions and clocks are the engine's. Idempotent: a task is
unique per (kind, object id) and only new tasks are scored, so a re-run creates nothing. With
little source data (the demo tests load small data) the pools are simply small or empty.
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
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.casework import case_opened
from hiqc.core.models import CaseEvent
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from . import selectors
from .enums import Decision, Kind, ScoreStatus
from .indicators import CODES
from .models import AgentAlias, InspectionTask, Sample, Score
from .sampling import draw
from .scoring import LineIn
from .services import (
    TASK_KIND,
    dispute_decide,
    score_dispute,
    score_lapse,
    scores_batch,
    task_score,
)
from .workflow import DISPUTE

Source = CaseEvent.Source

AGENTS = ("agent_bj", "agent_gd", "complaint_handler_bj")
ALIASES = {"BJ-CY-007": "agent_bj", "GD-GZ-007": "agent_gd"}
MONTHS = 4
PER_AGENT = 25
SCORED_SHARE = 0.9
DISPUTES = 10


def _lines(rng: random.Random, items: list[Any]) -> list[LineIn]:
    lines = []
    for item in items:
        if item.critical:
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
    inspector = actor_for_user(scorer)
    wanted = {str(pk) for pk in agents}
    scored: list[tuple[InspectionTask, datetime, list[LineIn]]] = []
    # one transaction; the indicators recomputed once for the batch, not after each score
    with transaction.atomic(), scores_batch():
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
                seed=month_seed, kinds=list(Kind.values), drawn_by=scorer.username,
                counts={
                    "created": len(picks), "candidates": len(candidates), **facts,
                    "by_reason": dict(Counter(r for p in picks for r in p.reasons)),
                },
            )  # fmt: skip
            tasks = InspectionTask.objects.bulk_create(
                [
                    InspectionTask(
                        kind=p.candidate.kind, object_id=p.candidate.object_id,
                        label=p.candidate.label, agent_id=p.candidate.agent_id,
                        org_unit_id=p.candidate.org_unit_id, occurred_at=p.candidate.occurred_at,
                        reasons=list(p.reasons), sample=sample,
                    )
                    for p in picks
                ],
                batch_size=500,
            )  # fmt: skip
            units = {str(u.pk): u for u in selectors.units_of({t.org_unit_id for t in tasks})}
            for task in tasks:  # each task opens as a case, as the sampling page opens it
                task.org_unit = units[str(task.org_unit_id)]
                case_opened(kind=TASK_KIND, case=task, actor=inspector, at=task.occurred_at,
                            source=Source.SYSTEM,
                            data={"sample": str(sample.pk), "reasons": list(task.reasons)})  # fmt: skip
                rng = random.Random(f"{seed}:{task.kind}:{task.object_id}")
                if sheets.get(task.kind) is None or rng.random() > SCORED_SHARE:
                    continue
                scored_at = min(
                    task.occurred_at + timedelta(hours=rng.randrange(4, 24 * 6)),
                    now - timedelta(hours=rng.randrange(1, 48)),
                )
                if scored_at <= task.occurred_at:
                    continue  # too recent: left in the queue
                scored.append((task, scored_at, _lines(rng, items[task.kind])))
            counts["tasks"] += len(tasks)
        # the supervisor scores them through the scoring page's service, each on its day
        scores = [
            task_score(
                actor=inspector, task_id=task.pk, source=Source.SYSTEM, at=scored_at,
                lines=[{"item_id": x.item_id, "points": x.points, "fatal_hit": x.fatal_hit}
                       for x in lines],
            )
            for task, scored_at, lines in sorted(scored, key=lambda t: t[1])
        ]  # fmt: skip
        counts["scores"] = len(scores)
        counts["disputes"] = _disputes(scores, items, seed=seed, now=now, decider=decider)
        # windows that ran out unused: what the sweep's window_ended reaction does (lapse)
        for score in Score.objects.filter(
            pk__in=[s.pk for s in scores], status=ScoreStatus.SCORED, dispute_until__lte=now
        ).order_by("dispute_until"):
            score_lapse(actor=Actor.system("inspection"), score_id=score.pk,
                        at=score.dispute_until)  # fmt: skip
    if scores:
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
) -> int:
    """A few disputes on lower scores, raised by the scored agents a third into their window:
    left open while inside their window (for the supervisors), older ones decided by the quality
    lead (upheld or amended) two days later. An agent without the right to dispute raises none."""
    rng = random.Random(f"{seed}:disputes")
    by_time = sorted(scores, key=lambda s: s.scored_at)
    open_window = [s for s in by_time if s.dispute_until > now + timedelta(hours=2)]
    # the open disputes: the latest low scores still in their window — or, on a day when none
    # of those is low (a small demo, a quiet week), the latest scores in their window, so the
    # supervisors always have one to decide
    recent = ([s for s in open_window if s.total < 90] or open_window)[-3:]
    older = [s for s in by_time if s.total < 90 and s not in open_window]
    chosen = rng.sample(older, min(len(older), DISPUTES - 3)) + recent
    reasons = (
        "已按规定核实客户身份，录音可证。",
        "客户问题已在回访中解决。",
        "合规告知已在开头播报。",
    )
    judge = actor_for_user(decider)
    raised_count = 0
    for n, score in enumerate(chosen):
        raised = min(score.scored_at + (score.dispute_until - score.scored_at) / 3, now)
        agent = actor_for_user(score.agent)
        if not agent.can(DISPUTE, score.org_unit.path):
            continue
        dispute = score_dispute(actor=agent, score_id=score.pk, reason=reasons[n % len(reasons)],
                                source=Source.SYSTEM, at=raised)  # fmt: skip
        raised_count += 1
        if score in recent:
            continue
        decided = min(raised + timedelta(days=2), now)
        if n % 2:
            dispute_decide(actor=judge, dispute_id=dispute.pk, decision=Decision.UPHOLD,
                           note="经调听录音，维持原评分。", source=Source.SYSTEM, at=decided)  # fmt: skip
        else:
            full = [{"item_id": str(i.pk), "points": i.points, "fatal_hit": False}
                    for i in items[score.task.kind]]  # fmt: skip
            dispute_decide(actor=judge, dispute_id=dispute.pk, decision=Decision.AMEND,
                           note="经调听录音，申诉理由成立，改正评分。", lines=full,
                           source=Source.SYSTEM, at=decided)  # fmt: skip
    return raised_count
