"""Mystery shopping (神秘客户, standard 4.3.1; issue 6 §4).

* ``MysteryScenario`` — head-office configuration, versioned by ``(code, number)`` like
  questionnaires: a draft is edited, a published version is frozen (its visits keep pointing at
  it), ``scenario_new_version`` copies the latest into a draft n+1 and publishing retires the
  previous published version. A scenario is an outlet visit (网点走访) or a call to a service
  queue (电话暗访). Its checklist items are stored on the kernel checklist (ADR 0023): each
  scenario version has its own ``core.Checklist`` (purpose ``surveys.mystery``, code
  ``mystery-<code>``, version = number) whose ``ChecklistItem`` rows carry the weight as
  ``points``; a fatal item (致命项, e.g. promising a guaranteed payout, ``critical``) carries no
  points: marking it zeroes the visit. The scoring rule stays here (``services.py``).
* ``MysteryVisit`` — one shopper assigned to visit one org unit (or call its queue) on a planned
  date with one scenario version, optionally under a mystery-shopping ``SurveyPlan``. Status
  assigned → done (scored) or cancelled. A scored visit keeps its weighted score, the pass mark in
  force when it was scored, the evidence references (photo, recording, note: archive references,
  never the files) and the shopper's comments.
* ``MysteryScore`` — one line per checklist item of a scored visit.

Failed visits open ``core.Finding`` rows (see ``services.py``): the quality issue's nonconformities
link to those findings instead of copying them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.callcentre.enums import CallQueue
from hiqc.core.models import BaseModel, CaseModel


class ScenarioKind(models.TextChoices):
    OUTLET_VISIT = "outlet_visit", _("网点走访")
    QUEUE_CALL = "queue_call", _("电话暗访（拨打服务热线队列）")


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class VisitStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已派发")
    DONE = "done", _("已评分")
    CANCELLED = "cancelled", _("已取消")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    RECORDING = "recording", _("录音")
    NOTE = "note", _("现场记录")


class MysteryScenario(CaseModel):
    """A scenario version: a case of ``mystery_workflow.SCENARIO_WORKFLOW`` (draft → published →
    retired). ``number`` is the version number within the code; ``version`` (from CaseModel) is
    the row's edit counter for the 409 on a stale page."""

    code = models.SlugField(_("编码"), max_length=40)
    number = models.PositiveIntegerField(_("版本号"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("场景类型"), max_length=20, choices=ScenarioKind.choices)
    instructions = models.TextField(_("暗访说明（扮演角色、要办理的事项）"), blank=True)
    queue = models.CharField(
        _("拨打队列"), max_length=20, choices=CallQueue.choices, blank=True
    )  # queue_call scenarios
    outlet_type = models.CharField(_("适用网点类型"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=40, db_index=True, choices=ScenarioStatus.choices,
        default=ScenarioStatus.DRAFT,
    )  # fmt: skip
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)
    # head-office configuration: owned by the head office (the root unit's path), see Questionnaire
    org_path = models.CharField(_("机构路径"), max_length=255, blank=True)
    # the version's items (ADR 0023): a kernel checklist of purpose ``surveys.mystery``
    checklist = models.ForeignKey(
        "core.Checklist", verbose_name=_("检查清单"), on_delete=models.PROTECT, related_name="+"
    )

    scope_path: ClassVar[str] = "org_path"

    class Meta:
        ordering = ("code", "-number")
        verbose_name = _("神秘客户场景")
        verbose_name_plural = _("神秘客户场景")
        constraints = [
            models.UniqueConstraint(fields=("code", "number"), name="surveys_mystery_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.status != ScenarioStatus.DRAFT

    @property
    def active(self) -> bool:
        return self.status == ScenarioStatus.PUBLISHED

    @property
    def items(self) -> Any:
        """The version's checklist items (``ChecklistItem``: ``points`` is the weight,
        ``critical`` a fatal item)."""
        return self.checklist.items


class MysteryVisit(CaseModel):
    """A visit: a case of ``mystery_workflow.VISIT_WORKFLOW`` (assigned → done / cancelled); its
    ``assignee`` is the shopper, the one who must act."""

    plan = models.ForeignKey(
        "surveys.SurveyPlan", verbose_name=_("调查方案"), on_delete=models.PROTECT,
        related_name="mystery_visits", null=True, blank=True,
        limit_choices_to={"method": "mystery"},
    )  # fmt: skip
    scenario = models.ForeignKey(
        MysteryScenario, verbose_name=_("场景版本"), on_delete=models.PROTECT, related_name="visits"
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("被访机构"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    phone_number = models.CharField(_("拨打号码"), max_length=30, blank=True)
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("暗访员"), on_delete=models.PROTECT,
        related_name="mystery_visits",
    )  # fmt: skip
    assigned_by = models.CharField(_("派发人"), max_length=150, blank=True)
    planned_date = models.DateField(_("计划日期"))
    visited_at = models.DateTimeField(_("走访/来电时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=40, db_index=True, choices=VisitStatus.choices,
        default=VisitStatus.ASSIGNED,
    )  # fmt: skip
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    # 100 × Σ points ÷ Σ weights of the non-fatal items; ``total`` is 0 when a fatal item was hit
    raw_total = models.DecimalField(
        _("检查项得分率"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    total = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    fatal = models.BooleanField(_("出现致命项"), default=False)
    pass_mark = models.PositiveSmallIntegerField(_("合格线"), null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    # [{"kind": "photo" | "recording" | "note", "ref": "…", "note": "…"}]: references to the
    # evidence archive (file names, recording numbers), never the files themselves
    evidence = models.JSONField(_("证据"), default=list, blank=True)
    comment = models.TextField(_("暗访员意见"), blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-planned_date", "-created_at")
        verbose_name = _("神秘客户走访")
        verbose_name_plural = _("神秘客户走访")
        indexes = [
            models.Index(fields=["shopper", "status"], name="surveys_mystery_shopper_idx"),
            models.Index(fields=["status", "visited_at"], name="surveys_mystery_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit.name} {self.planned_date:%Y-%m-%d}"


class MysteryScore(BaseModel):
    visit = models.ForeignKey(
        MysteryVisit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        "core.ChecklistItem", verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.PositiveSmallIntegerField(_("得分"), default=0)
    fatal_hit = models.BooleanField(_("出现致命项"), default=False)
    comment = models.CharField(_("说明"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "visit__org_unit__path"

    class Meta:
        ordering = ("visit", "item__position")
        verbose_name = _("神秘客户评分明细")
        verbose_name_plural = _("神秘客户评分明细")
        constraints = [
            models.UniqueConstraint(fields=("visit", "item"), name="surveys_mystery_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.item_id}"
