"""Reads of product R&D projects, in the actor's scope (DESIGN rule 2; standard 3.1.2)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor, scope
from hiqc.core.models import Deadline
from hiqc.policies import selectors as policy_selectors

from .models import ProductProject
from .workflow import PROCESS, VIEW


def projects(
    actor: Actor, *, gate: str = "", kind: str = "", product: str = ""
) -> QuerySet[ProductProject]:
    """The projects the actor may see (products.view over their unit), newest first, filtered
    by gate (state), kind and product code."""
    qs = scope(
        actor, ProductProject.objects.select_related("org_unit", "product", "product_version"), VIEW
    )
    if gate:
        qs = qs.filter(status=gate)
    if kind:
        qs = qs.filter(kind=kind)
    if product:
        qs = qs.filter(product__code=product)
    return qs


def open_clocks(ids: list[Any]) -> dict[str, list[Deadline]]:
    out: dict[str, list[Deadline]] = {}
    rows = Deadline.objects.filter(
        case_type=PROCESS, case_id__in=[str(i) for i in ids], state=Deadline.State.RUNNING
    ).order_by("due_at")
    for d in rows:
        out.setdefault(d.case_id, []).append(d)
    return out


def product_choices() -> list[tuple[str, str]]:
    """(code, name) of every product in the catalogue, for the list filter and the new-project
    form (the catalogue is the insurer's, shared by every branch)."""
    return [(p.code, f"{p.code} {p.name}") for p in policy_selectors.product_list()]
