"""Every read of the conformance app (issue 22 §1, §2, §6; ADR 0034): the clauses, the unit a
status is asked for (scoped: out of scope is the same 404 as missing) and each clause's status for
a unit and period, computed on request from the evidence rules.

Aggregation (ADR 0034): a clause's own status is the worst of its own rules' statuses; a clause
without rules of its own takes those of the nearest clause above it that has some (a rule on 3.1.2
covers 3.1.2(1)–(6)); a clause is then the worst of its own status and its sub-clauses' (not
applicable ignored; all not applicable → not applicable). ``NOT_APPLICABLE`` clauses are not
applicable; pending ones are not yet assessable ("evidence rule to come")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, get_in_scope, require, scope
from hiqc.core.errors import NotFound
from hiqc.core.evidence import Evidence, EvidenceRule, EvidenceStatus, assess, rules_for, worst
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import unit_in_scope, units_in_scope

from . import coverage
from .enums import ASSESS, VIEW
from .models import AssessmentRound, Clause, RoundClause
from .periods import Period
from .standard import ancestors, children


def clause_list(actor: Actor) -> QuerySet[Clause]:
    require(actor, VIEW)
    return Clause.objects.select_related("parent").order_by("position")


def access_clause(actor: Actor, code: str) -> Clause:
    require(actor, VIEW)
    clause = Clause.objects.filter(code=code).select_related("parent").first()
    if clause is None:
        raise NotFound()
    return clause


def chosen_unit(actor: Actor, unit_id: Any) -> OrgUnit:
    """The unit asked for (in the actor's conformance scope), else the actor's first one."""
    require(actor, VIEW)
    if unit_id:
        return unit_in_scope(actor, unit_id, VIEW)
    found = units_in_scope(actor, VIEW).first()
    if found is None:
        raise NotFound()
    return found


def unit_choices(actor: Actor) -> QuerySet[OrgUnit]:
    return units_in_scope(actor, VIEW).filter(level__lte=3)


def own_rules(code: str) -> tuple[str, list[EvidenceRule]]:
    """(the clause whose rules apply, those rules): its own, else the nearest clause above's."""
    for candidate in (code, *ancestors(code)):
        found = rules_for(candidate)
        if found:
            return candidate, found
    return code, []


@dataclass
class ClauseStatus:
    code: str
    status: str
    own: list[tuple[EvidenceRule, Evidence]] = field(default_factory=list)
    rules_from: str = ""  # the clause whose rules are ``own`` ("" none)
    reason: str = ""  # why not applicable / not yet assessable
    as_of: datetime | None = None  # when the oldest of its own rules' evidence was computed

    @property
    def records(self) -> int:
        return sum(e.records for _r, e in self.own)

    @property
    def failing(self) -> int:
        return sum(e.failing for _r, e in self.own)

    @property
    def label(self) -> str:
        return str(EvidenceStatus(self.status).label)


def _evidence_key(rule: EvidenceRule, org_path: str, period: Period) -> str:
    return f"hiqc:evidence:{rule.code}:{org_path}:{period.start}:{period.end}"


def rule_evidence(rule: EvidenceRule, org_path: str, period: Period, *, fresh: bool = False
                  ) -> tuple[Evidence, datetime]:  # fmt: skip
    """The rule's evidence for the subtree and period and when it was computed: from the cache
    while younger than ``HIQC_CONFORMANCE_CACHE_SECONDS`` (0: always computed), else (or
    ``fresh``) computed and kept."""
    seconds = int(getattr(settings, "HIQC_CONFORMANCE_CACHE_SECONDS", 0) or 0)
    key = _evidence_key(rule, org_path, period)
    if seconds > 0 and not fresh:
        hit = cache.get(key)
        if hit is not None:
            return hit[1], hit[0]
    found = assess(rule, org_path, period.start, period.end)
    at = timezone.now()
    if seconds > 0:
        cache.set(key, (at, found), timeout=seconds)
    return found, at


def clause_statuses(org_path: str, period: Period, *, fresh: bool = False
                    ) -> dict[str, ClauseStatus]:  # fmt: skip
    """Every clause's status for the subtree at ``org_path`` in the period; each rule assessed
    once however many clauses it serves (from the evidence cache unless ``fresh``)."""
    assessed: dict[str, tuple[Evidence, datetime]] = {}

    def evidence_of(rule: EvidenceRule) -> Evidence:
        if rule.code not in assessed:
            assessed[rule.code] = rule_evidence(rule, org_path, period, fresh=fresh)
        return assessed[rule.code][0]

    out: dict[str, ClauseStatus] = {}

    def visit(code: str) -> ClauseStatus:
        if code in coverage.NOT_APPLICABLE:
            found = ClauseStatus(code, EvidenceStatus.NOT_APPLICABLE,
                                 reason=_(coverage.NOT_APPLICABLE[code]))  # fmt: skip
            for kid in children()[code]:
                visit(kid)
            out[code] = found
            return found
        source, rules = own_rules(code)
        own = [(rule, evidence_of(rule)) for rule in rules]
        statuses = [e.status for _r, e in own] + [visit(kid).status for kid in children()[code]]
        reason = ""
        if not statuses:
            statuses = [EvidenceStatus.NOT_YET_ASSESSABLE]
            reason = _("证据规则待补充。")
        as_of = min((assessed[r.code][1] for r in rules), default=None)
        found = ClauseStatus(code, worst(statuses), own, source if rules else "", reason, as_of)
        out[code] = found
        return found

    for code in children():
        if code not in out and not ancestors(code):
            visit(code)
    return out


def computed_at(statuses: dict[str, ClauseStatus]) -> datetime | None:
    """When the oldest evidence behind these statuses was computed."""
    return min((s.as_of for s in statuses.values() if s.as_of is not None), default=None)


def status_summary(statuses: dict[str, ClauseStatus]) -> dict[str, int]:
    """How many leaf clauses stand at each status."""
    leaves = [found.status for code, found in statuses.items() if not children()[code]]
    return {s.value: leaves.count(s.value) for s in EvidenceStatus}


# --- self-assessment rounds (issue 22 §3; ADR 0035) ------------------------------------------------


def round_list(actor: Actor, *, status: str = "", period: str = "") -> QuerySet[AssessmentRound]:
    qs = scope(actor, AssessmentRound.objects.select_related("org_unit"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-period", "org_unit__path", "-opened_at")


def access_round(actor: Actor, round_id: Any, *, for_update: bool = False) -> AssessmentRound:
    """The door: another unit's round is the same 404 as a missing one."""
    qs = (AssessmentRound.objects.all() if for_update
          else AssessmentRound.objects.select_related("org_unit"))  # fmt: skip
    return get_in_scope(actor, qs, round_id, VIEW, for_update=for_update)


def round_units(actor: Actor) -> QuerySet[OrgUnit]:
    """Head office and the provinces the actor may assess (the create form's choices)."""
    return units_in_scope(actor, ASSESS).filter(level__lte=2)


def round_exists(unit: OrgUnit, period: str) -> AssessmentRound | None:
    """The unit's open or done round for the period (a cancelled one does not count)."""
    return (AssessmentRound.objects.filter(org_unit=unit, period=period)
            .exclude(status="cancelled").first())  # fmt: skip


def round_clauses(case: AssessmentRound) -> list[RoundClause]:
    return list(case.clauses.select_related("clause", "nonconformity").order_by("clause__position"))


def round_clause(case: AssessmentRound, code: str, *, for_update: bool = False
                 ) -> RoundClause | None:  # fmt: skip
    qs = RoundClause.objects.filter(round=case, clause__code=code).select_related("clause")
    return (qs.select_for_update() if for_update else qs).first()


def final_statuses(rows: list[RoundClause]) -> dict[str, str]:
    """The judged ("final") status of every clause of a round: the worst of its own judgement
    and its sub-clauses' final statuses (``hiqc.core.evidence.worst``)."""
    judged = {r.clause.code: r.judgement for r in rows}
    out: dict[str, str] = {}

    def final(code: str) -> str:
        if code not in out:
            kids = [final(k) for k in children().get(code, ()) if k in judged]
            out[code] = worst([judged[code], *kids])
        return out[code]

    for code in judged:
        final(code)
    return out


def judgement_summary(rows: list[RoundClause]) -> dict[str, int]:
    """How many leaf clauses stand at each judged status."""
    leaves = [r.judgement for r in rows if not children().get(r.clause.code)]
    return {s.value: leaves.count(s.value) for s in EvidenceStatus}


def leaves_to_open(case: AssessmentRound) -> QuerySet[RoundClause]:
    """The leaf clauses judged not conforming that have no nonconformity yet (locked)."""
    leaves = [code for code, kids in children().items() if not kids]
    return (RoundClause.objects.select_for_update()
            .filter(round=case, judgement=EvidenceStatus.NOT_CONFORMING,
                    nonconformity__isnull=True, clause__code__in=leaves)
            .select_related("clause").order_by("clause__position"))  # fmt: skip


def clauses_by_code() -> dict[str, Clause]:
    return {c.code: c for c in Clause.objects.all()}
