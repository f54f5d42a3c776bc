from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the product name and the navigation for this actor."""
    from .navigation import navigation_for
    from .selectors import grant_unit_names

    actor = getattr(request, "actor", None)
    if actor is None:
        return {"scope_names": [], "product_name": settings.HIQC_PRODUCT_NAME, "navigation": []}
    # worked out only if the template shows them: an HTMX fragment or a bare page does not
    return {
        "scope_names": SimpleLazyObject(lambda: grant_unit_names(actor)),
        "product_name": settings.HIQC_PRODUCT_NAME,
        "navigation": SimpleLazyObject(lambda: navigation_for(actor, request.path)),
    }
