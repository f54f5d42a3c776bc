"""Every read of the compliance app (DESIGN rules 1–2; standard 9.1; issue 20 §1, §2, §7).

Doors: ``access_obligation``, ``access_control`` (a control whose unit scope is neither inside nor
above the actor's subtree is the same 404 as a missing one), ``access_assessment``. Results and
attestations are read through the same scope predicate as everything else (their org path)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q, QuerySet, Sum

from hiqc.core.access import ROOT_PATH, Actor, get_in_scope, scope
from hiqc.core.errors import NotFound
from hiqc.core.models import Finding

from .enums import VIEW
from .models import (
    Attestation,
    Control,
    ControlResult,
    ImpactAssessment,
    Law,
    Obligation,
    RegulatoryChange,
)

MISSING = (ObjectDoesNotExist, ValueError, TypeError, ValidationError)
SEGMENT = 5  # "0001/": one level of a materialised path


def _ancestors(path: str) -> list[str]:
    return [path[:i] for i in range(0, len(path) + 1, SEGMENT)]


def _controls_visible(actor: Actor, perm: str = VIEW) -> Q | None:
    """Controls that apply inside the actor's subtrees or to a unit above them (None: all)."""
    paths = actor.paths_for(perm)
    if not paths:
        return Q(pk__in=[])
    if ROOT_PATH in paths:
        return None
    return reduce(or_, (Q(unit_path__startswith=p) | Q(unit_path__in=_ancestors(p))
                        for p in paths))  # fmt: skip


def law_list() -> QuerySet[Law]:
    return Law.objects.prefetch_related("obligations__controls")


def obligation_list(actor: Actor, *, domain: str = "", law: str = "") -> QuerySet[Obligation]:
    if not actor.paths_for(VIEW):
        return Obligation.objects.none()
    qs = Obligation.objects.select_related("law")
    if domain:
        qs = qs.filter(domain=domain)
    if law:
        qs = qs.filter(law__code=law)
    return qs


def access_obligation(actor: Actor, obligation_id: Any) -> Obligation:
    try:
        return obligation_list(actor).get(pk=obligation_id)
    except MISSING as exc:  # missing or malformed: the same 404
        raise NotFound() from exc


def control_list(actor: Actor, *, kind: str = "", perm: str = VIEW) -> QuerySet[Control]:
    qs = Control.objects.select_related("obligation__law")
    visible = _controls_visible(actor, perm)
    if visible is not None:
        qs = qs.filter(visible)
    return qs.filter(kind=kind) if kind else qs


def access_control(actor: Actor, control_id: Any, *, perm: str = VIEW) -> Control:
    try:
        return control_list(actor, perm=perm).get(pk=control_id)
    except MISSING as exc:  # missing, not yours, malformed: the same 404
        raise NotFound() from exc


def result_list(actor: Actor, control: Control, *, period: date | None = None
                ) -> QuerySet[ControlResult]:  # fmt: skip
    qs = scope(actor, control.results.select_related("org_unit"), VIEW)
    return qs.filter(period_start=period) if period else qs


def attestation_list(actor: Actor, control: Control) -> QuerySet[Attestation]:
    return scope(actor, control.attestations.select_related("org_unit"), VIEW)


def effectiveness_by_period(actor: Actor, control: Control) -> list[dict[str, Any]]:
    """Per month over the actor's scope: Σpopulation, Σfailures, 1 − Σf ÷ Σp."""
    rows = (result_list(actor, control).values("period_start")
            .annotate(p=Sum("population"), f=Sum("failures")).order_by("period_start"))  # fmt: skip
    return [{"period": r["period_start"], "population": r["p"], "failures": r["f"],
             "effectiveness": None if not r["p"] else 1 - r["f"] / r["p"]} for r in rows]  # fmt: skip


def failures_in(actor: Actor, period: date) -> list[ControlResult]:
    """The results with failures in ``period`` within the actor's scope (the overview)."""
    return list(
        scope(actor, ControlResult.objects.filter(period_start=period, failures__gt=0), VIEW)
        .select_related("control", "org_unit").order_by("-failures")
    )  # fmt: skip


# --- finding → obligation → control --------------------------------------------------------------


def control_for_finding(finding: Finding, controls: list[Control] | None = None) -> Control | None:
    """The control that should have prevented ``finding``: the one naming its kind, else the
    first control of the obligation whose rule id is the finding's rule."""
    controls = controls if controls is not None else list(Control.objects.select_related(
        "obligation").order_by("code"))  # fmt: skip
    for c in controls:
        if finding.kind in (c.finding_kinds or []):
            return c
    for c in controls:
        if c.obligation.rule_id and c.obligation.rule_id == finding.rule:
            return c
    return None


def obligation_for_finding(finding: Finding, obligations: dict[str, Obligation],
                           controls: list[Control]) -> Obligation | None:  # fmt: skip
    control = control_for_finding(finding, controls)
    if control is not None:
        return control.obligation
    return obligations.get(finding.rule)


def open_findings_by_obligation(actor: Actor) -> list[dict[str, Any]]:
    """Open findings in scope (findings.view) grouped by the obligation they break."""
    findings = scope(actor, Finding.objects.filter(status=Finding.Status.OPEN), "findings.view")
    controls = list(Control.objects.select_related("obligation").order_by("code"))
    obligations = {o.rule_id: o for o in Obligation.objects.exclude(rule_id="")}
    counts: dict[Any, int] = defaultdict(int)
    unmapped = 0
    for f in findings.only("rule", "kind").iterator():
        ob = obligation_for_finding(f, obligations, controls)
        if ob is None:
            unmapped += 1
        else:
            counts[ob.pk] += 1
    by_id = {o.pk: o for o in Obligation.objects.filter(pk__in=list(counts))}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    rows: list[dict[str, Any]] = [{"obligation": by_id[k], "open": n} for k, n in ranked]
    if unmapped:
        rows.append({"obligation": None, "open": unmapped})
    return rows


# --- regulatory changes and impact assessments ---------------------------------------------------


def change_list(actor: Actor) -> QuerySet[RegulatoryChange]:
    if not actor.paths_for(VIEW):
        return RegulatoryChange.objects.none()
    return RegulatoryChange.objects.select_related("law").prefetch_related("assessments")


def assessment_list(actor: Actor) -> QuerySet[ImpactAssessment]:
    return scope(actor, ImpactAssessment.objects.select_related("change__law"), VIEW)


def access_assessment(actor: Actor, case_id: Any, *, for_update: bool = False) -> ImpactAssessment:
    qs = ImpactAssessment.objects.all() if for_update else ImpactAssessment.objects.select_related(
        "change__law", "org_unit")  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)
