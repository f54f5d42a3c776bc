"""Quality inspection (质检) of sampled interactions (standard 4.1.3(2), 4.2.3(2), 7.2).

* Scoring sheets — head-office configuration, versioned, stored as kernel ``Checklist`` /
  ``ChecklistItem`` rows of purpose ``inspection.interaction`` (ADR 0023): a published version is
  never edited; publishing the same code again creates version n+1 and retires version n. A
  ``Score`` keeps the version it was scored with (its lines keep their items).
* ``Sample`` — one drawing (org unit subtree, period, size per agent, seed), kept so a sample can
  be reproduced and explained.
* ``InspectionTask`` — one sampled interaction, unique per (kind, object id): re-sampling never
  duplicates. ``reasons`` say why it was drawn (random and/or targeted rules). A case
  (``workflow.TASK``): pending → scored.
* ``Score`` / ``ScoreLine`` — the scoring of one task; ``total`` is what the inspector gave,
  ``final_total`` what counts for the indicator after a dispute. A case (``workflow.SCORE``),
  assigned to the scored agent while the dispute window (a clock) runs.
* ``Dispute`` — the agent's challenge and the inspector's decision. A case
  (``workflow.DISPUTE_CASE``).

Statuses change only through ``hiqc.core.casework.case_transition`` (``services.py``).
* ``AgentAlias`` — telephony agent id (工号) → HIQC user, where the id is not the username.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.calendar import BEIJING
from hiqc.core.models import BaseModel, CaseModel

from .enums import DisputeStatus, Kind, ScoreStatus, TaskStatus

# The scoring sheets are kernel checklists of this purpose (ADR 0023): ``Checklist`` rows (code,
# version, name, ``applies_to`` = the interaction kinds, ``active``) and their ``ChecklistItem``
# rows (``critical`` = a fatal item, 致命错误, worth 0 points). The scoring rule stays here
# (``scoring.py``).
SHEET_PURPOSE = "inspection.interaction"


class Sample(BaseModel):
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    per_agent = models.PositiveSmallIntegerField(_("每人样本量"))
    seed = models.BigIntegerField(_("随机种子"))
    kinds = models.JSONField(_("交互类型"), default=list)
    drawn_by = models.CharField(_("抽样人"), max_length=150)
    counts = models.JSONField(_("抽样结果"), default=dict)

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("质检抽样")
        verbose_name_plural = _("质检抽样")


class InspectionTask(CaseModel):
    kind = models.CharField(_("交互类型"), max_length=20, choices=Kind.choices)
    object_id = models.CharField(_("交互编号"), max_length=64)
    label = models.CharField(_("交互标识"), max_length=64, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被质检人"),
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("交互时间"))
    reasons = models.JSONField(_("抽样原因"), default=list)
    sample = models.ForeignKey(
        Sample,
        verbose_name=_("抽样批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    status = models.CharField(
        _("状态"),
        max_length=40,
        db_index=True,
        choices=TaskStatus.choices,
        default=TaskStatus.PENDING,
    )

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-occurred_at",)
        verbose_name = _("质检任务")
        verbose_name_plural = _("质检任务")
        constraints = [
            models.UniqueConstraint(fields=("kind", "object_id"), name="inspection_task_once")
        ]
        indexes = [models.Index(fields=("agent", "occurred_at"))]

    def __str__(self) -> str:
        """The interaction's reference (a call id, a consultation or complaint number)."""
        return self.label or self.object_id


class Score(CaseModel):
    task = models.OneToOneField(
        InspectionTask, verbose_name=_("质检任务"), on_delete=models.PROTECT, related_name="score"
    )
    sheet = models.ForeignKey(
        "core.Checklist", verbose_name=_("评分表版本"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被质检人"),
        on_delete=models.PROTECT,
        related_name="inspection_scores",
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("质检员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("评分时间"), db_index=True)
    total = models.DecimalField(_("原始得分"), max_digits=5, decimal_places=1)
    fatal = models.BooleanField(_("致命错误"), default=False)
    final_total = models.DecimalField(_("最终得分"), max_digits=5, decimal_places=1)
    final_fatal = models.BooleanField(_("最终致命错误"), default=False)
    comment = models.TextField(_("评语"), blank=True)
    # the dispute window's end as the clock computed it when the score was given (the clock,
    # a Deadline row, decides; this copy is what the API and lists show)
    dispute_until = models.DateTimeField(_("申诉截止"))
    status = models.CharField(
        _("状态"),
        max_length=40,
        db_index=True,
        choices=ScoreStatus.choices,
        default=ScoreStatus.SCORED,
    )

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-scored_at",)
        verbose_name = _("质检评分")
        verbose_name_plural = _("质检评分")

    def __str__(self) -> str:
        return str(self.task)

    @property
    def dispute_last_day(self) -> Any:
        """The window's last day (it ends at 24:00 of that day, Beijing time)."""
        return (self.dispute_until.astimezone(BEIJING) - timedelta(seconds=1)).date()


class ScoreLine(BaseModel):
    score = models.ForeignKey(
        Score, verbose_name=_("评分"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        "core.ChecklistItem", verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveSmallIntegerField(_("版次"), default=1)  # 2 = amended on dispute
    points = models.PositiveSmallIntegerField(_("得分"), default=0)
    fatal_hit = models.BooleanField(_("出现致命错误"), default=False)
    comment = models.CharField(_("说明"), max_length=500, blank=True)

    scope_path: ClassVar[str | None] = "score__org_unit__path"

    class Meta:
        ordering = ("revision", "item__position")
        verbose_name = _("评分明细")
        verbose_name_plural = _("评分明细")


class Dispute(CaseModel):
    score = models.OneToOneField(
        Score, verbose_name=_("评分"), on_delete=models.PROTECT, related_name="dispute"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("申诉时间"))
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"),
        max_length=40,
        db_index=True,
        choices=DisputeStatus.choices,
        default=DisputeStatus.OPEN,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("裁决人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("裁决时间"), null=True, blank=True)
    decision_note = models.TextField(_("裁决意见"), blank=True)
    previous_total = models.DecimalField(
        _("申诉前得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    scope_path: ClassVar[str | None] = "score__org_unit__path"

    class Meta:
        ordering = ("-raised_at",)
        verbose_name = _("质检申诉")
        verbose_name_plural = _("质检申诉")

    def __str__(self) -> str:
        return str(self.score)


class AgentAlias(BaseModel):
    """A telephony agent id (工号) that is not the user's username. Calls name agents by this id;
    sampling maps it to a user here first, then by ``username == agent id``."""

    agent_id = models.CharField(_("坐席工号"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    unscoped: ClassVar[str] = "identity mapping maintained by head office for the telephony feed"

    class Meta:
        verbose_name = _("坐席工号映射")
        verbose_name_plural = _("坐席工号映射")

    def __str__(self) -> str:
        return self.agent_id
