"""System checks that keep the house rules executable (DESIGN rule 11)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks


@checks.register()
def every_model_is_scoped(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A HIQC model declares ``scope_path`` or an explicit ``unscoped`` reason (hiqc.E001)."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not model.__module__.startswith("hiqc."):
            continue
        scope_path = getattr(model, "scope_path", None)
        reason = getattr(model, "unscoped", None)
        if bool(scope_path) == bool(reason):
            errors.append(
                checks.Error(
                    f"{model._meta.label} must declare exactly one of scope_path or unscoped.",
                    hint="scope_path = 'org_unit__path', or unscoped = 'why no org unit owns it'.",
                    obj=model,
                    id="hiqc.E001",
                )
            )
    return errors
