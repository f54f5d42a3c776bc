from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs: the product name and the navigation for this actor."""
    from .navigation import navigation_for

    actor = getattr(request, "actor", None)
    scope_names: list[str] = []
    if actor is not None and actor.grants:
        from django.apps import apps

        paths = {g.path for g in actor.grants}
        units = apps.get_model("organisations", "OrgUnit").objects.filter(path__in=paths)
        scope_names = sorted({u.localized_name for u in units})
    return {
        "scope_names": scope_names,
        "product_name": settings.HIQC_PRODUCT_NAME,
        "navigation": navigation_for(actor, request.path) if actor is not None else [],
    }
