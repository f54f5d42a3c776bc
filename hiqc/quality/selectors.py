"""Scoped reads behind the quality pages (DESIGN rule 2)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS
from hiqc.core.targets import Target, targets_for
from hiqc.organisations.enums import Role
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import unit_in_scope, units_in_scope

VIEW = "indicators.view"


def chosen_unit(actor: Actor, unit_id: Any) -> OrgUnit:
    """The unit asked for (in scope), else the actor's first unit holding indicators.view."""
    if unit_id:
        return unit_in_scope(actor, unit_id, VIEW)
    first = actor.paths_for(VIEW)[0]
    found = (
        units_in_scope(actor, VIEW).filter(path=first).first()
        or units_in_scope(actor, VIEW).first()
    )
    if found is None:
        from hiqc.core.errors import NotFound

        raise NotFound()
    return found


def children(actor: Actor, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return units_in_scope(actor, VIEW).filter(parent=unit)


def ancestors(actor: Actor, unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit`` that the actor may also view, root first (the breadcrumb)."""
    parts = [p for p in unit.path.split("/") if p]
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1)]
    return list(units_in_scope(actor, VIEW).filter(path__in=paths).order_by("path"))


def targets(org_path: str) -> dict[str, Target]:
    return targets_for(INDICATORS, org_path, timezone.now().astimezone(BEIJING).date())


def target_rows(actor: Actor) -> Any:
    """Every target set at a unit the actor views (or for everyone), newest first."""
    from django.db.models import Q

    from hiqc.core.models import IndicatorTarget

    paths = actor.paths_for(VIEW)
    visible = Q(org_path="")
    for p in paths:
        visible |= Q(org_path__startswith=p)
    return IndicatorTarget.objects.filter(visible).order_by("code", "org_path", "-valid_from")


def owner_label(indicator: Any) -> str:
    """The accountable role of an indicator, as people call it (its code when not a role)."""
    return str(Role(indicator.owner).label) if indicator.owner in Role.values else indicator.owner
