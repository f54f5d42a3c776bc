"""Per-product figures computed by the domain that owns the records (standard 3.2.2, 3.3.3;
issue 17 §4, §5): the registry through which a reviewing domain reads another's figures by
product without importing it (the kernel names no app).

A domain registers a figure in its ``AppConfig.ready``: ``register_product_figure(code, label,
compute)``, where ``compute(start, end, root_path, product_codes)`` answers
``{product_code: (numerator, denominator)}`` for the records in ``[start, end)`` under the org
subtree ``root_path`` — every product with data when ``product_codes`` is None, else only those —
from one grouped query. ``hiqc.surveys`` registers ``satisfaction``; ``hiqc.products`` reads it
with ``product_figure`` (a code nobody registered answers nothing: no data, never 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ProductCompute = Callable[
    [datetime, datetime, str, list[str] | None], dict[str, tuple[float, float]]
]


@dataclass(frozen=True)
class ProductFigure:
    code: str
    label: Any  # lazy text
    compute: ProductCompute


PRODUCT_FIGURES: dict[str, ProductFigure] = {}


def register_product_figure(code: str, label: Any, compute: ProductCompute) -> None:
    """Declare a per-product figure (idempotent for the same code; a second domain claiming a
    code already taken is a programming error)."""
    known = PRODUCT_FIGURES.get(code)
    if known is not None and known.compute is not compute:
        raise ValueError(f"product figure {code!r} is registered twice")
    PRODUCT_FIGURES[code] = ProductFigure(code, label, compute)


def product_figure(
    code: str, start: datetime, end: datetime, root_path: str,
    product_codes: Iterable[str] | None = None,
) -> dict[str, tuple[float, float]]:  # fmt: skip
    """{product code: (numerator, denominator)} of a registered figure; {} when none is."""
    figure = PRODUCT_FIGURES.get(code)
    if figure is None:
        return {}
    codes = None if product_codes is None else list(product_codes)
    return figure.compute(start, end, root_path, codes)
