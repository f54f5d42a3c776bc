"""The claims timeliness dashboard (issue 5 §10; standard 5.2.2): per-step waiting and working
time by branch, the slowest steps, cases near each legal limit, on-time rates, payout ratio and
the composite quality score. Claimant satisfaction shows "暂无数据" until survey data exists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import require
from hiqc.core.errors import NotFound
from hiqc.core.http import HiqcRequest

from . import timeliness as t
from .indicators import STEPS


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _clock_label(code: str) -> str:
    return {
        "claims.decide": _("理赔核定（30日，CL-2）"),
        "claims.refusal_notice": _("拒赔通知（3日，CL-6）"),
        "claims.payment": _("赔款支付（10日，CL-5）"),
    }[code]


@login_required
def timeliness_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, t.PERM)
    units = list(t.dashboard_units(actor))
    unit = t.default_unit(actor)
    code = request.GET.get("org", "").strip()[:40]
    if code:
        match = next((u for u in units if u.code == code), None)
        if match is None:
            raise NotFound()
        unit = t.access_dashboard_unit(actor, match.pk)
    if unit is None:
        raise NotFound()
    raw = request.GET.get("months", "")
    months = int(raw) if raw.isdigit() and int(raw) in t.PERIOD_MONTHS else 3
    start, end = t.period_bounds(months)
    figures = t.dashboard_figures(unit, start, end)
    steps, pay, rates, scores = figures.steps, figures.pay, figures.rates, figures.scores
    rate_labels = {
        "claims.decided_on_time_rate": _("按时核定率（CL-2）"),
        "claims.refusal_notice_on_time_rate": _("拒赔通知按时率（CL-6）"),
        "claims.paid_on_time_rate": _("按时支付率（CL-5）"),
        "claims.payout_ratio": _("获赔率"),
        t.SATISFACTION: _("满意度"),
    }
    labels = {s.code: _(s.label) for s in STEPS}
    chart = {
        "steps": [labels[s.code] for s in STEPS],
        "branches": [t.branch_name(r.branch) for r in steps.by_branch],
        "working": [[_round(r.cells[s.code].working, 2) for s in STEPS] for r in steps.by_branch],
        "waiting": [[_round(r.cells[s.code].waiting, 2) for s in STEPS] for r in steps.by_branch],
        "labels": {
            "working": _("处理时间（中位数，天）"),
            "waiting": _("等待客户补充材料（中位数，天）"),
        },
    }
    now = timezone.now()
    near = [
        {
            "label": _clock_label(clock),
            "rows": [{"n": n, "url": reverse("claims:detail", args=[n.claim_id])} for n in rows],
        }
        for clock, rows in t.near_limits(unit, now=now).items()
    ]
    component = {"timeliness": _("时效"), "accuracy": _("准确性"), "satisfaction": _("满意度")}
    context: dict[str, Any] = {
        "unit": unit,
        "units": units,
        "months": months,
        "period_choices": t.PERIOD_MONTHS,
        "start": start,
        "end": end,
        "steps": [(s.code, labels[s.code]) for s in STEPS],
        "overall": [(labels[c], steps.overall[c]) for c in labels],
        "by_branch": [
            {"name": t.branch_name(r.branch), "cells": [r.cells[s.code] for s in STEPS]}
            for r in steps.by_branch
        ],
        "slowest_steps": [(labels[c], cell) for c, cell in steps.slowest_steps],
        "slow_spots": [
            {"branch": t.branch_name(s.branch), "step": labels[s.step], "s": s}
            for s in steps.slow_spots
        ],
        "pay": pay,
        "satisfaction": rates[t.SATISFACTION],
        "rates": [
            {"label": rate_labels[code], "rate": rates[code]}
            for code in t.RATE_CODES
            if code != t.SATISFACTION  # a tile of its own
        ],
        "branch_columns": [rate_labels[c] for c in t.RATE_CODES],
        "branch_rates": [
            {"name": t.branch_name(b), "cells": [r[c] for c in t.RATE_CODES]}
            for b, r in figures.branch_rates
        ],
        "near": near,
        "score_tables": [
            (_("按机构"), scores["branch"]),
            (_("按团队（经办机构）"), scores["team"][:15]),
            (_("按产品"), scores["product"][:15]),
            (_("按经办人"), scores["handler"][:15]),
        ],
        "components": component,
        "weights": t.WEIGHTS,
        "chart": chart,
    }
    return render(request, "claims/dashboard.html", context)
