"""Reads of the adaptability evaluation (standard 3.2; issue 17 §4): the rounds an actor may
see, a product's result history across closed rounds and the comparison of a line's products."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor
from hiqc.policies.models import Product

from .models import EvaluationRound, RoundStatus
from .services import rounds_visible


def round_list(actor: Actor, *, product: str = "", line: str = "", status: str = ""
               ) -> QuerySet[EvaluationRound]:  # fmt: skip
    qs = rounds_visible(actor)
    if product:
        qs = qs.filter(products__code=product)
    if line:
        qs = qs.filter(line=line)
    if status:
        qs = qs.filter(status=status)
    return qs.distinct().order_by("-created_at")


def product_by_code(code: str) -> Product | None:
    return Product.objects.filter(code=code).first()


def products_of_line(line: str) -> QuerySet[Product]:
    return Product.objects.filter(line=line).order_by("code")


def product_options() -> QuerySet[Product]:
    return Product.objects.order_by("line", "code")


def product_history(actor: Actor, code: str) -> list[tuple[EvaluationRound, dict[str, Any]]]:
    """The product's results in every closed round the actor may see, oldest first."""
    rounds = round_list(actor, product=code, status=RoundStatus.CLOSED).order_by("closed_at")
    return [(r, r.results.get("products", {}).get(code, {})) for r in rounds]


def line_comparison(
    actor: Actor, line: str
) -> list[tuple[Product, EvaluationRound, dict[str, Any]]]:
    """Each product of the line with its latest closed result the actor may see."""
    out = []
    latest: dict[str, tuple[EvaluationRound, dict[str, Any]]] = {}
    for r in round_list(actor, line=line, status=RoundStatus.CLOSED).order_by("closed_at"):
        for code, result in r.results.get("products", {}).items():
            latest[code] = (r, result)
    for p in products_of_line(line):
        if p.code in latest:
            out.append((p, *latest[p.code]))
    return out
