"""Risk register pages (issue 20 §4, §5, §7): the register with its heat maps (inherent and
residual, a cell drills down to its risks), one risk (quantitative and qualitative assessment side
by side, its controls with their tests, KRIs with their series, the rating history, treatment
plans) and the treatment plan case page. Thin: reads are selectors, writes services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require, role_label
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.http import HiqcRequest
from hiqc.core.indicators import INDICATORS
from hiqc.core.mywork import countdown
from hiqc.organisations.enums import Role
from hiqc.organisations.selectors import units_in_scope

from ..enums import VIEW, ResultStatus
from . import selectors
from .enums import (
    IMPACT_LABELS,
    LIKELIHOOD_LABELS,
    RISK_MANAGE,
    Band,
    KriDirection,
    KriStatus,
    RatingKind,
    RiskCategory,
    TreatmentStatus,
)
from .scale import SCALE, appetite, bands
from .services import (
    TREATMENT_KIND,
    kri_create,
    kri_series,
    risk_create,
    risk_review,
    risk_update,
    treatment_act,
    treatment_open,
)
from .workflow import ACTION_LABELS, TREATMENT

T = "compliance/risks/"
ACTION_INPUTS = {
    "start": [("plan", "textarea", gettext_noop("应对方案"))],
    "add_action": [("title", "text", gettext_noop("应对措施")),
                   ("owner", "text", gettext_noop("责任人")),
                   ("due", "date", gettext_noop("完成日期"))],
    "complete_action": [("index", "text", gettext_noop("措施序号"))],
    "complete": [("outcome", "textarea", gettext_noop("实施结果与剩余风险"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip


def _grid(cells: dict[str, Any], which: str) -> dict[str, Any]:
    """A 5×5 grid (impact across, likelihood down from 5) with counts, bands and links."""
    counts = {(c["likelihood"], c["impact"]): c["count"] for c in cells[which]}
    b = bands()
    rows = [{"likelihood": lik, "label": LIKELIHOOD_LABELS[lik],
             "cells": [{"impact": imp, "count": counts.get((lik, imp), 0),
                        "band": b.of(lik * imp), "cell": f"{which}-{lik}-{imp}"}
                       for imp in SCALE]} for lik in reversed(SCALE)]  # fmt: skip
    return {"which": which, "rows": rows}


@login_required
def risks_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        risk, errors, values, status = post_form(
            request, lambda d: risk_create(actor=actor, data=d), _("已登记风险。"))  # fmt: skip
        if risk is not None:
            return redirect("compliance:risk", risk.pk)
    category = str(request.GET.get("category") or "")[:20]
    cell = str(request.GET.get("cell") or "")[:20]
    above = request.GET.get("above") == "1"
    risks = list(selectors.risk_list(actor, category=category, cell=cell, above_appetite=above))
    b, limit = bands(), appetite()
    cells = selectors.heatmap(actor)
    heat = {"inherent": cells["inherent"], "residual": cells["residual"],
            "bands": {"medium": b.medium, "high": b.high, "extreme": b.extreme},
            "likelihood": [str(LIKELIHOOD_LABELS[i]) for i in SCALE],
            "impact": [str(IMPACT_LABELS[i]) for i in SCALE],
            "names": {"inherent": _("固有风险"), "residual": _("剩余风险")}}  # fmt: skip
    return render(request, T + "risks.html", {
        "rows": [{"r": r, "band": b.of(r.residual_rating), "above": r.residual_rating > limit}
                 for r in risks],
        "grids": [_grid(cells, "inherent"), _grid(cells, "residual")],
        "impact_labels": [IMPACT_LABELS[i] for i in SCALE], "heat": heat,
        "categories": RiskCategory.choices, "category": category, "cell": cell, "above": above,
        "appetite": limit, "bands": b, "band_labels": dict(Band.choices),
        "can_manage": actor.can(RISK_MANAGE),
        "units": units_in_scope(actor, RISK_MANAGE) if actor.can(RISK_MANAGE) else [],
        "roles": Role.choices, "levels": list(SCALE),
        "errors": errors, "values": values,
    }, status=status)  # fmt: skip


@login_required
def risk_page(request: HiqcRequest, risk_id: str) -> HttpResponse:
    actor = request.actor
    risk = selectors.access_risk(actor, risk_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    form = ""
    if request.method == "POST":
        form = str(request.POST.get("form") or "")
        writes = {
            "review": (lambda d: risk_review(actor=actor, risk_id=risk.pk, data=d),
                       _("已记录新的风险评估。")),
            "treatment": (lambda d: treatment_open(actor=actor, risk_id=risk.pk, data=d),
                          _("已开启风险应对计划。")),
            "kri": (lambda d: kri_create(actor=actor, risk_id=risk.pk, data=d),
                    _("已设置关键风险指标。")),
            "edit": (lambda d: risk_update(actor=actor, risk_id=risk.pk, data=d),
                     _("已保存风险信息。")),
        }  # fmt: skip
        write, done_text = writes.get(form, writes["review"])
        done, errors, values, status = post_form(request, write, done_text)
        if done is not None:
            if form == "treatment":
                return redirect("compliance:treatment", done.pk)
            return redirect("compliance:risk", risk.pk)
        risk = selectors.access_risk(actor, risk.pk)
    b, limit = bands(), appetite()
    tests = selectors.control_tests(risk)
    kris, charts = [], []
    for k in risk.kris.all():
        indicator = INDICATORS.get(k.indicator)
        series = kri_series(k, risk.org_unit.path)
        name = str(indicator.localized_name) if indicator else k.indicator
        kris.append({"k": k, "name": name, "chart": f"kri-chart-{k.pk}",
                     "ratio": indicator is not None and indicator.unit == "ratio",
                     "series": series})  # fmt: skip
        if series:
            charts.append({"el": f"kri-chart-{k.pk}", "name": name, "warning": k.warning,
                           "limit": k.limit, "periods": [p["period"].strftime("%Y-%m") for p in series],
                           "values": [p["value"] for p in series],
                           "labels": {"warning": _("预警值"), "limit": _("限额")}})  # fmt: skip
    edit = values if form == "edit" else {
        "title": risk.title, "category": risk.category, "cause": risk.cause, "event": risk.event,
        "consequence": risk.consequence, "owner_role": risk.owner_role,
        "owner": risk.owner.username if risk.owner else "",
        "controls": " ".join(t["control"].code for t in tests)}  # fmt: skip
    return render(request, T + "risk.html", {
        "r": risk, "owner_role": role_label(risk.owner_role),
        "inherent_band": b.of(risk.inherent_rating), "residual_band": b.of(risk.residual_rating),
        "band_labels": dict(Band.choices), "above": risk.residual_rating > limit,
        "appetite": limit, "likelihood_labels": LIKELIHOOD_LABELS, "impact_labels": IMPACT_LABELS,
        "tests": tests, "statuses": dict(ResultStatus.choices),
        "kris": kris, "kri_charts": charts, "kri_statuses": dict(KriStatus.choices),
        "edit": edit, "categories": RiskCategory.choices, "roles": Role.choices,
        "directions": KriDirection.choices, "indicators": sorted(INDICATORS),
        "ratings": selectors.ratings_of(risk), "rating_kinds": dict(RatingKind.choices),
        "treatments": selectors.treatment_list(actor).filter(risk=risk),
        "can_manage": actor.can(RISK_MANAGE, risk.org_unit.path), "levels": list(SCALE),
        "form": form, "errors": errors, "values": values,
    }, status=status)  # fmt: skip


def _case_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                  ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    today = now.astimezone(BEIJING).date().isoformat()  # actions are due on Beijing days
    return {
        **case_action_forms(TREATMENT_KIND, case, request.actor, ACTION_INPUTS, refused=refused),
        "t": case,
        "measures": [
            {**a, "n": i + 1, "overdue": not a["done_at"] and a["due"] < today}
            for i, a in enumerate(case.actions)
        ],
        "clocks": [
            {"d": d, "left": countdown(d, now)} for d in case_deadlines(TREATMENT_KIND, case)
        ],
        "events": history(TREATMENT_KIND, case, ACTION_LABELS, dict(TreatmentStatus.choices)),
    }


@login_required
def treatment_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_treatment(request.actor, case_id)
    return render(request, T + "treatment.html", _case_context(request, case))


@login_required
@require_POST
def treatment_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_treatment(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=TREATMENT,
        apply=lambda **kw: treatment_act(actor=actor, case_id=case.pk, action=action[:60],
                                         source="page", **kw),
        reload=lambda: selectors.access_treatment(actor, case.pk), context=_case_context,
        template=T + "treatment.html", url_name="compliance:treatment",
    )  # fmt: skip
