"""Reads of the in-market monitoring (standard 3.3.3; issue 17 §5): the overview of every product
over the last twelve months, one product's page (monthly figures, control chart, targets and the
crossing that can open an update project) and the figures API. Every read is limited to an org
subtree in the caller's ``products.view`` scope: a unit outside it is the same 404 as a missing
one, and without a unit the caller's own scope is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.stats import p_chart, western_electric, xmr_chart
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import unit_in_scope, units_by_path, units_in_scope
from hiqc.policies.models import Product

from .figures import RATIO, SPECS, Figure, bounds, drill, empty, figures, monthly
from .targets import CROSSES, Target, min_sample, reason, targets, verdict

VIEW = "products.view"
UPDATE_URL = "/products/projects/new/"
P_CHART_FIGURES = ("refusal_rate", "on_time_rate", "lapse_rate")


def root_for(actor: Actor, unit_id: Any = None) -> OrgUnit:
    """The subtree the figures are read over: the unit asked for, in scope, or the caller's
    own (the first unit they hold ``products.view`` over)."""
    require(actor, VIEW)
    if unit_id:
        return unit_in_scope(actor, unit_id, VIEW)
    paths = actor.paths_for(VIEW)
    if paths == ("",):
        unit = units_in_scope(actor, VIEW).order_by("path").first()
    else:
        unit = units_by_path(paths[:1]).get(paths[0])
    if unit is None:
        raise NotFound()
    return unit


def product_get(code: str) -> Product:
    product = Product.objects.filter(code=code).first()
    if product is None:
        raise NotFound()
    return product


def scope_units(actor: Actor) -> list[OrgUnit]:
    return list(units_in_scope(actor, VIEW).order_by("path")[:200])


def window(today: date | None = None, months: int = 12) -> tuple[datetime, datetime]:
    """The last ``months`` calendar months including the current one (Beijing)."""
    today = today or timezone.localdate()
    start, _e = bounds(month_first(today, -(months - 1)), today)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), BEIJING)
    return start, end


@dataclass
class Flag:
    figure: Figure
    target: Target
    reason: str
    url: str


@dataclass
class Row:
    product: Product
    figures: dict[str, Figure]
    flags: list[Flag] = field(default_factory=list)
    verdicts: dict[str, str] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[Figure, str]]:
        """(figure, its verdict: ``crosses``, ``watch`` or ``""``) in the order of ``SPECS``."""
        return [(self.figures[c], self.verdicts.get(c, "")) for c in SPECS]


def update_url(product: Product, text: str) -> str:
    return UPDATE_URL + "?" + urlencode({"product": product.code, "kind": "update",
                                         "reason": text})  # fmt: skip


def _row(product: Product, figs: dict[str, Figure], goals: dict[str, Target],
         least: int) -> Row:  # fmt: skip
    """The product's row: each figure's verdict, and a flag (with its update link) for each
    figure that crosses its target beyond chance."""
    row = Row(product, figs)
    for code, fig in figs.items():
        goal = goals.get(code)
        row.verdicts[code] = verdict(fig, goal, least)
        if goal is not None and row.verdicts[code] == CROSSES:
            text = reason(fig, goal, product.name)
            row.flags.append(Flag(fig, goal, text, update_url(product, text)))
    return row


def overview(actor: Actor, root: OrgUnit, today: date | None = None) -> list[Row]:
    """Every product with its figures over the last twelve months and the targets it crosses
    (one grouped query per figure for all products)."""
    start, end = window(today)
    goals, least = targets(), min_sample()
    figs = figures(root, start, end)
    return [_row(p, figs.get(p.pk) or empty(p.pk), goals, least)
            for p in Product.objects.order_by("line", "code")]  # fmt: skip


def product_row(root: OrgUnit, product: Product, today: date | None = None) -> Row:
    start, end = window(today)
    f = figures(root, start, end, [product.pk]).get(product.pk) or empty(product.pk)
    return _row(product, f, targets(), min_sample())


def control_chart(points: list[tuple[str, Figure]]) -> dict[str, Any]:
    """p chart for a rate of counts (per-point 3σ limits), XmR for the others; the Western
    Electric signals per point. Months without a denominator are left out."""
    pts = [(label, fig) for label, fig in points if fig.denominator]
    if not pts:
        return {"kind": "", "labels": [], "values": []}
    code = pts[0][1].code
    scale = 100.0 if SPECS[code].unit == RATIO else 1.0
    values = [(fig.value or 0.0) * scale for _l, fig in pts]
    if code in P_CHART_FIGURES:
        chart = p_chart([(int(fig.numerator), int(fig.denominator)) for _l, fig in pts])
        centre = [chart.centre * 100] * len(pts)
        lower, upper = [v * 100 for v in chart.lower], [v * 100 for v in chart.upper]
        fired = western_electric(list(chart.proportions), chart.centre, list(chart.sigma))
        kind = "p"
    elif len(pts) >= 2:
        x = xmr_chart(values)
        centre, lower, upper = [x.centre] * len(pts), [x.lower] * len(pts), [x.upper] * len(pts)
        fired = western_electric(values, x.centre, x.sigma)
        kind = "xmr"
    else:
        return {"kind": "", "labels": [pts[0][0]], "values": values}
    return {"kind": kind, "labels": [label for label, _f in pts], "values": values,
            "centre": centre, "lower": lower, "upper": upper,
            "signals": [bool(f) for f in fired], "rules": [list(f) for f in fired]}  # fmt: skip


def series(root: OrgUnit, product: Product, today: date | None = None
           ) -> list[tuple[str, dict[str, Figure]]]:  # fmt: skip
    return monthly(root, product.pk, today or timezone.localdate())


def records(actor: Actor, root: OrgUnit, product: Product, code: str,
            today: date | None = None) -> list[Any]:  # fmt: skip
    if code not in SPECS or not SPECS[code].drill:
        raise NotFound()
    return drill(actor, root, product.pk, code, *window(today))


def product_figures(actor: Actor, code: str, unit_id: Any, start: date | None,
                    end: date | None) -> dict[str, Any]:  # fmt: skip
    """The figures API's answer."""
    root = root_for(actor, unit_id)
    product = product_get(code)
    if start is None or end is None:
        w0, w1 = window()
        start = start or w0.astimezone(BEIJING).date()
        end = end or (w1 - timedelta(days=1)).astimezone(BEIJING).date()
    if end < start:
        raise ValidationFailed(_("期间有误。"), fields={"to": [_("结束日期不能早于开始日期。")]})
    figs = figures(root, *bounds(start, end), [product.pk]).get(product.pk) or empty(product.pk)
    goals, least = targets(), min_sample()
    out = []
    for c, fig in figs.items():
        goal, spec = goals.get(c), SPECS[c]
        interval = fig.interval()
        judged = verdict(fig, goal, least)
        out.append({"code": c, "label": str(spec.label), "unit": spec.unit,
                    "direction": spec.direction, "numerator": fig.numerator,
                    "denominator": fig.denominator, "value": fig.value, "sample": fig.sample,
                    "interval_low": interval[0] if interval else None,
                    "interval_high": interval[1] if interval else None,
                    "target": goal.value if goal else None,
                    "target_source": goal.source if goal else "",
                    "verdict": judged, "crosses": judged == CROSSES})  # fmt: skip
    return {"product": product.code, "name": product.name, "org_unit_id": root.pk,
            "period_from": start, "period_to": end, "figures": out}  # fmt: skip
