from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel

REQUIREMENTS_MAX = 4000
DOCUMENTS_MAX = 2000


class StepGuidance(BaseModel):
    """The operating requirements of one step of a process (standard 2.1.2(2)(3)), as the process
    owner wrote them for the handbook: what to do and check, and the documents the step needs.
    ``step`` is a transition of the process's workflow, or "" for the process as a whole (its
    purpose, the customers it serves, its channels). An edit is a new row (``number`` + 1): the
    handbook shows the latest and keeps the others as its change history."""

    process = models.CharField(_("流程"), max_length=60)
    step = models.CharField(_("步骤"), max_length=60, blank=True)
    number = models.PositiveIntegerField(_("修订号"))
    requirements = models.TextField(_("操作要求"), max_length=REQUIREMENTS_MAX, blank=True)
    documents = models.TextField(_("所需单证"), max_length=DOCUMENTS_MAX, blank=True)
    note = models.CharField(_("修订说明"), max_length=255)
    edited_by = models.CharField(_("修订人"), max_length=150)

    unscoped: ClassVar[str | None] = "the process handbook is for everyone to follow"

    class Meta:
        ordering = ("process", "step", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "step", "number"], name="step_guidance_unique"
            )
        ]
        verbose_name = _("流程操作要求")
        verbose_name_plural = _("流程操作要求")


class MiningSnapshot(BaseModel):
    """A process's mining result (``results.mine``) over one subtree for the default period,
    computed by the nightly job so the process page answers at once (issue 16); the page says
    when it was computed and offers the live figures."""

    process = models.CharField(_("流程"), max_length=60)
    org_path = models.CharField(_("机构路径"), max_length=255, blank=True)
    period_from = models.DateField(_("期间开始"))
    period_to = models.DateField(_("期间结束"))
    computed_at = models.DateTimeField(_("计算时间"))
    result = models.JSONField(_("结果"))

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("process", "org_path")
        constraints = [
            models.UniqueConstraint(fields=["process", "org_path"], name="mining_snapshot_unique")
        ]
        verbose_name = _("流程分析快照")
        verbose_name_plural = _("流程分析快照")


from .supervision.models import (  # noqa: E402  Django finds the supervision models here
    SupervisionFinding,
    SupervisionPlan,
    SupervisionVisit,
)

__all__ = ["MiningSnapshot", "StepGuidance", "SupervisionFinding", "SupervisionPlan",
           "SupervisionVisit"]  # fmt: skip
