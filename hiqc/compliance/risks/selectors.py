"""Every read of the risk register (DESIGN rules 1–2; standard 9.2; issue 20 §4, §5, §7).

Doors: ``access_risk`` and ``access_treatment`` — another unit's risk is the same 404 as a missing
one (scoped by the risk's unit with compliance.view). ``control_credit`` reads a control's latest
test for a risk's unit subtree (the residual arithmetic's input, ``scale``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet, Sum

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.processes import ancestor_paths

from ..controls import status_for
from ..enums import VIEW, ControlKind, ResultStatus
from ..models import Attestation, Control, ControlResult
from .enums import KriStatus, ReviewStatus
from .models import KeyRiskIndicator, Risk, RiskRating, RiskTreatment
from .scale import appetite, bands

CREDIT = {ResultStatus.EFFECTIVE: 1.0, ResultStatus.PARTLY: 0.5}


def risk_list(actor: Actor, *, category: str = "", band: str = "", cell: str = "",
              above_appetite: bool = False) -> QuerySet[Risk]:  # fmt: skip
    """Risks in the actor's scope; ``cell`` = "inherent-L-I" / "residual-L-I" (the heat map)."""
    qs = scope(actor, Risk.objects.select_related("org_unit", "owner"), VIEW)
    if category:
        qs = qs.filter(category=category)
    if cell:
        parts = cell.split("-")
        if (
            len(parts) == 3
            and parts[0] in ("inherent", "residual")
            and all(p.isdigit() for p in parts[1:])
        ):
            qs = qs.filter(**{f"{parts[0]}_likelihood": int(parts[1]),
                              f"{parts[0]}_impact": int(parts[2])})  # fmt: skip
        else:
            qs = qs.none()
    if band or above_appetite:
        b, limit = bands(), appetite()
        keep = [r.pk for r in qs if (not band or b.of(r.residual_rating) == band)
                and (not above_appetite or r.residual_rating > limit)]  # fmt: skip
        qs = qs.filter(pk__in=keep)
    return qs


def access_risk(actor: Actor, risk_id: Any, *, for_update: bool = False) -> Risk:
    qs = Risk.objects.all() if for_update else Risk.objects.select_related("org_unit", "owner")
    return get_in_scope(actor, qs, risk_id, VIEW, for_update=for_update)


def heatmap(actor: Actor) -> dict[str, list[dict[str, int]]]:
    """{"inherent": [{likelihood, impact, count}], "residual": […]} over the actor's scope."""
    rows = list(risk_list(actor).values_list("inherent_likelihood", "inherent_impact",
                                             "residual_likelihood", "residual_impact"))  # fmt: skip
    inherent = Counter((r[0], r[1]) for r in rows)
    resid = Counter((r[2], r[3]) for r in rows)
    return {name: [{"likelihood": k[0], "impact": k[1], "count": n}
                   for k, n in sorted(counts.items())]
            for name, counts in (("inherent", inherent), ("residual", resid))}  # fmt: skip


def above_appetite(actor: Actor) -> list[Risk]:
    limit = appetite()
    return sorted((r for r in risk_list(actor) if r.residual_rating > limit),
                  key=lambda r: (-r.residual_rating, r.number))  # fmt: skip


def kri_breaches(actor: Actor) -> QuerySet[KeyRiskIndicator]:
    return scope(actor, KeyRiskIndicator.objects.filter(
        state__in=(KriStatus.BREACH, KriStatus.WARNING)).select_related("risk"), VIEW)  # fmt: skip


def review_needed(actor: Actor) -> QuerySet[Risk]:
    return risk_list(actor).filter(review_status=ReviewStatus.REVIEW_NEEDED)


def ratings_of(risk: Risk) -> QuerySet[RiskRating]:
    return risk.ratings.all()


def risks_of_control(actor: Actor, control: Control) -> QuerySet[Risk]:
    """The risks that rely on ``control`` in the actor's scope (the control page)."""
    return risk_list(actor).filter(control_links__control=control).distinct()


# --- a control's tested effectiveness for a risk's unit -------------------------------------------


def control_test(control: Control, path: str) -> dict[str, Any]:
    """The latest test of ``control`` over the subtree at ``path``: an automatic control's latest
    month with results (Σpopulation, Σfailures → status by the control rules), a manual control's
    latest attestation by the unit, inside it or above it. {"status", "effectiveness", "period"}."""
    if control.kind == ControlKind.AUTOMATIC:
        results = ControlResult.objects.filter(control=control, org_path__startswith=path)
        latest = results.order_by("-period_start").values_list("period_start", flat=True).first()
        if latest is None:
            return {"status": "", "effectiveness": None, "period": None}
        sums = results.filter(period_start=latest).aggregate(p=Sum("population"),
                                                             f=Sum("failures"))  # fmt: skip
        p, f = int(sums["p"] or 0), int(sums["f"] or 0)
        return {"status": status_for(p, f), "effectiveness": (1 - f / p) if p else None,
                "period": latest}  # fmt: skip
    ancestors = [p for p in ancestor_paths(path) if p]  # the unit and the units above it
    att = (Attestation.objects.filter(control=control)
           .filter(Q(org_unit__path__startswith=path) | Q(org_unit__path__in=ancestors))
           .order_by("-period_start", "-attested_at").first())  # fmt: skip
    if att is None:
        return {"status": "", "effectiveness": None, "period": None}
    status = ResultStatus.EFFECTIVE if att.effective else ResultStatus.INEFFECTIVE
    return {"status": status, "effectiveness": 1.0 if att.effective else 0.0,
            "period": att.period_start}  # fmt: skip


def control_credit(status: str) -> float:
    """Effective 1, partly effective ½, anything else (ineffective, untested) 0 (``scale``)."""
    return CREDIT.get(status, 0.0)  # type: ignore[call-overload]


def control_tests(risk: Risk) -> list[dict[str, Any]]:
    """Each linked control with its latest test for the risk's unit and its credit."""
    out = []
    for link in risk.control_links.select_related("control").order_by("control__code"):
        test = control_test(link.control, risk.org_unit.path)
        out.append({"control": link.control, **test, "credit": control_credit(test["status"])})
    return out


def treatment_list(actor: Actor) -> QuerySet[RiskTreatment]:
    return scope(actor, RiskTreatment.objects.select_related("risk", "org_unit"), VIEW)


def access_treatment(actor: Actor, case_id: Any, *, for_update: bool = False) -> RiskTreatment:
    qs = RiskTreatment.objects.all() if for_update else RiskTreatment.objects.select_related(
        "risk", "org_unit")  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)
