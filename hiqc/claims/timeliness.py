"""Reads for the claims timeliness dashboard (issue 5 §10; standard 5.2.2): per-step median
waiting and working time by branch, the slowest steps, the cases nearest each legal limit, the
on-time rates and payout ratio (read from the indicator rows), and the composite claims-quality
score by branch, team, product and handler. Every read is limited to the chosen org unit, which
the actor must hold ``claims.view`` over.

The quality score (documented in ``docs/domains/claims.md``, "Indicators and the quality score"):
timeliness 40 % (decision and payment clocks closed on time ÷ closed), accuracy 40 % (the audit
indicator ``claims.accuracy_rate``, read through ``rolled_up``, only where it has rows for an org
unit), satisfaction 20 % (the surveys' ``claims.satisfaction``, share of claimants scoring 4–5,
where it has rows). A missing component is left out and the weights of the others are scaled up
to 100 %; each row names the components it used.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import ROOT_PATH, Actor, get_in_scope, scope
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.indicators import percentile, rolled_up
from hiqc.core.models import Deadline
from hiqc.organisations.models import OrgUnit, User
from hiqc.policies.models import Product

from .indicators import ON_TIME, STEPS, payment_days, step_durations
from .models import Claim

PERM = "claims.view"
CASE_TYPE = "claims.claim"
LEGAL_CLOCKS = ("claims.decide", "claims.refusal_notice", "claims.payment")
ACCURACY = "claims.accuracy_rate"  # declared by the accuracy audit (hiqc/claimaudit)
SATISFACTION = "claims.satisfaction"  # declared by the surveys (hiqc/surveys)
WEIGHTS = {"timeliness": 40, "accuracy": 40, "satisfaction": 20}
PERIOD_MONTHS = (1, 3, 6, 12)
MIN_SAMPLES = 5  # a branch's step median is compared only when it rests on this many claims


def dashboard_units(actor: Actor) -> QuerySet[OrgUnit]:
    return scope(actor, OrgUnit.objects.filter(is_active=True), PERM).order_by("path")


def default_unit(actor: Actor) -> OrgUnit | None:
    paths = actor.paths_for(PERM)
    if not paths:
        return None
    units = OrgUnit.objects.filter(is_active=True).order_by("path")
    if paths[0] != ROOT_PATH:
        units = units.filter(path=paths[0])
    return units.first()


def access_dashboard_unit(actor: Actor, unit_id: Any) -> OrgUnit:
    return get_in_scope(actor, OrgUnit.objects.all(), unit_id, PERM)


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
    children = list(OrgUnit.objects.filter(parent=root, is_active=True).order_by("path"))
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


@dataclass
class _Durations:
    working: list[float] = field(default_factory=list)
    waiting: list[float] = field(default_factory=list)  # only the steps that waited (> 0)
    total: list[float] = field(default_factory=list)

    def add(self, other: _Durations) -> None:
        self.working += other.working
        self.waiting += other.waiting
        self.total += other.total


def _cell(d: _Durations) -> StepCell:
    """Most claims never wait for the claimant, so the waiting median is taken over those that
    did (a median over all would read 0); the share that waited is shown beside it."""
    return StepCell(_median(d.working), _median(d.waiting), len(d.working), len(d.waiting))


def timeliness(root: OrgUnit, start: datetime, end: datetime) -> Timeliness:
    """Step medians over the subtree and per branch; the slow spots are looked for among the
    branches and one level below them (a slow 中心支公司 shows at head office, not only its
    province's somewhat higher median)."""
    by_path: dict[tuple[str, str], _Durations] = defaultdict(_Durations)
    for code, path, total, waiting in step_durations(start=start, end=end, org_path=root.path):
        d = by_path[(code, path)]
        d.working.append(total - waiting)
        d.total.append(total)
        if waiting > 0:
            d.waiting.append(waiting)

    def of(branch: Branch | None, step: str) -> _Durations:
        out = _Durations()
        for (st, path), d in by_path.items():
            if st == step and (branch is None or branch.holds(path)):
                out.add(d)
        return out

    whole = {step.code: of(None, step.code) for step in STEPS}
    overall = {code: _cell(d) for code, d in whole.items()}
    top = branches(root)
    rows = [BranchSteps(b, {step.code: _cell(of(b, step.code)) for step in STEPS}) for b in top]
    below = [
        Branch(u)
        for u in OrgUnit.objects.filter(
            parent__in=[b.unit for b in top if not b.own_only], is_active=True
        ).order_by("path")
    ]
    spots = []
    for branch in [*top, *below]:
        for step in STEPS:
            mine = of(branch, step.code).working
            here, median = _median(mine), overall[step.code].working
            if here is not None and median is not None and len(mine) >= MIN_SAMPLES:
                spots.append(Slow(branch, step.code, here, median, len(mine)))
    totals = {code: _median(d.total) or 0.0 for code, d in whole.items()}
    ranked = sorted(
        ((code, overall[code]) for code in overall if overall[code].n),
        key=lambda item: -totals[item[0]],
    )
    slow = sorted((s for s in spots if s.median > 1.5 * s.overall), key=lambda s: -s.ratio)[:8]
    return Timeliness(overall, rows, ranked, slow)


# --- payment time, rates ---------------------------------------------------------------------------


@dataclass
class PaymentTime:
    n: int
    mean: float | None
    median: float | None
    p90: float | None


def payment_time(root: OrgUnit, start: datetime, end: datetime) -> PaymentTime:
    days = [d for _c, _p, _w, d in payment_days(start=start, end=end, org_path=root.path)]
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


def rate(code: str, path: str, start: datetime, end: datetime) -> Rate:
    """Σnumerator ÷ Σdenominator of the month rows of the subtree over the period."""
    rows = rolled_up(code, granularity="month", org_path=path, start=start, end=end)
    return Rate(sum(r["numerator"] or 0 for r in rows), sum(r["denominator"] or 0 for r in rows))


RATE_CODES = (*ON_TIME.values(), "claims.payout_ratio", SATISFACTION)


def rates(root: OrgUnit, start: datetime, end: datetime) -> dict[str, Rate]:
    month_start = start.astimezone(BEIJING).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    return {code: rate(code, root.path, month_start, end) for code in RATE_CODES}


def branch_rates(
    root: OrgUnit, start: datetime, end: datetime
) -> list[tuple[Branch, dict[str, Rate]]]:
    return [(b, rates(b.unit, start, end)) for b in branches(root) if not b.own_only]


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
        claims = {
            str(pk): (number, name)
            for pk, number, name in Claim.objects.filter(
                pk__in=[d.case_id for d in deadlines]
            ).values_list("pk", "number", "org_unit__name")
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


def _clock_outcomes(root: OrgUnit, start: datetime, end: datetime) -> dict[str, list[bool]]:
    """Per claim: whether each decision / payment clock closed in the period was met."""
    out: dict[str, list[bool]] = defaultdict(list)
    for case_id, state in Deadline.objects.filter(
        case_type=CASE_TYPE,
        clock__in=["claims.decide", "claims.payment"],
        closed_at__gte=start,
        closed_at__lt=end,
        org_path__startswith=root.path,
        state__in=[Deadline.State.MET, Deadline.State.BREACHED],
    ).values_list("case_id", "state"):
        out[case_id].append(state == Deadline.State.MET)
    return out


def quality_scores(root: OrgUnit, start: datetime, end: datetime) -> dict[str, list[Score]]:
    """The score by branch, team (the claim's own handling unit), product and handler."""
    outcomes = _clock_outcomes(root, start, end)
    ids = [uuid.UUID(i) for i in outcomes]
    claims = Claim.objects.filter(org_unit__path__startswith=root.path)
    rows = [
        row
        for i in range(0, len(ids), 5000)  # SQLite's limit on query parameters
        for row in claims.filter(pk__in=ids[i : i + 5000]).values_list(
            "pk", "org_unit__path", "org_unit_id", "policy__product_id", "assignee_id"
        )
    ]
    keys: dict[str, dict[str, Score]] = {d: {} for d in ("branch", "team", "product", "handler")}
    branch_list = branches(root)
    names = {
        "team": dict(OrgUnit.objects.filter(path__startswith=root.path).values_list("pk", "name")),
        "product": dict(Product.objects.values_list("pk", "name")),
        "handler": dict(User.objects.filter(pk__in={r[4] for r in rows if r[4]})
                        .values_list("pk", "display_name")),
    }  # fmt: skip
    unassigned = _("未分派")
    branch_of: dict[str, tuple[str, str] | None] = {}  # org path → (key, name) of its branch
    for pk, path, unit_id, product_id, handler_id in rows:
        met = outcomes.get(str(pk))
        if not met:
            continue
        if path not in branch_of:
            branch = next((b for b in branch_list if b.holds(path)), None)
            branch_of[path] = None if branch is None else (
                branch.unit.path + ("=" if branch.own_only else ""), branch_name(branch)
            )  # fmt: skip
        in_branch = branch_of[path]
        for dim, key, name in (
            ("branch", *(in_branch or ("", ""))),
            ("team", str(unit_id), names["team"].get(unit_id, "")),
            ("product", str(product_id), names["product"].get(product_id, "")),
            ("handler", str(handler_id or ""), names["handler"].get(handler_id, "") if handler_id else unassigned),
        ):  # fmt: skip
            if dim == "branch" and in_branch is None:
                continue
            score = keys[dim].setdefault(key, Score(key, name))
            score.timeliness = Rate(score.timeliness.numerator + sum(met),
                                    score.timeliness.denominator + len(met))  # fmt: skip
    month_start = start.astimezone(BEIJING).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    for branch in branch_list:
        found = keys["branch"].get(branch.unit.path + ("=" if branch.own_only else ""))
        if found is not None and not branch.own_only:
            found.accuracy = rate(ACCURACY, branch.unit.path, month_start, end)
            found.satisfaction = rate(SATISFACTION, branch.unit.path, month_start, end)
    teams = {str(u.pk): u.path for u in OrgUnit.objects.filter(pk__in=[k for k in keys["team"]])}
    for key, score in keys["team"].items():
        if key in teams:  # the team's own subtree; its audit rows are those of its own unit
            score.accuracy = rate(ACCURACY, teams[key], month_start, end)
            score.satisfaction = rate(SATISFACTION, teams[key], month_start, end)
    return {dim: sorted(v.values(), key=lambda s: (s.value is None, -(s.value or 0), s.name))
            for dim, v in keys.items()}  # fmt: skip


def branch_name(branch: Branch | None) -> str:
    if branch is None:
        return ""
    name = branch.unit.localized_name
    return _("{unit}（本级）").format(unit=name) if branch.own_only else name
