"""Product figures API (standard 3.3.3; issue 17 §5): a product's figures over a period and an
org subtree in the caller's ``products.view`` scope (a branch user reads its own subtree; another
unit is the same 404 as a missing one).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date
from typing import Annotated
from uuid import UUID

from ninja import Field, Query, Router, Schema

from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, IsoDate

from .selectors import product_figures

router = Router(tags=["products"])


class ProductFigureOut(Schema):
    code: str
    label: str
    unit: str
    direction: str
    numerator: float
    denominator: float
    value: float | None
    sample: float = Field(
        description="cases the figure rests on (its denominator; for the payout ratio the claims paid)"
    )
    interval_low: float | None = Field(
        description="95 % interval, lower bound (Wilson for a share, exact Poisson for a rate per 10,000); none for the payout ratio"
    )
    interval_high: float | None = Field(description="95 % interval, upper bound")
    target: float | None
    target_source: str
    verdict: str = Field(
        description="crosses: worse than the target beyond chance; watch: worse on too little evidence (fewer cases than products.monitoring.min_sample, or the interval reaches the target); empty otherwise"
    )
    crosses: bool


class ProductFiguresQuery(Schema):
    from_: Annotated[IsoDate | None, Field(alias="from")] = None
    to: IsoDate | None = None
    org_unit: UUID | None = None


class ProductFiguresOut(Schema):
    product: str
    name: str
    org_unit_id: UUID
    period_from: date
    period_to: date
    figures: list[ProductFigureOut]


@router.get("/products/{code}/figures", response={200: ProductFiguresOut, **ERRORS})
def get_figures(request: HiqcRequest, code: str, q: Query[ProductFiguresQuery]):
    """Figures of every version of product `code` over [`from`, `to`] (Beijing days; default the
    last twelve months) and the subtree of `org_unit` (default the caller's own scope), each
    with numerator, denominator, value, its 95 % interval, target and verdict (`crosses` only
    beyond chance and with enough cases)."""
    return product_figures(request.actor, code[:40], q.org_unit, q.from_, q.to)
