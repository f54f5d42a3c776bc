"""Compliance inspection plans and visits (standard 9.1.2(3)(4); issue 20 §3; ADR 0029).

``InspectionPlan`` — a unit's plan for a year or a quarter: which obligations of the register it
examines. Its checklist is a kernel ``Checklist`` (purpose ``compliance.inspection``, ADR 0023)
generated from those obligations: one item per obligation, the item's ``clause`` holding the
obligation's code (its rule id). ``ComplianceInspection`` — one visit to a unit, a case on the
engine. ``ComplianceInspectionMark`` — the visit's mark of each checklist item; a failed item is
raised as a kernel ``Finding`` (kind ``compliance.inspection``, rule = the obligation's code) so
it reaches the obligation's control (``selectors.control_for_finding``); no findings model here.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

from .enums import InspectionStatus, Quarter


class InspectionPlan(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("计划机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("期间"), choices=Quarter.choices, default=0)
    title = models.CharField(_("名称"), max_length=120)
    obligations = models.ManyToManyField("compliance.Obligation", verbose_name=_("检查的合规义务"),
                                         related_name="+")  # fmt: skip
    checklist = models.ForeignKey("core.Checklist", verbose_name=_("检查清单"),
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    created_by = models.CharField(_("制定人"), max_length=150)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-year", "-quarter", "title")
        verbose_name = _("合规检查计划")
        verbose_name_plural = _("合规检查计划")

    def __str__(self) -> str:
        return self.title


class ComplianceInspection(CaseModel):
    """One compliance inspection visit to a unit (a case kind: ``compliance.complianceinspection``)."""

    number = models.CharField(_("编号"), max_length=30, unique=True)
    plan = models.ForeignKey(InspectionPlan, verbose_name=_("检查计划"), on_delete=models.PROTECT,
                             related_name="visits")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("受检机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    status = models.CharField(_("状态"), max_length=20, choices=InspectionStatus.choices)
    planned_on = models.DateField(_("计划日期"))
    opened_at = models.DateTimeField(_("登记时间"))
    started_at = models.DateTimeField(_("开始检查时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    inspected_by = models.CharField(_("检查人"), max_length=150, blank=True)
    summary = models.TextField(_("检查报告"), blank=True)
    score = models.PositiveIntegerField(_("得分"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("满分"), null=True, blank=True)
    percent = models.DecimalField(_("得分率"), max_digits=4, decimal_places=1, null=True,
                                  blank=True)  # fmt: skip
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    conclusion = models.TextField(_("关闭结论"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-planned_on", "-opened_at")
        verbose_name = _("合规检查")
        verbose_name_plural = _("合规检查")

    def __str__(self) -> str:
        return self.number


class ComplianceInspectionMark(BaseModel):
    inspection = models.ForeignKey(ComplianceInspection, verbose_name=_("合规检查"),
                                   on_delete=models.CASCADE, related_name="marks")  # fmt: skip
    item = models.ForeignKey("core.ChecklistItem", verbose_name=_("检查项"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    mark = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)  # None: 不适用
    note = models.CharField(_("说明"), max_length=500, blank=True)
    finding = models.ForeignKey("core.Finding", verbose_name=_("合规事项"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    scope_path: ClassVar[str] = "inspection__org_unit__path"

    class Meta:
        ordering = ("inspection", "item__position")
        verbose_name = _("合规检查评分")
        verbose_name_plural = _("合规检查评分")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"],
                                               name="compliance_inspection_mark_unique")]  # fmt: skip
