"""Supervision plans, visits and findings (standard 2.3.1, 2.3.2; issue 16 §6).

App label ``process_management``: ``hiqc.process_management.models`` imports this module so that
Django finds it.

* ``SupervisionPlan`` — how one process is supervised over one org unit: the method (on-site,
  remote monitoring, customer feedback, automated check), a schedule (every ``period_days`` days
  from ``start_date``) and the checklist (one text per item).
* ``SupervisionVisit`` — a case (planned → done / cancelled): one unit, one planned date, the
  checklist results (per item ok / not_ok / na with a note) and the evidence (archive
  references, never the files).
* ``SupervisionFinding`` — a case with a response clock (open → responded → verified, or
  closed): opened from a visit's not-ok item, by hand or from a conformance deviation, routed to
  the owning unit. It may link to a nonconformity or an improvement plan by reference
  (``link_type``, ``link_id``), checked through the kernel's case-kind door, never copied.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

TEXT_MAX = 4000
CHECKLIST_MAX = 50


class Method(models.TextChoices):
    ON_SITE = "on_site", _("现场检查")
    REMOTE = "remote", _("远程监测")
    CUSTOMER_FEEDBACK = "customer_feedback", _("客户反馈")
    AUTOMATED = "automated", _("系统自动检查")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改答复")
    RESPONDED = "responded", _("已答复")
    VERIFIED = "verified", _("已验证")
    CLOSED = "closed", _("已关闭")


class ItemResult(models.TextChoices):
    OK = "ok", _("符合")
    NOT_OK = "not_ok", _("不符合")
    NA = "na", _("不适用")


class SupervisionPlan(BaseModel):
    process = models.CharField(_("流程"), max_length=60)
    title = models.CharField(_("名称"), max_length=120)
    method = models.CharField(_("监督方式"), max_length=20, choices=Method.choices)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("监督范围（机构）"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    period_days = models.PositiveIntegerField(_("周期（天）"))
    start_date = models.DateField(_("开始日期"))
    checklist = models.JSONField(_("检查清单"), default=list)  # ["item text", …]
    owner = models.CharField(_("负责人"), max_length=150)
    active = models.BooleanField(_("启用"), default=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        app_label = "process_management"
        ordering = ("process", "title")
        verbose_name = _("监督计划")
        verbose_name_plural = _("监督计划")

    def __str__(self) -> str:
        return self.title


class SupervisionVisit(CaseModel):
    status = models.CharField(_("状态"), max_length=40, db_index=True, choices=VisitStatus.choices)
    plan = models.ForeignKey(
        SupervisionPlan, verbose_name=_("监督计划"), on_delete=models.PROTECT,
        related_name="visits",
    )  # fmt: skip
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("被监督机构"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    planned_date = models.DateField(_("计划日期"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # [{"item": "…", "result": "ok" | "not_ok" | "na", "note": "…"}] in the plan's checklist order
    results = models.JSONField(_("检查结果"), default=list, blank=True)
    evidence = models.TextField(_("证据（档案编号、照片/录音编号）"), blank=True)
    recorded_by = models.CharField(_("记录人"), max_length=150, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        app_label = "process_management"
        ordering = ("-planned_date", "-created_at")
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.planned_date:%Y-%m-%d}"


class SupervisionFinding(CaseModel):
    status = models.CharField(
        _("状态"), max_length=40, db_index=True, choices=FindingStatus.choices
    )
    process = models.CharField(_("流程"), max_length=60)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("责任机构"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    visit = models.ForeignKey(
        SupervisionVisit, verbose_name=_("监督检查"), on_delete=models.PROTECT,
        related_name="findings", null=True, blank=True,
    )  # fmt: skip
    item = models.CharField(_("检查项"), max_length=300, blank=True)
    deviation = models.CharField(_("流程偏差"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("情况说明"))
    opened_at = models.DateTimeField(_("登记时间"))
    opened_by = models.CharField(_("登记人"), max_length=150)
    response = models.TextField(_("整改答复"), blank=True)
    verification = models.TextField(_("验证结果"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # a nonconformity or an improvement plan, by reference (case type and id), never copied
    link_type = models.CharField(_("关联案件类型"), max_length=60, blank=True)
    link_id = models.CharField(_("关联案件 ID"), max_length=64, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        app_label = "process_management"
        ordering = ("-opened_at",)
        verbose_name = _("监督发现")
        verbose_name_plural = _("监督发现")

    def __str__(self) -> str:
        return self.title
