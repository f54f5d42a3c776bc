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


@checks.register()
def personal_data_is_declared(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A personal-looking field carries a declaration (hiqc.E020) and a declaration names a field
    of its model (hiqc.E021) — standard 6.1.1, 6.1.3(1); ``hiqc.core.personaldata``."""
    from .personaldata import hiqc_models, stale, undeclared

    models_ = hiqc_models()
    errors: list[checks.CheckMessage] = [
        checks.Error(
            f"{model._meta.label}.{name} looks like personal data but has no declaration.",
            hint="Add it to the model's personal_fields = {name: Declared(...)} "
            "(class, purpose, PIPL art. 13 basis, retention), or not_personal(reason).",
            obj=model,
            id="hiqc.E020",
        )
        for model, name in undeclared(models_)
    ]
    errors += [
        checks.Error(
            f"{model._meta.label}.personal_fields declares {name!r}, which is not one of its fields.",
            obj=model,
            id="hiqc.E021",
        )
        for model, name in stale(models_)
    ]
    return errors
