"""Claims indicators (standard 5.2.1, 5.2.2, 5.3.1; issue 5 §9), declared with the kernel's
indicator engine: rows per org unit and period, rolled up as Σnumerator ÷ Σdenominator; medians
and P90 are read from the underlying values (``samples`` + ``percentile``), never combined from
stored figures.

- time from application to payment: ``received_at`` → the first benefit ``Payment.paid_at``, in
  calendar days (mean, median, P90), counted in the period of that payment;
- per-step durations from the case events: received → start_review → documents_complete →
  decide/refuse → agree_amount → pay, each split into **waiting for the claimant** (from the day a
  supplement notice reached them to the day the documents reached us — the ``notice_delivered``
  → ``supplement_received`` events, i.e. ``SupplementRequest.delivered_at`` → ``fulfilled_at``,
  the same span CL-3 deducts from the decision clock) and **working** time (the rest); counted in
  the period the step ended;
- on-time rates of the legal clocks (decision CL-2, refusal notice CL-6, payment CL-5): clocks
  closed met ÷ clocks closed (met or breached) in the period;
- payout ratio (获赔率): claims closed in the period with an approve / partial outcome and a
  benefit payment ÷ claims closed in the period.

Claimant satisfaction (``claims.satisfaction``) is declared by the surveys app from the answers of
claimants surveyed after payment or refusal; until there are answers it has no rows and pages say
"no data yet" — no number is invented.
The composite claims-quality score is computed in ``timeliness.quality_scores`` from these
figures (see ``docs/domains/claims.md`` "Indicators and the quality score").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.utils.translation import gettext, gettext_noop, pgettext_lazy

from hiqc.core.bulkwrite import Table, rendered, store
from hiqc.core.indicators import (
    CASES_LIMIT,
    CasesOf,
    Counted,
    Family,
    Indicator,
    RangeRow,
    bucketed,
    clock_cases,
    clocks_on_time,
    counted_by_period,
    days_text,
    grouped_by_period,
    indicators_compute,
    register_indicator,
)
from hiqc.core.models import CaseEvent
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from .enums import Outcome, PaymentKind
from .models import Claim, ClaimStep, Payment

CASE_TYPE = "claims.claim"
SOURCE = gettext_noop("本平台理赔记录（理赔案件、支付记录、案件事件、时限记录）")
OWNER = "claims_reviewer"  # the role accountable for the claims figures
DAY = 86400.0


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # msgid (zh)
    starts: tuple[str, ...]  # activities that start the step (the first one counts)
    ends: tuple[str, ...]  # activities that end it (the first one after the start counts)


STEPS: tuple[Step, ...] = (
    Step("intake", gettext_noop("受理→开始审核"), ("create",), ("start_review",)),
    Step("review", gettext_noop("资料审核"), ("start_review",), ("documents_complete",)),
    Step("adjudication", gettext_noop("核定"), ("documents_complete",), ("decide", "refuse")),
    Step("agreement", gettext_noop("金额确认"), ("decide",), ("agree_amount",)),
    Step("payment", gettext_noop("支付"), ("agree_amount",), ("pay",)),
)
STEP_LABELS = {s.code: s.label for s in STEPS}
PAUSE_FROM, PAUSE_TO = "notice_delivered", "supplement_received"
_END_ACTIVITIES = sorted({a for s in STEPS for a in s.ends})
_ACTIVITIES = sorted({a for s in STEPS for a in (*s.starts, *s.ends)} | {PAUSE_FROM, PAUSE_TO})

# the legal clocks whose on-time rate is an indicator (clock code → indicator code)
ON_TIME = {
    "claims.decide": "claims.decided_on_time_rate",
    "claims.refusal_notice": "claims.refusal_notice_on_time_rate",
    "claims.payment": "claims.paid_on_time_rate",
}


@dataclass(frozen=True)
class StepSample:
    case_id: str
    org_path: str
    step: str
    ended_at: datetime
    total_days: float
    waiting_days: float

    @property
    def working_days(self) -> float:
        return self.total_days - self.waiting_days


def _overlap(a: datetime, b: datetime, pauses: list[tuple[datetime, datetime]]) -> float:
    seconds = 0.0
    for p_from, p_to in pauses:
        lo, hi = max(a, p_from), min(b, p_to)
        if hi > lo:
            seconds += (hi - lo).total_seconds()
    return seconds


def _case_steps(case_id: str, events: list[tuple[str, str, datetime]]) -> Iterator[StepSample]:
    """The steps one claim completed, from its events (activity, org path, at) in time order."""
    pauses: list[tuple[datetime, datetime]] = []
    opened: datetime | None = None
    for activity, _path, at in events:
        if activity == PAUSE_FROM and opened is None:
            opened = at
        elif activity == PAUSE_TO and opened is not None:
            pauses.append((opened, at))
            opened = None
    path = events[-1][1]
    for step in STEPS:
        begin = next((at for a, _p, at in events if a in step.starts), None)
        if begin is None:
            continue
        finish = next((at for a, _p, at in events if a in step.ends and at >= begin), None)
        if finish is None:
            continue
        total = (finish - begin).total_seconds()
        yield StepSample(case_id, path, step.code, finish, total / DAY,
                         min(total, _overlap(begin, finish, pauses)) / DAY)  # fmt: skip


class NotIndexedOnSqlite(Func):
    """A column as it is; on SQLite ``+column``, which keeps the planner off the column's
    indexes. SQLite has no statistics here (nothing runs ANALYZE) and takes any index that
    matches a condition, however little it narrows: the steps of a period through the
    (ended_at, org_path) index row by row (twice as slow as reading the table through for a
    quarter or a year of steps), the new events through the case index (every claim event)
    instead of the primary key, a benefit payment's claim through the claim index
    (bench/bench_claims_timeliness.py). PostgreSQL chooses from its statistics."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _event_step_samples(after_id: int) -> Iterator[tuple[StepSample, int]]:
    """Every completed step of the claims with a step event after event ``after_id``, replayed
    from their events (one ordered query), with the claim's last event id."""
    events = CaseEvent.objects.filter(case_type=CASE_TYPE, activity__in=_ACTIVITIES)
    changed = (  # the new events found through the primary key
        CaseEvent.objects.alias(kind=NotIndexedOnSqlite("case_type", output_field=CharField()))
        .filter(id__gt=after_id, kind=CASE_TYPE, activity__in=_ACTIVITIES)
        .order_by()
        .values("case_id")
    )
    rows = (
        (events if after_id == 0 else events.filter(case_id__in=changed))
        .order_by("case_id", "at", "id")
        .values_list("case_id", "activity", "org_path", "at", "id")
    )
    for case_id, group in groupby(rows.iterator(chunk_size=10_000), key=lambda r: r[0]):
        items = list(group)
        last = max(r[4] for r in items)
        events_of = [(a, p, at) for _c, a, p, at, _i in items]
        for sample in _case_steps(case_id, events_of):
            yield sample, last


def claim_steps_refresh(*, batch: int = 20_000) -> int:
    """Bring ``ClaimStep`` up to date with the event log: the claims with a step event after the
    newest event already folded in are replayed and their steps upserted (events are
    append-only, so earlier steps never change). Cheap when nothing is new; returns rows written."""
    watermark = ClaimStep.objects.aggregate(m=Max("last_event_id"))["m"] or 0
    written = 0
    first_fill = watermark == 0 and not ClaimStep.objects.exists()  # nothing to conflict with
    rows: list[ClaimStep] = []
    for s, last in _event_step_samples(watermark):
        rows.append(ClaimStep(case_id=s.case_id, step=s.step, org_path=s.org_path,
                              ended_at=s.ended_at, total_days=s.total_days,
                              waiting_days=s.waiting_days, last_event_id=last))  # fmt: skip
        if len(rows) >= batch:
            written += _upsert(rows, first_fill)
            rows = []
    return written + _upsert(rows, first_fill)


def _upsert(rows: list[ClaimStep], first_fill: bool) -> int:
    if not rows:
        return 0
    if first_fill:  # an empty table: the bulk insert path (bulk_create prepares value by value)
        table = Table(ClaimStep)
        table.add_dicts([{n: getattr(r, n) for n in table.attnames} for r in rows])
        postgres = connection.vendor == "postgresql"
        store(rendered([table], postgres), postgres)
        return len(rows)
    with transaction.atomic():
        ClaimStep.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["case_id", "step"],
            update_fields=["org_path", "ended_at", "total_days", "waiting_days", "last_event_id"],
        )  # fmt: skip
    return len(rows)


def step_samples(*, start: datetime, end: datetime, org_path: str = "") -> list[StepSample]:
    """Every step that ended in [start, end) for claims of the subtree at ``org_path``, read from
    ``ClaimStep`` after folding in any new events (so always current)."""
    claim_steps_refresh()
    rows = ClaimStep.objects.filter(
        ended_at__gte=start, ended_at__lt=end, org_path__startswith=org_path
    ).values_list("case_id", "org_path", "step", "ended_at", "total_days", "waiting_days")
    return [StepSample(*row) for row in rows.iterator(chunk_size=10_000)]


def step_durations(
    *, start: datetime, end: datetime, org_path: str = ""
) -> list[tuple[str, str, float, float]]:
    """(step, org path, total days, waiting days) of the steps that ended in [start, end): what
    ``step_samples`` reads, without the per-row objects and time conversions the dashboard does not
    need."""
    claim_steps_refresh()
    ended = NotIndexedOnSqlite("ended_at", output_field=DateTimeField())
    return list(
        ClaimStep.objects.alias(ended=ended)
        .filter(ended__gte=start, ended__lt=end, org_path__startswith=org_path)
        .values_list("step", "org_path", "total_days", "waiting_days")
    )


def payment_days(
    *, start: datetime, end: datetime, org_path: str = ""
) -> list[tuple[str, str, datetime, float]]:
    """(claim id, org path, first benefit payment, days from receipt) for claims whose first
    benefit payment fell in [start, end)."""
    rows = (
        Payment.objects.filter(kind=PaymentKind.BENEFIT, claim__org_unit__path__startswith=org_path)
        .values("claim_id", "claim__org_unit__path", "claim__received_at")
        .annotate(first=Min("paid_at"))
        .filter(first__gte=start, first__lt=end)
    )
    return [
        (str(r["claim_id"]), r["claim__org_unit__path"], r["first"],
         (r["first"] - r["claim__received_at"]).total_seconds() / DAY)
        for r in rows
    ]  # fmt: skip


# --- row computations (one grouped read per range, bucketed by period) --------------------------


def _days_to_payment(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    return bucketed(
        granularity,
        ((when, path, days, 1.0) for _c, path, when, days in payment_days(start=start, end=end)),
    )


def _payment_samples(org_path: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    return [
        (when, days) for _c, _p, when, days in payment_days(start=start, end=end, org_path=org_path)
    ]


def _payout(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    paid = Payment.objects.filter(claim=OuterRef("pk"), kind=PaymentKind.BENEFIT)
    closed = Claim.objects.filter(closed_at__gte=start, closed_at__lt=end).annotate(
        paid=Exists(paid)
    )
    return counted_by_period(
        closed, at="closed_at", granularity=granularity, path="org_unit__path",
        hit=Q(paid=True, outcome__in=[Outcome.APPROVE, Outcome.PARTIAL]),
    )  # fmt: skip


def _step_code(step: str, part: str) -> str:
    return f"claims.step.{step}.{part}"


def _step_means(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
    """Σ working days, Σ waiting days and steps per step, unit and period: one grouped query of
    ``ClaimStep`` for every step indicator."""
    claim_steps_refresh()
    out: dict[str, list[RangeRow]] = {}
    rows = grouped_by_period(
        ClaimStep.objects.filter(ended_at__gte=start, ended_at__lt=end),
        at="ended_at", granularity=granularity, keys=("step", "org_path"),
        working=Sum(F("total_days") - F("waiting_days")), waiting=Sum("waiting_days"), n=Count("pk"),
    )  # fmt: skip
    for r in rows:
        for part in ("working_days", "waiting_days"):
            out.setdefault(_step_code(r["step"], part), []).append(
                (r["period"], r["org_path"], float(r[part.split("_")[0]] or 0), float(r["n"]))
            )
    return out


STEP_MEANS = Family("claims.steps", _step_means)


def _step_values(
    step: str, part: str
) -> Callable[[str, datetime, datetime], list[tuple[datetime, float]]]:
    def samples(org_path: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
        return [
            (s.ended_at, getattr(s, part))
            for s in step_samples(start=start, end=end, org_path=org_path)
            if s.step == step
        ]

    return samples


# --- the cases behind the figures -----------------------------------------------------------------


def _numbers(claim_ids: list[str]) -> dict[str, str]:
    return {str(pk): number
            for pk, number in Claim.objects.filter(pk__in=claim_ids).values_list("pk", "number")}  # fmt: skip


def _payment_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The claims first paid in the period, the longest from application first."""
    rows = sorted(payment_days(start=start, end=end, org_path=org_path), key=lambda r: -r[3])
    numbers = _numbers([r[0] for r in rows[:CASES_LIMIT]])
    return [Counted(CASE_TYPE, claim_id, path, when, days_text(days), False,
                    label=numbers.get(claim_id, ""))
            for claim_id, path, when, days in rows[:CASES_LIMIT]]  # fmt: skip


def _payout_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The claims closed in the period, those closed without an approved and paid benefit first."""
    paid = Payment.objects.filter(claim=OuterRef("pk"), kind=PaymentKind.BENEFIT)
    rows = (
        Claim.objects.filter(org_unit__path__startswith=org_path, closed_at__gte=start,
                             closed_at__lt=end)
        .annotate(paid=Exists(paid))
        .annotate(hit=ExpressionWrapper(
            Q(paid=True, outcome__in=[Outcome.APPROVE, Outcome.PARTIAL]), output_field=BooleanField()))
        .order_by("hit", "closed_at")
        .values_list("pk", "number", "org_unit__path", "closed_at", "hit", "outcome")[:CASES_LIMIT]
    )  # fmt: skip
    return [Counted(CASE_TYPE, str(pk), path, at,
                    gettext("已赔付") if hit else gettext("未赔付（%(outcome)s）") % {
                        "outcome": Outcome(outcome).label if outcome else "—"},
                    not hit, label=number)
            for pk, number, path, at, hit, outcome in rows]  # fmt: skip


def _step_cases(step: str, part: str) -> CasesOf:
    """The claims whose ``step`` ended in the period, the longest (working or waiting) first."""

    def cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
        claim_steps_refresh()
        days = F("total_days") - F("waiting_days") if part == "working_days" else F("waiting_days")
        rows = list(
            ClaimStep.objects.filter(step=step, org_path__startswith=org_path, ended_at__gte=start,
                                     ended_at__lt=end)
            .annotate(days=days).order_by("-days")
            .values_list("case_id", "org_path", "ended_at", "days")[:CASES_LIMIT]
        )  # fmt: skip
        numbers = _numbers([r[0] for r in rows])
        return [Counted(CASE_TYPE, case_id, path, at, days_text(d), False,
                        label=numbers.get(case_id, ""))
                for case_id, path, at, d in rows]  # fmt: skip

    return cases


# --- declarations ---------------------------------------------------------------------------------


CODES: list[str] = []  # the indicators declared here, in order


def _declare(code: str, zh: str, en: str, unit: str, direction: str, clauses: tuple[str, ...],
             formula: str, **kwargs: object) -> None:  # fmt: skip
    CODES.append(code)
    register_indicator(
        Indicator(
            code=code,
            name_zh=zh,
            name_en=en,
            unit=unit,
            direction=direction,
            clauses=clauses,
            formula=formula,
            source=SOURCE,
            owner=OWNER,
            **kwargs,  # type: ignore[arg-type]
        )
    )


_declare(
    "claims.days_to_payment", "申请至赔款支付平均天数", "Average days from application to payment",
    "days", "lower_better", ("5.2.1", "5.2.2(1)"),
    gettext_noop("Σ（首次给付时间 − 受理时间，自然日）÷ 本期首次给付的理赔案件数"),
    compute_range=_days_to_payment, cases=_payment_cases,
)  # fmt: skip
for _p, _zh, _en in ((50, "中位数", "median"), (90, "P90", "90th percentile")):
    _declare(
        f"claims.{'median' if _p == 50 else 'p90'}_days_to_payment",
        f"申请至赔款支付天数{_zh}", f"Days from application to payment, {_en}",
        "days", "lower_better", ("5.2.1", "5.2.2(1)"),
        gettext_noop("本机构及下级机构本期首次给付的理赔案件，其（首次给付时间 − 受理时间，"
                     "自然日）按最近秩法计算的第 {p} 百分位数"),
        samples=_payment_samples, percentile=_p, cases=_payment_cases, formula_params={"p": _p},
    )  # fmt: skip
# the words the formulas below put in their placeholders: Chinese in Chinese, and in English the
# words the English formulas have always had ("decision clocks closed within the legal limit …")
_LEGAL = pgettext_lazy("指标口径", "法定")
for _clock, _code, _zh, _en, _clauses, _limit, _name in (
    ("claims.decide", ON_TIME["claims.decide"], "理赔按时核定率", "Claims decided on time",
     ("5.2.2(3)", "CL-2"), _LEGAL, pgettext_lazy("指标口径", "理赔核定")),
    ("claims.refusal_notice", ON_TIME["claims.refusal_notice"], "拒赔通知按时发出率",
     "Refusal notices sent on time", ("5.2.2(3)", "CL-6"), _LEGAL,
     pgettext_lazy("指标口径", "拒赔通知")),
    ("claims.payment", ON_TIME["claims.payment"], "赔款按时支付率", "Claims paid on time",
     ("5.1.2(4)", "5.2.2(3)", "CL-5"), _LEGAL, pgettext_lazy("指标口径", "赔款支付")),
    ("claims.notice", "claims.notice_on_time_rate", "一次性告知按时率",
     "One-time supplement notices sent on time", ("5.1.2(2)", "CL-1"),
     pgettext_lazy("指标口径", "内部"), pgettext_lazy("指标口径", "一次性通知")),
    ("claims.advance", "claims.advance_on_time_rate", "先予支付按时率",
     "Advance payments made on time", ("5.2.2(3)", "CL-7"), _LEGAL,
     pgettext_lazy("指标口径", "先予支付")),
    ("claims.fast_track", "claims.fast_track_on_time_rate", "小额快赔按时结案率",
     "Small claims closed within the fast-track limit", ("5.1.2(4)", "CL-11"),
     pgettext_lazy("指标口径", "承诺"), pgettext_lazy("指标口径", "小额理赔")),
):  # fmt: skip
    _declare(
        _code, _zh, _en, "ratio", "higher_better", _clauses,
        gettext_noop("本期在{limit}时限内完成的{clock}时限数 ÷ 本期结束（按时完成或超时）的"
                     "{clock}时限数"),
        compute_range=clocks_on_time(_clock), cases=clock_cases(_clock),
        formula_params={"clock": _name, "limit": _limit},
    )  # fmt: skip
_declare(
    "claims.payout_ratio", "获赔率", "Payout ratio", "ratio", "higher_better", ("5.3.1",),
    gettext_noop("本期结案的理赔案件中处理结果为全额赔付或部分赔付且已有给付的案件数 ÷ "
                 "本期结案的理赔案件数"),
    compute_range=_payout, cases=_payout_cases,
)  # fmt: skip
# each step and part as the formulas name it (in English: the step's code, as they always have)
_STEP_WORDS = {
    "intake": pgettext_lazy("指标口径", "受理→开始审核"),
    "review": pgettext_lazy("指标口径", "资料审核"),
    "adjudication": pgettext_lazy("指标口径", "核定"),
    "agreement": pgettext_lazy("指标口径", "金额确认"),
    "payment": pgettext_lazy("指标口径", "支付"),
}
_PART_WORDS = {
    "working_days": pgettext_lazy("指标口径", "处理"),
    "waiting_days": pgettext_lazy("指标口径", "等待客户补充资料"),
}
for _step in STEPS:
    parts = [("working_days", "处理", "working")]
    if _step.code == "review":  # the one step in which the claimant supplies documents (CL-3)
        parts.append(("waiting_days", "等待客户补充材料", "waiting for the claimant"))
    for _part, _zh_part, _en_part in parts:
        _words = {"step": _STEP_WORDS[_step.code], "part": _PART_WORDS[_part]}
        _declare(
            _step_code(_step.code, _part), f"{_step.label}{_zh_part}平均天数",
            f"Step {_step.code}: average {_en_part} days", "days", "lower_better", ("5.2.2(2)",),
            gettext_noop("Σ 本期结束{step}环节的各理赔案件在该环节的{part}天数 ÷ 本期结束该环节的"
                         "理赔案件数；等待 = 补充资料通知送达 → 收到补充资料，处理 = 其余时间"),
            family=STEP_MEANS, cases=_step_cases(_step.code, _part), formula_params=_words,
        )  # fmt: skip
        _declare(
            f"claims.step.{_step.code}.median_{_part}", f"{_step.label}{_zh_part}天数中位数",
            f"Step {_step.code}: median {_en_part} days", "days", "lower_better", ("5.2.2(2)",),
            gettext_noop("本机构及下级机构本期结束{step}环节的理赔案件，其{part}天数按最近秩法"
                         "计算的中位数"),
            samples=_step_values(_step.code, _part), percentile=50,
            cases=_step_cases(_step.code, _part), formula_params=_words,
        )  # fmt: skip


def claims_indicators_compute(
    *, start: datetime, end: datetime, granularities: Iterable[str] = ("day", "month")
) -> int:
    """(Re)compute every claims indicator with rows for the periods in [start, end) (the step
    means from one grouped read); returns rows written."""
    return sum(
        indicators_compute(codes=CODES, granularity=g, start=start, end=end) for g in granularities
    )


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    # statutory deadlines (CL-*): lawful (3) and prompt (4)
    "claims.decided_on_time_rate": (P.COMPLIANCE, P.EFFICIENT),
    "claims.paid_on_time_rate": (P.COMPLIANCE, P.EFFICIENT),
    "claims.notice_on_time_rate": (P.COMPLIANCE, P.PEOPLE_FIRST),
    "claims.refusal_notice_on_time_rate": (P.COMPLIANCE, P.FAIRNESS),
    "claims.advance_on_time_rate": (P.COMPLIANCE, P.PEOPLE_FIRST),
    "claims.fast_track_on_time_rate": (P.EFFICIENT, P.PEOPLE_FIRST),
    "claims.days_to_payment": (P.EFFICIENT, P.PEOPLE_FIRST),
    "claims.median_days_to_payment": (P.EFFICIENT, P.PEOPLE_FIRST),
    "claims.p90_days_to_payment": (P.EFFICIENT, P.PEOPLE_FIRST),
    "claims.payout_ratio": (P.FAIRNESS, P.INTEGRITY),  # claims paid as the contract promises
    "claims.step.": (P.EFFICIENT, P.IMPROVEMENT),  # where the time goes: what to improve
})  # fmt: skip
