"""Adaptability evaluation pages (standard 3.2; issue 17 §4): the rounds, a new round, a round
with its actions, the expert's own (blind) scoring form and, once visible, every score with its
dispersion and outliers; the result card of a product with its history and its line."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms, case_events
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.organisations.selectors import units_in_scope
from hiqc.policies.enums import ProductLine

from ..monitoring.figures import SPECS
from . import selectors
from .models import CriterionKind, Dimension, RoundStatus
from .services import (
    ROUND_KIND,
    access_round,
    compute_results,
    expert_of,
    my_scores,
    round_act,
    round_create,
    scores_save,
    scores_visible,
    visible_scores,
)
from .workflow import EVALUATE, ROUND, ROUND_ACTION_LABELS, VIEW

T = "products/evaluation/"
DIMENSIONS = list(Dimension.choices)


@login_required
def rounds_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    f = {k: request.GET.get(k, "")[:40] for k in ("product", "line", "status")}
    page = Paginator(selectors.round_list(actor, **f), 25).get_page(request.GET.get("page"))
    return render(request, T + "rounds.html", {
        "page": page, "filters": f, "lines": ProductLine.choices,
        "statuses": RoundStatus.choices, "products": selectors.product_options(),
        "can_create": actor.can(EVALUATE),
    })  # fmt: skip


@login_required
def round_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, EVALUATE)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    values: dict[str, Any] = {"period_start": today.replace(month=1, day=1).isoformat(),
                              "period_end": today.isoformat(), "products": [],
                              "line": request.GET.get("line", "")}  # fmt: skip
    status = 200
    if request.method == "POST":
        values = {**request.POST.dict(), "products": request.POST.getlist("products")}
        try:
            rnd = round_create(actor=actor, data=values)
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已创建适应性评价。"))
            return redirect("products:evaluation", rnd.pk)
    return render(request, T + "round_new.html", {
        "values": values, "errors": errors, "lines": ProductLine.choices,
        "products": selectors.product_options(), "units": units_in_scope(actor, EVALUATE),
    }, status=status)  # fmt: skip


def _fmt(code: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" + ("" if SPECS[code].unit == "per_10k" else "%")


def _round_context(request: HiqcRequest, rnd: Any, refused: RefusedAction | None = None,
                   score_errors: dict[str, list[str]] | None = None) -> dict[str, Any]:  # fmt: skip
    actor = request.actor
    criteria = list(rnd.criteria.all())
    products = list(rnd.products.all().order_by("code"))
    expert = expert_of(actor, rnd)
    visible = scores_visible(rnd)
    mine = my_scores(actor, rnd)
    errs = score_errors or {}
    form = [{"c": c, "cells": [{"p": p, "s": mine.get((str(c.pk), p.code)), "key": f"{c.pk}_{p.code}",
                                "errors": errs.get(f"{c.pk}_{p.code}", [])} for p in products]}
            for c in criteria if c.kind == CriterionKind.EXPERT]  # fmt: skip
    results = rnd.results or (compute_results(rnd) if visible else None)
    cards = []
    if results:
        for p in products:
            r = results["products"].get(p.code, {})
            rows = []
            for c in criteria:
                cell = r.get("criteria", {}).get(str(c.pk), {})
                shown = (
                    _fmt(c.figure, cell.get("value")) if c.kind == CriterionKind.COMPUTED else ""
                )
                rows.append({"c": c, "cell": cell, "shown": shown})
            cards.append({"p": p, "r": r, "rows": rows,
                          "dims": [(label, r.get("dimensions", {}).get(d))
                                   for d, label in DIMENSIONS]})  # fmt: skip
    return {
        **case_action_forms(ROUND_KIND, rnd, actor, {}, refused=refused),
        "r": rnd, "criteria": criteria, "products": products, "expert": expert,
        "experts": list(rnd.experts.select_related("user")), "visible": visible,
        "can_score": expert is not None and expert.submitted_at is None
        and rnd.status == RoundStatus.SCORING,
        "form": form, "score_errors": score_errors or {}, "cards": cards,
        "all_scores": visible_scores(rnd),
        "events": [{"e": e, "label": _(ROUND_ACTION_LABELS.get(e.activity, e.activity))}
                   for e in case_events(ROUND_KIND, rnd)],
    }  # fmt: skip


@login_required
def round_page(request: HiqcRequest, round_id: str) -> HttpResponse:
    rnd = access_round(request.actor, round_id)
    return render(request, T + "round.html", _round_context(request, rnd))


@login_required
@require_POST
def round_action(request: HiqcRequest, round_id: str, action: str) -> HttpResponse:
    actor = request.actor
    return post_case_action(
        request, case_id=round_id, action=action, workflow=ROUND,
        apply=lambda **kw: round_act(actor=actor, round_id=round_id, action=action, **kw),
        reload=lambda: access_round(actor, round_id), context=_round_context,
        template=T + "round.html", url_name="products:evaluation",
    )  # fmt: skip


@login_required
@require_POST
def round_scores(request: HiqcRequest, round_id: str) -> HttpResponse:
    """The expert's own scores: ``score_<criterion>_<product>`` and ``comment_<…>``; the button
    ``submit`` ends their scoring."""
    actor = request.actor
    rnd = access_round(actor, round_id)
    scores = []
    for c in rnd.criteria.filter(kind=CriterionKind.EXPERT):
        for p in rnd.products.all():
            key = f"{c.pk}_{p.code}"
            scores.append({"criterion": str(c.pk), "product": p.code,
                           "score": request.POST.get(f"score_{key}", ""),
                           "comment": request.POST.get(f"comment_{key}", "")})  # fmt: skip
    submit = "submit" in request.POST
    try:
        scores_save(actor=actor, round_id=rnd.pk, scores=scores, submit=submit)
    except (ValidationFailed, Conflict) as exc:
        fields = getattr(exc, "fields", None) or {}
        named = {}
        for k, v in fields.items():
            parts = k.split(".")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(scores):
                s = scores[int(parts[1])]
                named[f"{s['criterion']}_{s['product']}"] = v
            else:
                named[k] = v
        messages.error(request, exc.message)
        return render(request, T + "round.html", _round_context(request, rnd, score_errors=named),
                      status=exc.status)  # fmt: skip
    messages.success(request, _("已提交评分。") if submit else _("已保存评分。"))
    return redirect("products:evaluation", rnd.pk)


@login_required
def product_card_page(request: HiqcRequest, code: str) -> HttpResponse:
    """The result card: the latest closed result, the history across rounds, the line."""
    actor = request.actor
    require(actor, VIEW)
    product = selectors.product_by_code(code)
    if product is None:
        raise NotFound()
    history = selectors.product_history(actor, code)
    latest = history[-1][1] if history else None
    line = selectors.line_comparison(actor, product.line)
    return render(request, T + "card.html", {
        "product": product, "latest": latest,
        "latest_dims": [(label, latest.get("dimensions", {}).get(d)) for d, label in DIMENSIONS]
        if latest else [],
        "history": [{"r": r, "res": res,
                     "dims": [res.get("dimensions", {}).get(d) for d, _l in DIMENSIONS]}
                    for r, res in history],
        "line": [{"p": p, "r": r, "res": res,
                  "dims": [res.get("dimensions", {}).get(d) for d, _l in DIMENSIONS]}
                 for p, r, res in line],
        "dimensions": DIMENSIONS,
    })  # fmt: skip
