"""In-market monitoring pages (standard 3.3.3; issue 17 §5): the products overview with their
key figures and flags, a product's page (twelve months of figures, trend and control charts,
targets, the banner that opens an update project) and the records behind a figure."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hiqc.core.http import HiqcRequest

from . import selectors
from .figures import SPECS
from .targets import min_sample, targets

T = "products/monitoring/"
CODES = list(SPECS)


def _scaled(value: float | None, scale: float) -> float | None:
    return None if value is None else value * scale


@login_required
def overview_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    root = selectors.root_for(actor, request.GET.get("unit"))
    rows = selectors.overview(actor, root)
    return render(request, T + "overview.html", {
        "rows": rows, "unit": root, "units": selectors.scope_units(actor),
        "specs": [SPECS[c] for c in CODES], "codes": CODES, "targets": targets(),
        "flagged": sum(1 for r in rows if r.flags), "min_sample": min_sample(),
    })  # fmt: skip


@login_required
def product_page(request: HiqcRequest, code: str) -> HttpResponse:
    actor = request.actor
    root = selectors.root_for(actor, request.GET.get("unit"))
    product = selectors.product_get(code)
    figure = request.GET.get("figure") or "complaints_per_10k"
    if figure not in SPECS:
        figure = "complaints_per_10k"
    row = selectors.product_row(root, product)
    months = selectors.series(root, product)
    chart = selectors.control_chart([(label, figs[figure]) for label, figs in months])
    goals = targets()
    goal = goals[figure]
    scale = 1.0 if SPECS[figure].unit == "per_10k" else 100.0
    data: dict[str, Any] = {
        **chart, "unit": SPECS[figure].unit, "target_value": goal.value * scale,
        "trend_labels": [label for label, _f in months],
        "trend_values": [_scaled(f[figure].value, scale) for _l, f in months],
        "names": {"value": str(SPECS[figure].label), "centre": _("中心线"),
                  "limits": _("控制限"), "target": _("目标"), "signal": _("判异")},
    }  # fmt: skip
    return render(request, T + "product.html", {
        "product": product, "unit": root, "units": selectors.scope_units(actor), "row": row,
        "months": months, "codes": CODES, "specs": [SPECS[c] for c in CODES], "targets": goals,
        "figure": figure, "figure_spec": SPECS[figure], "chart": chart, "data": data,
    })  # fmt: skip


@login_required
def records_page(request: HiqcRequest, code: str, figure: str) -> HttpResponse:
    actor = request.actor
    root = selectors.root_for(actor, request.GET.get("unit"))
    product = selectors.product_get(code)
    rows = selectors.records(actor, root, product, figure)
    return render(request, T + "records.html", {
        "product": product, "unit": root, "spec": SPECS[figure], "rows": rows,
    })  # fmt: skip
