"""What the home page shows: who I am, where my scope is, and what I can open."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from .access import Actor, role_label, scope
from .manifest import home_counts
from .selectors import org_units_by_path


def home_summary(actor: Actor) -> dict[str, Any]:
    units = org_units_by_path(sorted({g.path for g in actor.grants}))
    grants = [{"role": role_label(g.role), "unit": units.get(g.path)} for g in actor.grants]
    tiles = [
        {"title": c.title, "url_name": c.url_name,
         "n": scope(actor, apps.get_model(c.model)._default_manager.all(), c.perm).count()}
        for c in home_counts()
        if actor.can(c.perm)
    ]  # fmt: skip
    return {"grants": grants, "tiles": tiles}
