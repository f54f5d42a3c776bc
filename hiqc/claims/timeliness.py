"""Reads for the claims timeliness dashboard (issue 5 §10; standard 5.2.2): per-step median
waiting and working time by branch, the slowest steps, the cases nearest each legal limit, the
on-time rates and payout ratio (read from the indicator rows), and the composite claims-quality
score by branch, team, product and handler. Every read is limited to the chosen org unit, which
the actor must hold ``claims.view`` over.

The quality score (documented in ``docs/domains/claims.md``, "Indicators and the quality score"):
timeliness 40 % (decision and payment clocks closed on time ÷ closed), accuracy 40 % (the audit
indicator ``claims.accuracy_rate``, summed from its month rows, only where it has rows for an org
unit), satisfaction 20 % (the surveys' ``claims.satisfaction``, share of claimants scoring 4–5,
where it has rows). A missing component is left out and the weights of the others are scaled up
to 100 %; each row names the components it used.

Cost (issue 13): the page reads each source once and lets the database group what it can — the
step rows once, medians taken from per-org-path samples sorted once and merged; the days to
payment computed by the database; the clock outcomes in one grouped query joining the clock rows
to their claims; the accuracy and satisfaction rows of every unit in one grouped query per code.
``bench/bench_claims_timeliness.py`` times the page on the demo.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import chain
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F, FloatField, Func, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hiqc.core.access import ROOT_PATH, Actor
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.indicators import percentile
from hiqc.core.models import CaseEvent, Deadline, IndicatorValue
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.selectors import (
    active_children,
    active_units,
    unit_in_scope,
    units_in_scope,
    units_under,
)
from hiqc.policies.models import Policy, Product

from .enums import PaymentKind
from .indicators import ON_TIME, STEPS, NotIndexedOnSqlite, step_durations
from .models import Claim, Payment

PERM = "claims.view"
CASE_TYPE = "claims.claim"
LEGAL_CLOCKS = ("claims.decide", "claims.refusal_notice", "claims.payment")
ACCURACY = "claims.accuracy_rate"  # declared by the accuracy audit (hiqc/claimaudit)
SATISFACTION = "claims.satisfaction"  # declared by the surveys (hiqc/surveys)
WEIGHTS = {"timeliness": 40, "accuracy": 40, "satisfaction": 20}
PERIOD_MONTHS = (1, 3, 6, 12)
MIN_SAMPLES = 5  # a branch's step median is compared only when it rests on this many claims


def dashboard_units(actor: Actor) -> QuerySet[OrgUnit]:
    return units_in_scope(actor, PERM)


def default_unit(actor: Actor) -> OrgUnit | None:
    paths = actor.paths_for(PERM)
    if not paths:
        return None
    units = active_units()
    if paths[0] != ROOT_PATH:
        units = units.filter(path=paths[0])
    return units.first()


def access_dashboard_unit(actor: Actor, unit_id: Any) -> OrgUnit:
    return unit_in_scope(actor, unit_id, PERM)


def period_bounds(months: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The current month and the ``months - 1`` before it (Beijing), up to now."""
    now = (now or timezone.now()).astimezone(BEIJING)
    first = month_first(now.date(), 1 - months)
    return datetime.combine(first, time.min, tzinfo=BEIJING), now


@dataclass
class Branch:
    unit: OrgUnit
    own_only: bool = False  # the chosen unit's own claims (本级), beside its children

    def holds(self, path: str) -> bool:
        return path == self.unit.path if self.own_only else path.startswith(self.unit.path)


def branches(root: OrgUnit) -> list[Branch]:
    """The chosen unit's children (its own level too when it handles claims itself); a unit
    without children is its own single row."""
    children = list(active_children([root]))
    if not children:
        return [Branch(root)]
    out = [Branch(c) for c in children]
    if Claim.objects.filter(org_unit=root).exists():
        out.append(Branch(root, own_only=True))
    return out


def _median(values: list[float]) -> float | None:
    return percentile(values, 50)


@dataclass
class StepCell:
    working: float | None  # median working days over every claim of the step
    waiting: float | None  # median waiting days over the claims that waited for the claimant
    n: int
    waited: int = 0  # how many of the n waited

    @property
    def waited_share(self) -> float | None:
        return self.waited / self.n if self.n else None


@dataclass
class BranchSteps:
    branch: Branch
    cells: dict[str, StepCell]


@dataclass
class Slow:
    branch: Branch
    step: str
    median: float
    overall: float
    n: int

    @property
    def ratio(self) -> float:
        return self.median / self.overall if self.overall else float("inf")


@dataclass
class Timeliness:
    overall: dict[str, StepCell]
    by_branch: list[BranchSteps]
    slowest_steps: list[tuple[str, StepCell]]  # steps by median total time, slowest first
    slow_spots: list[Slow]  # (branch, step) medians furthest above the step's overall median


@dataclass(slots=True)
class _Durations:
    """The step durations of one org path, each list sorted (``_step_samples``)."""

    working: list[float] = field(default_factory=list)
    waiting: list[float] = field(default_factory=list)  # only the steps that waited (> 0)
    total: list[float] = field(default_factory=list)


def _merged(samples: Iterable[list[float]]) -> list[float]:
    """Sorted samples as one sorted sample: sorting the concatenated runs merges them, much
    cheaper than sorting the values afresh for every unit they count in."""
    out = list(chain.from_iterable(samples))
    out.sort()
    return out


def _cell(parts: list[_Durations]) -> StepCell:
    """Most claims never wait for the claimant, so the waiting median is taken over those that
    did (a median over all would read 0); the share that waited is shown beside it."""
    working = _merged(d.working for d in parts)
    waiting = _merged(d.waiting for d in parts)
    return StepCell(_median(working), _median(waiting), len(working), len(waiting))


def _step_samples(
    root: OrgUnit, start: datetime, end: datetime
) -> dict[str, dict[str, _Durations]]:
    """step → org path → the durations of the steps that ended in the period, read in one query
    and sorted per org path (a loop kept tight: it sees every step of the period)."""
    by_key: dict[tuple[str, str], _Durations] = {}
    for code, path, total, waiting in step_durations(start=start, end=end, org_path=root.path):
        d = by_key.get((code, path))
        if d is None:
            d = by_key[code, path] = _Durations()
        d.working.append(total - waiting)
        d.total.append(total)
        if waiting > 0:
            d.waiting.append(waiting)
    out: dict[str, dict[str, _Durations]] = {s.code: {} for s in STEPS}
    for (code, path), d in by_key.items():
        if code in out:  # not a step declared no longer
            d.working.sort()
            d.waiting.sort()
            d.total.sort()
            out[code][path] = d
    return out


def timeliness(root: OrgUnit, start: datetime, end: datetime) -> Timeliness:
    """Step medians over the subtree and per branch; the slow spots are looked for among the
    branches and one level below them (a slow 中心支公司 shows at head office, not only its
    province's somewhat higher median)."""
    samples = _step_samples(root, start, end)
    top = branches(root)
    below = [Branch(u) for u in active_children(b.unit for b in top if not b.own_only)]

    def cells(branch: Branch | None) -> dict[str, StepCell]:
        return {
            code: _cell([d for path, d in by_path.items() if branch is None or branch.holds(path)])
            for code, by_path in samples.items()
        }

    overall = cells(None)
    rows = [BranchSteps(b, cells(b)) for b in [*top, *below]]
    spots = []
    for row in rows:
        for step in STEPS:
            here, median = row.cells[step.code], overall[step.code].working
            if here.working is not None and median is not None and here.n >= MIN_SAMPLES:
                spots.append(Slow(row.branch, step.code, here.working, median, here.n))
    totals = {
        code: _median(_merged(d.total for d in by_path.values())) or 0.0
        for code, by_path in samples.items()
    }
    ranked = sorted(
        ((code, overall[code]) for code in overall if overall[code].n),
        key=lambda item: -totals[item[0]],
    )
    slow = sorted((s for s in spots if s.median > 1.5 * s.overall), key=lambda s: -s.ratio)[:8]
    return Timeliness(overall, rows[: len(top)], ranked, slow)


# --- payment time, rates ---------------------------------------------------------------------------


@dataclass
class PaymentTime:
    n: int
    mean: float | None
    median: float | None
    p90: float | None


class _DaysBetween(Func):
    """``later − earlier`` in days, as ``(later - earlier).total_seconds() / 86400`` reads in Python
    (``indicators.payment_days``): whole microseconds divided by 10⁶ and then by 86,400, so both
    give the same float. SQLite keeps datetimes as UTC text ``YYYY-MM-DD HH:MM:SS[.ffffff]``: the
    whole seconds come from ``strftime('%s')`` of the first 19 characters (its own arithmetic
    rounds to milliseconds), the microseconds from the digits after the point; PostgreSQL
    subtracts the timestamps."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        (later, p_later), (earlier, p_earlier) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        seconds = (
            f"strftime('%%s', substr({later}, 1, 19)) - strftime('%%s', substr({earlier}, 1, 19))"
        )
        micro = f"CAST(substr({later}, 21) AS INTEGER) - CAST(substr({earlier}, 21) AS INTEGER)"
        sql = f"((({seconds}) * 1000000 + {micro}) / 1000000.0 / 86400.0)"
        return sql, [*p_later, *p_earlier, *p_later, *p_earlier]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 86400)",
            arg_joiner=" - ",
        )


def _payment_days(org_path: str, start: datetime, end: datetime) -> list[float]:
    """The days from application of the claims first paid in [start, end): the figures of
    ``indicators.payment_days`` (first benefit payment − received at), computed by the database
    so that no row is converted in Python."""
    first = (
        Payment.objects.filter(kind=PaymentKind.BENEFIT, claim__org_unit__path__startswith=org_path)
        .values(claim_key=NotIndexedOnSqlite("claim_id"), received_at=F("claim__received_at"))
        .annotate(first=Min("paid_at"))
        .filter(first__gte=start, first__lt=end)
    )
    return list(first.values_list(_DaysBetween(F("first"), F("received_at")), flat=True))


def payment_time(root: OrgUnit, start: datetime, end: datetime) -> PaymentTime:
    days = _payment_days(root.path, start, end)
    return PaymentTime(
        len(days),
        sum(days) / len(days) if days else None,
        percentile(days, 50),
        percentile(days, 90),
    )


@dataclass
class Rate:
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def _month_sums(
    codes: Iterable[str], path: str, start: datetime, end: datetime
) -> dict[str, dict[str, tuple[float, float]]]:
    """code → org path → (Σnumerator, Σdenominator) of the month rows of the subtree at ``path``
    whose period starts in [start, end): the rows ``rolled_up`` sums for one unit, for every unit
    of the subtree in one query."""
    out: dict[str, dict[str, tuple[float, float]]] = {code: {} for code in codes}
    rows = (
        IndicatorValue.objects.filter(
            code__in=list(out),
            granularity="month",
            period_start__gte=start,
            period_start__lt=end,
            org_path__startswith=path,
        )
        .values("code", "org_path")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
        .order_by()
        .values_list("code", "org_path", "numerator", "denominator")
    )
    for code, org_path, numerator, denominator in rows:
        out[code][org_path] = (numerator or 0, denominator or 0)
    return out


def _subtree_rate(sums: dict[str, tuple[float, float]], path: str) -> Rate:
    """Σnumerator ÷ Σdenominator of the subtree at ``path`` (ratios roll up as sums)."""
    rows = [nd for org_path, nd in sums.items() if org_path.startswith(path)]
    return Rate(sum(n for n, _d in rows), sum(d for _n, d in rows))


def _month_start(start: datetime) -> datetime:
    return start.astimezone(BEIJING).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


RATE_CODES = (*ON_TIME.values(), "claims.payout_ratio", SATISFACTION)


def rates(root: OrgUnit, start: datetime, end: datetime) -> dict[str, Rate]:
    """The rates of the month rows of the subtree over the period."""
    sums = _month_sums(RATE_CODES, root.path, _month_start(start), end)
    return {code: _subtree_rate(sums[code], root.path) for code in RATE_CODES}


def branch_rates(
    root: OrgUnit, start: datetime, end: datetime
) -> list[tuple[Branch, dict[str, Rate]]]:
    sums = _month_sums(RATE_CODES, root.path, _month_start(start), end)
    return [
        (b, {code: _subtree_rate(sums[code], b.unit.path) for code in RATE_CODES})
        for b in branches(root)
        if not b.own_only
    ]


# --- cases near each legal limit --------------------------------------------------------------------


@dataclass
class NearLimit:
    deadline: Deadline
    claim_id: str
    number: str
    unit_name: str
    hours_left: float

    @property
    def overdue(self) -> bool:
        return self.hours_left < 0


def near_limits(
    root: OrgUnit, *, now: datetime | None = None, per_clock: int = 8
) -> dict[str, list[NearLimit]]:
    """Per legal clock: the open clocks with least time left (already overdue first)."""
    now = now or timezone.now()
    out: dict[str, list[NearLimit]] = {}
    for clock in LEGAL_CLOCKS:
        deadlines = list(
            Deadline.objects.filter(  # open clocks in due order: the partial index on due_at
                clock=clock,  # of open clocks (few clocks are open)
                closed_at=None,
                org_path__startswith=root.path,
                state__in=[Deadline.State.RUNNING, Deadline.State.BREACHED],
            ).order_by("due_at")[:per_clock]
        )
        claims = {  # the unit's name in the reader's language (OrgUnit.localized_name)
            str(c.pk): (c.number, c.org_unit.localized_name)
            for c in Claim.objects.filter(pk__in=[d.case_id for d in deadlines])
            .select_related("org_unit")
            .only("pk", "number", "org_unit__name", "org_unit__name_en")
        }
        out[clock] = [
            NearLimit(
                d,
                d.case_id,
                *claims.get(d.case_id, (d.case_id, "")),
                (d.due_at - now).total_seconds() / 3600,
            )
            for d in deadlines
        ]
    return out


# --- composite quality score -------------------------------------------------------------------------


@dataclass
class Score:
    key: str
    name: str
    timeliness: Rate = field(default_factory=lambda: Rate(0, 0))
    accuracy: Rate = field(default_factory=lambda: Rate(0, 0))
    satisfaction: Rate = field(default_factory=lambda: Rate(0, 0))  # claims surveys

    @property
    def used(self) -> list[str]:
        return [k for k in WEIGHTS if getattr(self, k).value is not None]

    @property
    def value(self) -> float | None:
        used = self.used
        if not used:
            return None
        weight = sum(WEIGHTS[k] for k in used)
        return 100 * sum(WEIGHTS[k] * (getattr(self, k).value or 0) for k in used) / weight


# Deadline.case_id holds str(claim.pk), with dashes; the database keeps the claim key as a uuid
# (PostgreSQL) or as 32 hex digits (SQLite), so the join of a clock row to its claim is written
# per engine, each time as the claim key itself so that the claims' primary key serves it. On
# SQLite the unary + keeps the planner, which has no statistics, off the (case_type, case_id,
# clock) index: reading every claim clock through it costs twice a scan of the table.
_CLOCK_OF_CLAIM = {
    "postgresql": "d.case_type = %(case_type)s AND c.id = CAST(d.case_id AS uuid)",
    "sqlite": "+d.case_type = %(case_type)s AND c.id = REPLACE(d.case_id, '-', '')",
}
_OUTCOMES_SQL = """
    SELECT c.org_unit_id, p.product_id, c.assignee_id,
           SUM(CASE WHEN d.state = %(met)s THEN 1 ELSE 0 END), COUNT(*)
      FROM {deadline} d, {claim} c, {policy} p, {unit} u
     WHERE {clock_of_claim} AND p.id = c.policy_id AND u.id = c.org_unit_id
       AND d.clock IN (%(decide)s, %(payment)s) AND d.state IN (%(met)s, %(breached)s)
       AND d.closed_at >= %(start)s AND d.closed_at < %(end)s
       AND d.org_path LIKE %(subtree)s ESCAPE '\\' AND u.path LIKE %(subtree)s ESCAPE '\\'
     GROUP BY c.org_unit_id, p.product_id, c.assignee_id
"""


@dataclass(frozen=True)
class _Outcomes:
    unit_id: uuid.UUID  # the claim's own handling unit (the team)
    product_id: uuid.UUID
    handler_id: uuid.UUID | None
    met: int
    closed: int


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _clock_outcomes(root: OrgUnit, start: datetime, end: datetime) -> list[_Outcomes]:
    """The decision and payment clocks closed (met or breached) in the period, counted by their
    claim's unit, product and handler: one grouped query joining the clock rows to their claims
    (clock and claim both in the subtree)."""
    ops = connection.ops
    sql = _OUTCOMES_SQL.format(
        deadline=Deadline._meta.db_table,
        claim=Claim._meta.db_table,
        policy=Policy._meta.db_table,
        unit=OrgUnit._meta.db_table,
        clock_of_claim=_CLOCK_OF_CLAIM[connection.vendor],
    )
    params = {
        "case_type": CASE_TYPE,
        "decide": "claims.decide",
        "payment": "claims.payment",
        "met": Deadline.State.MET.value,
        "breached": Deadline.State.BREACHED.value,
        "start": ops.adapt_datetimefield_value(start),
        "end": ops.adapt_datetimefield_value(end),
        "subtree": ops.prep_for_like_query(root.path) + "%",
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        _Outcomes(_uuid(unit), _uuid(product), handler and _uuid(handler), met, closed)
        for unit, product, handler, met, closed in rows
    ]


def product_clock_outcomes(
    root: OrgUnit, start: datetime, end: datetime
) -> dict[uuid.UUID, tuple[int, int]]:
    """Per product: (met, closed) of the decision and payment clocks closed in the period over
    ``root``'s subtree — the claims on-time rate by product that the product monitoring reads
    (standard 3.3.3; issue 17): the same grouped query as the quality score."""
    out: dict[uuid.UUID, tuple[int, int]] = {}
    for o in _clock_outcomes(root, start, end):
        met, closed = out.get(o.product_id, (0, 0))
        out[o.product_id] = (met + o.met, closed + o.closed)
    return out


def quality_scores(root: OrgUnit, start: datetime, end: datetime) -> dict[str, list[Score]]:
    """The score by branch, team (the claim's own handling unit), product and handler."""
    outcomes = _clock_outcomes(root, start, end)
    keys: dict[str, dict[str, Score]] = {d: {} for d in ("branch", "team", "product", "handler")}
    branch_list = branches(root)
    teams = {pk: (name, path) for pk, name, path in
             units_under(root.path).values_list("pk", "name", "path")}  # fmt: skip
    products = dict(Product.objects.values_list("pk", "name"))
    handlers = dict(User.objects.filter(pk__in={o.handler_id for o in outcomes if o.handler_id})
                    .values_list("pk", "display_name"))  # fmt: skip
    unassigned = _("未分派")
    branch_of: dict[str, tuple[str, str] | None] = {}  # org path → (key, name) of its branch
    for o in outcomes:
        team_name, path = teams[o.unit_id]
        if path not in branch_of:
            branch = next((b for b in branch_list if b.holds(path)), None)
            branch_of[path] = None if branch is None else (
                branch.unit.path + ("=" if branch.own_only else ""), branch_name(branch)
            )  # fmt: skip
        for dim, key_name in (
            ("branch", branch_of[path]),
            ("team", (str(o.unit_id), team_name)),
            ("product", (str(o.product_id), products.get(o.product_id, ""))),
            ("handler", (str(o.handler_id), handlers.get(o.handler_id, "")) if o.handler_id
                        else ("", unassigned)),
        ):  # fmt: skip
            if key_name is None:  # a claim outside every branch row
                continue
            score = keys[dim].setdefault(key_name[0], Score(*key_name))
            score.timeliness = Rate(score.timeliness.numerator + o.met,
                                    score.timeliness.denominator + o.closed)  # fmt: skip
    sums = _month_sums((ACCURACY, SATISFACTION), root.path, _month_start(start), end)
    scored = [(keys["branch"].get(b.unit.path), b.unit.path) for b in branch_list if not b.own_only]
    # a team's own subtree; its audit rows are those of its own unit
    scored += [(score, teams[uuid.UUID(key)][1]) for key, score in keys["team"].items()]
    for found, path in scored:
        if found is not None:
            found.accuracy = _subtree_rate(sums[ACCURACY], path)
            found.satisfaction = _subtree_rate(sums[SATISFACTION], path)
    return {dim: sorted(v.values(), key=lambda s: (s.value is None, -(s.value or 0), s.name, s.key))
            for dim, v in keys.items()}  # fmt: skip


def branch_name(branch: Branch | None) -> str:
    if branch is None:
        return ""
    name = branch.unit.localized_name
    return _("{unit}（本级）").format(unit=name) if branch.own_only else name


# --- the page's figures, cached ----------------------------------------------------------------------

FIGURES_CACHE_SECONDS = 300  # HIQC design default: a dashboard may be five minutes behind the queue


@dataclass
class Figures:
    steps: Timeliness
    pay: PaymentTime
    rates: dict[str, Rate]
    branch_rates: list[tuple[Branch, dict[str, Rate]]]
    scores: dict[str, list[Score]]


def dashboard_figures(root: OrgUnit, start: datetime, end: datetime) -> Figures:
    """Everything the dashboard computes over the period (0.4–0.9 s on the demo), kept in the
    cache for a unit and period until the next claim event or ``FIGURES_CACHE_SECONDS``: steps,
    payments and clock outcomes only change with a claim's events (the period ends "now", and
    nothing in it ends after the last event); the on-time rates read indicator rows recomputed by
    jobs, hence the time limit. The cache is shared by the web processes in production (Redis)."""
    last = (
        CaseEvent.objects.filter(case_type=CASE_TYPE).order_by("-id").values_list("id", flat=True)
    ).first()
    # names (units, products, handlers) are read in the reader's language: part of the key
    key = f"hiqc:claims:timeliness:{root.pk}:{start.isoformat()}:{last}:{get_language()}"
    cached = cache.get(key)
    if isinstance(cached, Figures):
        return cached
    figures = Figures(
        timeliness(root, start, end),
        payment_time(root, start, end),
        rates(root, start, end),
        list(branch_rates(root, start, end)),
        quality_scores(root, start, end),
    )
    cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures
