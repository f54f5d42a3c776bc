from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the product name and the navigation for this actor."""
    from .navigation import navigation_for
    from .selectors import grant_unit_names

    actor = getattr(request, "actor", None)
    scope_names = grant_unit_names(actor) if actor is not None else []
    return {
        "scope_names": scope_names,
        "product_name": settings.HIQC_PRODUCT_NAME,
        "navigation": navigation_for(actor, request.path) if actor is not None else [],
    }
