"""What the home page shows: who I am, where my scope is, and what I can open."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from .access import Actor, role_label, scope
from .selectors import org_units_by_path


def home_summary(actor: Actor) -> dict[str, Any]:
    units = org_units_by_path(sorted({g.path for g in actor.grants}))
    grants = [{"role": role_label(g.role), "unit": units.get(g.path)} for g in actor.grants]
    counts = {}
    for label, perm in (
        ("customers.Customer", "customers.view"),
        ("organisations.User", "org.view"),
        ("core.AuditEvent", "audit.view"),
    ):
        if actor.can(perm):
            counts[label] = scope(actor, apps.get_model(label)._default_manager.all(), perm).count()
    return {"grants": grants, "counts": counts}
