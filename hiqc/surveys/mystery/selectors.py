"""Mystery-shopping reads (issue 6 §4), always through the actor's scope (DESIGN rule 2).

Who sees a visit: its shopper; a manager (``surveys.manage`` over the unit) whatever its status;
anyone with ``surveys.view`` over the unit once it is scored. Assigned visits stay hidden from
the visited unit's own staff — a planned mystery visit that the branch can see is no mystery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet

from hiqc.core.access import Actor, get_in_scope, role_codes, role_permissions, scope
from hiqc.core.errors import NotFound
from hiqc.core.models import Finding
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import PATH_SEGMENT, User
from hiqc.organisations.selectors import unit_names

from ..enums import Method, PlanStatus
from ..models import SurveyPlan
from .models import MysteryScenario, MysteryScore, MysteryVisit, ScenarioStatus, VisitStatus

SHOP, MANAGE, VIEW = "surveys.shop", "surveys.manage", "surveys.view"
CASE_TYPE = "surveys.mysteryvisit"


# --- scenarios ------------------------------------------------------------------------------------


def scenarios() -> QuerySet[MysteryScenario]:
    """Every version of every scenario (head-office configuration, readable by all who shop,
    manage or view), with its item and visit counts."""
    return MysteryScenario.objects.annotate(
        n_items=Count("checklist__items", distinct=True), n_visits=Count("visits", distinct=True)
    ).order_by("code", "-number")


def scenario_get(scenario_id: Any) -> MysteryScenario:
    try:
        found = MysteryScenario.objects.filter(pk=scenario_id).first()
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if found is None:
        raise NotFound()
    return found


def access_scenario(actor: Actor, scenario_id: Any, *, for_update: bool = False) -> MysteryScenario:
    """The door to a scenario version (its case kind's). Scenarios are head-office configuration
    readable by everyone who shops, manages or views surveys anywhere; anyone else gets the same
    404 as for a missing one."""
    if not any(actor.can(p) for p in (VIEW, SHOP, MANAGE)):
        raise NotFound()
    qs = MysteryScenario.objects.all()
    if for_update:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=scenario_id).first()
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if found is None:
        raise NotFound()
    return found


def published_scenarios() -> QuerySet[MysteryScenario]:
    return MysteryScenario.objects.filter(status=ScenarioStatus.PUBLISHED).order_by("code")


# --- visits ---------------------------------------------------------------------------------------


def _visits() -> QuerySet[MysteryVisit]:
    return MysteryVisit.objects.select_related("scenario", "org_unit", "shopper", "plan")


def access_visit(actor: Actor, visit_id: Any, *, for_update: bool = False) -> MysteryVisit:
    """The one door to a visit (its case kind's): the shopper's own, a manager's in scope, or a
    scored one in the actor's view scope. Anything else is the same 404."""
    base = _visits()
    if for_update:  # lock the visit itself, never the nullable side of a join
        base = base.select_for_update(of=("self",))
    try:
        if actor.user_id is not None:
            own = base.filter(pk=visit_id, shopper_id=actor.user_id).first()
            if own is not None:
                return own
        managed = scope(actor, base, MANAGE).filter(pk=visit_id).first()
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if managed is not None:
        return managed
    return get_in_scope(
        actor, _visits().filter(status=VisitStatus.DONE), visit_id, VIEW, for_update=for_update
    )


def my_visits(actor: Actor, *, open_only: bool = True) -> QuerySet[MysteryVisit]:
    """The visits assigned to the actor: the open ones soonest first, or all newest first."""
    if actor.user_id is None:
        return MysteryVisit.objects.none()
    qs = _visits().filter(shopper_id=actor.user_id)
    if open_only:
        return qs.filter(status=VisitStatus.ASSIGNED).order_by("planned_date", "created_at")
    return qs.exclude(status=VisitStatus.ASSIGNED).order_by("-visited_at", "-planned_date")


def visible_visits(
    actor: Actor, *, status: str = "", plan_id: Any = None, org_path: str = ""
) -> QuerySet[MysteryVisit]:
    """Every visit a manager may manage, plus the scored visits in the actor's view scope."""
    qs = scope(actor, _visits(), MANAGE) | scope(
        actor, _visits().filter(status=VisitStatus.DONE), VIEW
    )
    if status in VisitStatus.values:
        qs = qs.filter(status=status)
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    if org_path:
        qs = qs.filter(org_unit__path__startswith=org_path)
    return qs.order_by("-planned_date", "-created_at")


def plan_visits(actor: Actor, plan_id: Any) -> QuerySet[MysteryVisit]:
    """The visits of one mystery-shopping plan, as far as the actor may see them."""
    return visible_visits(actor, plan_id=plan_id)


def visit_lines(visit: MysteryVisit) -> list[MysteryScore]:
    return list(visit.lines.select_related("item").order_by("item__position"))


def visit_items(visit: MysteryVisit) -> list[Any]:
    return list(visit.scenario.items.order_by("position"))


def visit_findings(visit: MysteryVisit) -> list[Finding]:
    return list(Finding.objects.filter(case_type=CASE_TYPE, case_id=str(visit.pk)))


# --- the assignment form --------------------------------------------------------------------------


def shoppers() -> QuerySet[User]:
    """Active users holding a role that grants ``surveys.shop`` (the service checks the scope
    over the unit chosen)."""
    roles = [r for r in role_codes() if SHOP in role_permissions(r)]
    return (
        User.objects.filter(is_active=True, memberships__role__in=roles)
        .select_related("org_unit")
        .distinct()
        .order_by("username")
    )


def mystery_plans(actor: Actor) -> QuerySet[SurveyPlan]:
    return scope(
        actor,
        SurveyPlan.objects.filter(method=Method.MYSTERY).exclude(status=PlanStatus.CLOSED),
        MANAGE,
    ).order_by("-start_date")


def plan_get(actor: Actor, plan_id: Any) -> SurveyPlan | None:
    try:
        return get_in_scope(actor, SurveyPlan.objects.all(), plan_id, VIEW)
    except NotFound:
        return None


# --- results --------------------------------------------------------------------------------------


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class UnitResult:
    path: str
    name: str = ""
    visits: int = 0
    score_sum: Decimal = Decimal(0)
    fails: int = 0
    fatal: int = 0

    @property
    def mean(self) -> Decimal | None:
        return _one_decimal(self.score_sum / self.visits) if self.visits else None

    @property
    def pass_rate(self) -> Decimal | None:
        return (
            _one_decimal(Decimal(100) * (self.visits - self.fails) / self.visits)
            if self.visits
            else None
        )


@dataclass
class ItemResult:
    category: str
    text: str
    fatal: bool
    visits: int = 0
    awarded: int = 0
    available: int = 0
    fatal_hits: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Share of the item's points awarded, in percent (weighted items)."""
        return (
            _one_decimal(Decimal(100) * self.awarded / self.available) if self.available else None
        )


def _done(
    actor: Actor, *, since: datetime | None, kind: str, org_path: str
) -> QuerySet[MysteryVisit]:
    qs = scope(actor, MysteryVisit.objects.filter(status=VisitStatus.DONE), VIEW)
    if since is not None:
        qs = qs.filter(visited_at__gte=since)
    if kind:
        qs = qs.filter(scenario__kind=kind)
    if org_path:
        qs = qs.filter(org_unit__path__startswith=org_path)
    return qs


def results_by_unit(
    actor: Actor,
    *,
    since: datetime | None = None,
    kind: str = "",
    org_path: str = "",
    depth: int = 2,
) -> tuple[UnitResult, list[UnitResult]]:
    """(all, per unit) over the scored visits in the actor's view scope: visits, mean score, fails
    (below the pass mark or a fatal item) and fatal visits. Visits roll up to their ancestor at
    ``depth`` (2 = the branches); the mean is over visits, never a mean of unit means."""
    cut = depth * (PATH_SEGMENT + 1)
    total = UnitResult(path=org_path)
    rows: dict[str, UnitResult] = {}
    visits = _done(actor, since=since, kind=kind, org_path=org_path).values_list(
        "org_unit__path", "total", "passed", "fatal"
    )
    for path, score, passed, fatal in visits:
        key = path[:cut] if len(path) >= cut else path
        for row in (total, rows.setdefault(key, UnitResult(path=key))):
            row.visits += 1
            row.score_sum += score or Decimal(0)
            row.fails += 0 if passed else 1
            row.fatal += 1 if fatal else 0
    names = unit_names(rows)
    for row in rows.values():
        row.name = names.get(row.path, row.path)
    ordered = sorted(rows.values(), key=lambda r: (r.mean if r.mean is not None else 0, r.path))
    return total, ordered


def item_results(
    actor: Actor, *, since: datetime | None = None, kind: str = "", org_path: str = ""
) -> list[ItemResult]:
    """Per checklist item (by category and text, across versions): the share of points awarded
    and the fatal hits, weakest first — where the service falls short."""
    visits = _done(actor, since=since, kind=kind, org_path=org_path)
    out: dict[tuple[str, str], ItemResult] = {}
    lines = MysteryScore.objects.filter(visit__in=visits.values("pk")).values_list(
        "item__category", "item__text", "item__critical", "item__points", "points", "fatal_hit"
    )
    for category, text, fatal, weight, points, hit in lines:
        row = out.setdefault((category, text), ItemResult(category, text, fatal))
        row.visits += 1
        if fatal:
            row.fatal_hits += 1 if hit else 0
        else:
            row.awarded += points
            row.available += weight
    return sorted(
        out.values(),
        key=lambda r: (-r.fatal_hits, r.rate if r.rate is not None else 100, r.category, r.text),
    )


def depth_choices() -> list[tuple[int, Any]]:
    """The levels results roll up to (the head office would be one row)."""
    return [(level.value, level.label) for level in OrgLevel if level != OrgLevel.HEAD_OFFICE]
