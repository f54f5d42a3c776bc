"""Quality-inspection indicators (standard 4.1.3(2), 4.2.3(2), 7.2), declared with the kernel's
indicator engine: rows per org unit (the interaction's unit) and period of ``scored_at``.

* ``inspection.agent_qa_score`` — Σ final score ÷ number of scores (0–100). The final score is
  the amended one after a dispute, else the original.
* ``inspection.fatal_error_rate`` — scores with a (final) fatal error ÷ scores.

Both come from one grouped query of the scores for a whole range (the family ``SCORES``). The
scores behind a figure (``Indicator.cases``) link to their score page and are shown by the
interaction's reference (a call id, a consultation or complaint number), never the agent's name.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from hiqc.core.indicators import (
    CASES_LIMIT,
    Counted,
    Family,
    Indicator,
    RangeRow,
    align,
    grouped_by_period,
    indicators_compute,
    next_start,
    register_indicator,
)
from hiqc.core.personmeasures import Measured, PersonMeasure, register_person_measure, tally
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from .models import Score

QA_SCORE = "inspection.agent_qa_score"
FATAL_RATE = "inspection.fatal_error_rate"
CODES = (QA_SCORE, FATAL_RATE)
SOURCE = gettext_noop("本平台质检记录（质检评分；申诉处理后的最终得分）")


def _scores(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
    """Σ final score, fatal errors and scores per unit and period: one grouped query for both
    indicators over the whole range."""
    rows = grouped_by_period(
        Score.objects.filter(scored_at__gte=start, scored_at__lt=end), at="scored_at",
        granularity=granularity, keys=("org_unit__path",), total=Sum("final_total"),
        n=Count("pk"), fatal=Count("pk", filter=Q(final_fatal=True)),
    )  # fmt: skip
    out: dict[str, list[RangeRow]] = {QA_SCORE: [], FATAL_RATE: []}
    for r in rows:
        period, path, n = r["period"], r["org_unit__path"], float(r["n"])
        out[QA_SCORE].append((period, path, float(r["total"] or 0), n))
        out[FATAL_RATE].append((period, path, float(r["fatal"]), n))
    return out


SCORES = Family("inspection.scores", _scores)


def _scored(org_path: str, start: datetime, end: datetime, *order: str | F) -> list[Score]:
    return list(
        Score.objects.filter(
            scored_at__gte=start, scored_at__lt=end, org_unit__path__startswith=org_path
        )
        .select_related("org_unit", "task")
        .only("final_total", "final_fatal", "scored_at", "org_unit__path", "task__label")
        .order_by(*order)[:CASES_LIMIT]
    )


def _counted(score: Score, counted: str, bad: bool) -> Counted:
    return Counted(
        "inspection.score", str(score.pk), score.org_unit.path, score.scored_at, counted, bad,
        label=score.task.label or str(score.pk)[:8], name=str(Score._meta.verbose_name),
        url=reverse("inspection:score", kwargs={"score_id": score.pk}),
    )  # fmt: skip


def _points(score: Score) -> str:
    return gettext("%(score)s 分") % {"score": score.final_total}


def _qa_score_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The scores given in the period, the lowest final score first (a fatal error, which scores
    0, is what counts against the average)."""
    scores = _scored(org_path, start, end, "final_total", "-final_fatal", "scored_at", "pk")
    return [_counted(s, _points(s), s.final_fatal) for s in scores]


def _fatal_rate_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The scores given in the period, those with a final fatal error first."""
    scores = _scored(org_path, start, end, "-final_fatal", "final_total", "scored_at", "pk")
    return [
        _counted(s, gettext("致命错误") if s.final_fatal else gettext("无致命错误"), s.final_fatal)
        for s in scores
    ]


AGENT_QA_SCORE = Indicator(
    code=QA_SCORE,
    name_zh="质检平均得分",
    name_en="Average QA score",
    unit="points",
    direction="higher_better",
    clauses=("4.1.3(2)", "4.2.3(2)", "7.2"),
    formula=gettext_noop("Σ 本期质检评分的最终得分（0–100 分）÷ 本期质检评分数"),
    source=SOURCE,
    family=SCORES,
    cases=_qa_score_cases,
    owner="quality_lead",
)
FATAL_ERROR_RATE = Indicator(
    code=FATAL_RATE,
    name_zh="质检致命错误率",
    name_en="QA fatal error rate",
    unit="ratio",
    direction="lower_better",
    clauses=("4.1.3(2)", "4.2.3(2)", "7.2"),
    formula=gettext_noop("本期最终认定有致命错误的质检评分数 ÷ 本期质检评分数"),
    source=SOURCE,
    family=SCORES,
    cases=_fatal_rate_cases,
    owner="quality_lead",
)

register_indicator(AGENT_QA_SCORE)
register_indicator(FATAL_ERROR_RATE)


def qa_indicators_recompute(moment: datetime, *more: datetime) -> int:
    """Recompute both indicators for the day and the month containing ``moment`` (after a
    score or a dispute decision) — with ``more``, for every day and month from the earliest to
    the latest of them, one computation per granularity; idempotent."""
    first, last = min((moment, *more)), max((moment, *more))
    written = 0
    for granularity in ("day", "month"):
        start = align(first, granularity)
        end = next_start(align(last, granularity), granularity)
        written += indicators_compute(codes=CODES, granularity=granularity, start=start, end=end)
    return written


# --- per-person measure for the staff assessment (standard 7.2.2; issue 18 §4; ADR 0021) --------


def qa_score_by_person(user_ids: list[str], start: datetime, end: datetime) -> dict[str, Measured]:
    """The mean final QA score (after any dispute) of the scores given to each agent in
    ``[start, end)``: Σ final_total ÷ the number of scores, one query."""
    rows = (
        Score.objects.filter(agent_id__in=user_ids, scored_at__gte=start, scored_at__lt=end)
        .order_by("scored_at").values_list("pk", "agent_id", "final_total")
    )  # fmt: skip
    return tally((pk, agent, float(total)) for pk, agent, total in rows)


def register_person_measures() -> None:
    register_person_measure(PersonMeasure(
        "inspection.qa_score", gettext_noop("质检平均得分"), "mean",
        ("consultation_agent", "complaint_handler"), qa_score_by_person,
        lambda pk: reverse("inspection:score", args=[pk]), gettext_noop("分"),
    ))  # fmt: skip


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "inspection.agent_qa_score": (P.EFFICIENT, P.INTEGRITY),  # professional, accurate answers
    "inspection.fatal_error_rate": (P.INTEGRITY, P.COMPLIANCE),  # misleading or unlawful answers
})  # fmt: skip
