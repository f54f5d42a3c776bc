"""A probe case type for the engine's tests only (installed by config.settings.test)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from hiqc.core.models import CaseModel


class ProbeCase(CaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", on_delete=models.PROTECT)
    title = models.CharField(max_length=100)

    scope_path: ClassVar[str | None] = "org_unit__path"

    def __str__(self) -> str:
        return self.title
