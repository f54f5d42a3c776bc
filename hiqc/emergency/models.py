"""Emergency management (standard 9.3, 6.2.1(3), 6.2.3(2); issue 20 §6; ADR 0025).

* ``EmergencyPlan`` — one version of a plan for a scenario at an org unit (the plan covers the
  unit's subtree): roles, a contact tree (ordered levels of roles and people), ordered steps with
  an owner role and a target in minutes, recovery targets (RTO / RPO in minutes), approval. The
  versions of one plan share ``family``; editing an approved version makes the next one (9.3.1).
* ``Drill`` — a drill of a plan at its unit (9.3.2): planned with a due date (by the schedule job
  or by hand), then performed: participants, notes, per-step timings against the targets, the
  recovery time against the RTO, met / missed, and the after-action review whose actions open an
  improvement plan (through ``hiqc.core.plan_links``).
* ``Incident`` — a real incident, a case on the engine (workflow.py) with its ``IncidentEntry``
  timeline. Affected customers are a count, never names (DESIGN rule 6).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel

from .enums import IncidentStatus, Scenario, Severity


class EmergencyPlan(BaseModel):
    family = models.UUIDField(_("预案标识"), default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("适用机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    scenario = models.CharField(_("场景"), max_length=20, choices=Scenario.choices)
    title = models.CharField(_("预案名称"), max_length=200)
    roles = models.JSONField(_("应急角色"), default=list, blank=True)  # [{"role", "duty"}]
    contacts = models.JSONField(
        _("联络树"), default=list, blank=True
    )  # [{"level", "role", "person"}]
    steps = models.JSONField(
        _("处置步骤"), default=list, blank=True
    )  # [{"title", "owner_role", "target_minutes"}]
    rto_minutes = models.PositiveIntegerField(_("恢复时间目标 RTO（分钟）"))
    rpo_minutes = models.PositiveIntegerField(_("恢复点目标 RPO（分钟）"), null=True, blank=True)
    approved = models.BooleanField(_("已批准"), default=False)
    approved_by = models.CharField(_("批准人"), max_length=150, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    current = models.BooleanField(_("现行版本"), default=True)
    updated_by = models.CharField(_("更新人"), max_length=150, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("org_unit__path", "scenario", "-version")
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="emergency_plan_version"),
            models.UniqueConstraint(fields=["family"], condition=Q(current=True),
                                    name="emergency_plan_one_current"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Drill(BaseModel):
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("应急预案（版本）"),
                             on_delete=models.PROTECT, related_name="drills")  # fmt: skip
    family = models.UUIDField(_("预案标识"), db_index=True)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("演练机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    due_date = models.DateField(_("应演练日期"))
    planned_by = models.CharField(_("计划人"), max_length=150)
    performed_on = models.DateField(_("演练日期"), null=True, blank=True, db_index=True)
    performed_by = models.CharField(_("记录人"), max_length=150, blank=True)
    participants = models.PositiveIntegerField(_("参演人数"), null=True, blank=True)
    notes = models.TextField(_("演练情景与说明"), blank=True, max_length=4000)
    # [{"position", "title", "target_minutes", "actual_minutes", "met"}]
    timings = models.JSONField(_("各步骤用时"), default=list, blank=True)
    recovery_minutes = models.PositiveIntegerField(_("实际恢复用时（分钟）"), null=True, blank=True)
    rto_minutes = models.PositiveIntegerField(_("RTO（分钟）"), null=True, blank=True)
    recovery_met = models.BooleanField(_("恢复时间达标"), null=True, blank=True)
    met = models.BooleanField(_("总体达标"), null=True, blank=True)
    late = models.BooleanField(_("逾期演练"), null=True, blank=True)
    review = models.TextField(_("演练后评估"), blank=True, max_length=4000)
    improvement_plan_id = models.UUIDField(_("改进计划"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("due_date", "created_at")
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        constraints = [  # the schedule keeps at most one drill to do per plan
            models.UniqueConstraint(fields=["family"], condition=Q(performed_on__isnull=True),
                                    name="emergency_one_open_drill"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.plan.title} {self.due_date}"


class Incident(CaseModel):
    status = models.CharField(_("状态"), max_length=20, choices=IncidentStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("发生机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    scenario = models.CharField(_("事件类型"), max_length=20, choices=Scenario.choices)
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity.choices)
    title = models.CharField(_("事件概要"), max_length=200)
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("启动的应急预案"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    detected_at = models.DateTimeField(_("发现时间"))
    reported_by = models.CharField(_("报告人"), max_length=150)
    affected_customers = models.PositiveIntegerField(_("受影响客户数"), default=0)
    personal_data = models.BooleanField(_("涉及个人信息"), default=False)
    regulator_required = models.BooleanField(_("需报告监管部门"), default=False)
    containment = models.TextField(_("控制措施"), blank=True)
    contained_at = models.DateTimeField(_("控制时间"), null=True, blank=True)
    customers_notified_at = models.DateTimeField(_("通知客户时间"), null=True, blank=True)
    regulator_notified_at = models.DateTimeField(_("报告监管时间"), null=True, blank=True)
    notification = models.TextField(_("通知内容"), blank=True)
    root_cause = models.TextField(_("根本原因"), blank=True)
    lessons = models.TextField(_("经验教训"), blank=True)
    improvement_plan_id = models.UUIDField(_("改进计划"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-detected_at",)
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")

    def __str__(self) -> str:
        return self.number

    @property
    def notification_required(self) -> bool:
        return self.personal_data or self.regulator_required


class IncidentEntry(BaseModel):
    """One line of an incident's timeline: when, what happened, who wrote it."""

    incident = models.ForeignKey(Incident, verbose_name=_("事件"), on_delete=models.CASCADE,
                                 related_name="entries")  # fmt: skip
    at = models.DateTimeField(_("时间"))
    text = models.CharField(_("经过"), max_length=1000)
    recorded_by = models.CharField(_("记录人"), max_length=150)

    scope_path: ClassVar[str] = "incident__org_unit__path"

    class Meta:
        ordering = ("at", "created_at")
        verbose_name = _("事件经过")
        verbose_name_plural = _("事件经过")
