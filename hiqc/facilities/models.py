"""Facilities, equipment and environment (standard chapter 8; issue 19 §1–§3; ADR 0023).

* ``OutletFacility`` — an outlet's facilities record (8.1): the four areas of 8.1.2, the private
  windows (8.1.4), rest facilities with water (8.1.5), signage (8.1.6), barrier-free access
  (8.1.7). The register is every outlet-level org unit with its record (or none yet).
* ``Inspection`` — a facility or environment inspection of one outlet (8.1, 8.3.4), planned with
  a due date and performed on a version of a kernel ``Checklist`` that it keeps; its
  ``InspectionMark``s (score per item, notes) and ``InspectionPhoto``s (checked by content).
* ``Rectification`` — a failed item to correct: a case on the engine with an internal-target
  clock (workflow.py).
* ``Equipment`` — the equipment file (8.2.4, 8.2.5) and its history of ``EquipmentEvent``s.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import Declared, not_personal

from .enums import (
    EquipmentCategory,
    EquipmentState,
    EventKind,
    InspectionKind,
    RectificationStatus,
    RenewalReason,
    RenewalState,
)
from .faults.enums import FaultCause, FaultSeverity, FaultSource, FaultStatus
from .maintenance.enums import TaskState


class OutletFacility(BaseModel):
    org_unit = models.OneToOneField("organisations.OrgUnit", verbose_name=_("营业网点"),
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    address = models.CharField(_("地址"), max_length=200, blank=True)
    floor_area = models.DecimalField(_("营业面积（平方米）"), max_digits=8, decimal_places=1,
                                     null=True, blank=True)  # fmt: skip
    opening_hours = models.CharField(_("营业时间"), max_length=60, blank=True)
    has_reception = models.BooleanField(_("客户接待区"), default=False)
    reception_seats = models.PositiveSmallIntegerField(_("接待区座椅数"), default=0)
    has_business = models.BooleanField(_("业务办理区"), default=False)
    private_windows = models.PositiveSmallIntegerField(_("独立办理窗口数"), default=0)
    has_rest = models.BooleanField(_("休息区"), default=False)
    has_water = models.BooleanField(_("饮水设备"), default=False)
    has_consultation = models.BooleanField(_("咨询区"), default=False)
    has_signage = models.BooleanField(_("指示标识"), default=False)
    barrier_free = models.BooleanField(_("无障碍设计"), default=False)
    note = models.TextField(_("备注"), blank=True, max_length=2000)
    updated_by = models.CharField(_("更新人"), max_length=150, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "address": not_personal(_("营业网点的对外地址，不是个人地址"), public=True),
    }

    class Meta:
        ordering = ("org_unit__path",)
        verbose_name = _("网点设施档案")
        verbose_name_plural = _("网点设施档案")

    def gaps(self) -> list[str]:
        """What 8.1.2–8.1.7 ask that this outlet lacks (field names)."""
        flags = ("has_reception", "has_business", "has_rest", "has_water", "has_consultation",
                 "has_signage", "barrier_free")  # fmt: skip
        out = [f for f in flags if not getattr(self, f)]
        if self.private_windows < 1:
            out.append("private_windows")
        return out


class Inspection(BaseModel):
    """Planned (``performed_at`` empty, by ``due_date``) or performed (score, pass)."""

    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("营业网点"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices)
    checklist = models.ForeignKey("core.Checklist", verbose_name=_("检查清单版本"),
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    due_date = models.DateField(_("计划完成日期"))
    planned_by = models.CharField(_("计划人"), max_length=150)
    performed_at = models.DateTimeField(_("检查时间"), null=True, blank=True, db_index=True)
    performed_by = models.CharField(_("检查人"), max_length=150, blank=True)
    score = models.PositiveIntegerField(_("得分"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("满分"), null=True, blank=True)
    percent = models.DecimalField(_("得分率"), max_digits=4, decimal_places=1, null=True,
                                  blank=True)  # fmt: skip
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    notes = models.TextField(_("检查说明"), blank=True, max_length=4000)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-due_date", "-created_at")
        verbose_name = _("设施环境检查")
        verbose_name_plural = _("设施环境检查")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date}"


class InspectionMark(BaseModel):
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE,
                                   related_name="marks")  # fmt: skip
    item = models.ForeignKey("core.ChecklistItem", verbose_name=_("检查项"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    mark = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)  # None: 不适用
    note = models.CharField(_("说明"), max_length=500, blank=True)

    scope_path: ClassVar[str] = "inspection__org_unit__path"

    class Meta:
        ordering = ("inspection", "item__position")
        verbose_name = _("检查评分")
        verbose_name_plural = _("检查评分")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"],
                                               name="facilities_mark_unique")]  # fmt: skip


class InspectionPhoto(BaseModel):
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE,
                                   related_name="photos")  # fmt: skip
    item = models.ForeignKey("core.ChecklistItem", verbose_name=_("检查项"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")  # fmt: skip
    file = models.FileField(_("文件"), upload_to="facilities/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.CharField(_("上传人"), max_length=150)

    scope_path: ClassVar[str] = "inspection__org_unit__path"

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")


class Rectification(CaseModel):
    status = models.CharField(_("状态"), max_length=20, choices=RectificationStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("营业网点"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.PROTECT,
                                   related_name="rectifications")  # fmt: skip
    item = models.ForeignKey("core.ChecklistItem", verbose_name=_("检查项"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    title = models.CharField(_("整改事项"), max_length=300)
    finding = models.CharField(_("检查发现"), max_length=500, blank=True)
    opened_at = models.DateTimeField(_("发现时间"))
    correction = models.TextField(_("整改措施"), blank=True)
    verification = models.TextField(_("验证结果"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-opened_at",)
        verbose_name = _("设施整改任务")
        verbose_name_plural = _("设施整改任务")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"],
                                               name="facilities_rectification_unique")]  # fmt: skip

    def __str__(self) -> str:
        return self.number


class Equipment(BaseModel):
    asset_number = models.CharField(_("资产编号"), max_length=40, unique=True)
    name = models.CharField(_("设备名称"), max_length=120)
    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("所在机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    location = models.CharField(_("存放位置"), max_length=120, blank=True)
    model_name = models.CharField(_("品牌型号"), max_length=120, blank=True)
    serial_number = models.CharField(_("出厂编号"), max_length=80, blank=True)
    supplier = models.CharField(_("供应商"), max_length=120, blank=True)
    purchase_date = models.DateField(_("购置日期"), null=True, blank=True)
    purchase_cost = models.DecimalField(_("购置金额（元）"), max_digits=12, decimal_places=2,
                                        null=True, blank=True)  # fmt: skip
    warranty_end = models.DateField(_("保修截止日期"), null=True, blank=True)
    safety_certificate = models.CharField(_("安全认证"), max_length=120, blank=True)  # 8.2.5
    environmental_certificate = models.CharField(_("环保认证"), max_length=120, blank=True)
    state = models.CharField(_("使用状态"), max_length=20, choices=EquipmentState.choices,
                             default=EquipmentState.IN_USE)  # fmt: skip
    note = models.TextField(_("备注"), blank=True, max_length=2000)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("asset_number",)
        verbose_name = _("设备档案")
        verbose_name_plural = _("设备档案")

    def __str__(self) -> str:
        return f"{self.asset_number} {self.name}"


class EquipmentEvent(BaseModel):
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.CASCADE,
                                  related_name="events")  # fmt: skip
    kind = models.CharField(_("记录类型"), max_length=20, choices=EventKind.choices)
    happened_on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    cost = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, null=True,
                               blank=True)  # fmt: skip
    recorded_by = models.CharField(_("记录人"), max_length=150)
    # 使用记录: the usage counter read that day (pages, hours …), for usage-based maintenance
    reading = models.DecimalField(_("读数"), max_digits=14, decimal_places=1, null=True,
                                  blank=True)  # fmt: skip

    scope_path: ClassVar[str] = "equipment__org_unit__path"

    class Meta:
        ordering = ("equipment", "happened_on", "created_at")
        verbose_name = _("设备履历")
        verbose_name_plural = _("设备履历")


# --- preventive maintenance (8.2.2; issue 19 §4) --------------------------------------------------


class MaintenancePlan(BaseModel):
    """A preventive-maintenance plan (8.2.2 "定期对设备进行检查和维护保养"): every in-use item of a
    ``category`` in the subtree of ``org_unit``, or one ``equipment`` item; due every
    ``interval_days`` and/or every ``usage_interval`` units of the readings recorded as 使用记录
    entries; its steps are a kernel ``Checklist`` (``checklist_code``, versioned). A task is
    "due soon" ``lead_days`` before its due date and generated then."""

    name = models.CharField(_("计划名称"), max_length=120)
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("适用机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices,
                                blank=True)  # fmt: skip
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="maintenance_plans")  # fmt: skip
    interval_days = models.PositiveIntegerField(_("保养周期（天）"), null=True, blank=True)
    usage_interval = models.PositiveIntegerField(_("按使用量保养（每 N 个单位）"), null=True,
                                                 blank=True)  # fmt: skip
    usage_unit = models.CharField(_("使用量单位"), max_length=20, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("提前提醒天数"), default=7)
    checklist_code = models.SlugField(_("保养步骤清单编码"), max_length=60, unique=True)
    starts_on = models.DateField(_("开始日期"))
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.CharField(_("创建人"), max_length=150)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("org_unit__path", "name")
        verbose_name = _("保养计划")
        verbose_name_plural = _("保养计划")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(category="") & models.Q(equipment__isnull=False))
                | (~models.Q(category="") & models.Q(equipment__isnull=True)),
                name="facilities_plan_category_or_item",
            ),
            models.CheckConstraint(
                condition=models.Q(interval_days__isnull=False)
                | models.Q(usage_interval__isnull=False),
                name="facilities_plan_interval",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MaintenanceTask(CaseModel):
    """One due maintenance of one item under one plan: a case on the engine
    (``maintenance/workflow.py``, ADR 0032): 待保养 → 已完成 / 已取消, its internal-target clock due
    at the end of ``due_on`` and warning from ``warn_on``. Generated by the daily job (at most one
    open task per plan and item); completed with a result per checklist step, written as a 保养
    entry of the item's history; on time when done on or before ``due_on`` (8.2.2)."""

    plan = models.ForeignKey(MaintenancePlan, verbose_name=_("保养计划"),
                             on_delete=models.PROTECT, related_name="tasks")  # fmt: skip
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.CASCADE,
                                  related_name="maintenance_tasks")  # fmt: skip
    due_on = models.DateField(_("应保养日期"), db_index=True)
    warn_on = models.DateField(_("提醒日期"))  # due soon from this day (due_on − lead days)
    due_reading = models.DecimalField(_("应保养读数"), max_digits=14, decimal_places=1,
                                      null=True, blank=True)  # fmt: skip
    status = models.CharField(_("状态"), max_length=20, choices=TaskState.choices,
                              default=TaskState.PENDING)  # fmt: skip
    checklist = models.ForeignKey("core.Checklist", verbose_name=_("保养步骤清单版本"),
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    results = models.JSONField(_("步骤结果"), default=dict, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    completed_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    completed_by = models.CharField(_("保养人"), max_length=150, blank=True)
    on_time = models.BooleanField(_("按时完成"), null=True, blank=True)
    reading = models.DecimalField(_("保养时读数"), max_digits=14, decimal_places=1, null=True,
                                  blank=True)  # fmt: skip
    cost = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, null=True,
                               blank=True)  # fmt: skip
    notes = models.TextField(_("保养说明"), blank=True, max_length=2000)
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True)
    event = models.ForeignKey(EquipmentEvent, verbose_name=_("设备履历"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    scope_path: ClassVar[str] = "equipment__org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("due_on", "created_at")  # type: ignore[assignment]
        verbose_name = _("保养任务")
        verbose_name_plural = _("保养任务")
        constraints = [
            models.UniqueConstraint(fields=["plan", "equipment", "due_on"],
                                    name="facilities_task_unique_due"),
            models.UniqueConstraint(fields=["plan", "equipment"],
                                    condition=models.Q(status=TaskState.PENDING),
                                    name="facilities_task_one_open"),
        ]  # fmt: skip

    @property
    def state(self) -> str:
        """The case's ``status`` under the name the API and pages have always shown."""
        return self.status

    def get_state_display(self) -> str:
        return str(self.get_status_display())

    def __str__(self) -> str:
        return f"{self.plan} {self.due_on}"


# --- fault tickets (8.2.3; issue 19 §5) ----------------------------------------------------------


class Fault(CaseModel):
    """A fault ticket: a case on the engine (``faults/workflow.py``) with response and repair
    clocks chosen by its severity; its downtime is ``down_from`` … ``down_until`` (open while the
    equipment is down)."""

    status = models.CharField(_("状态"), max_length=20, choices=FaultStatus.choices)
    number = models.CharField(_("编号"), max_length=30, unique=True)
    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.PROTECT,
                                  related_name="faults")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("所在机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices)
    severity = models.CharField(_("严重程度"), max_length=10, choices=FaultSeverity.choices)
    title = models.CharField(_("故障现象"), max_length=200)
    description = models.TextField(_("故障描述"), blank=True, max_length=2000)
    source = models.CharField(_("来源"), max_length=12, choices=FaultSource.choices)
    alarm_id = models.CharField(_("告警编号"), max_length=80, null=True, blank=True, unique=True)
    reported_at = models.DateTimeField(_("报告时间"), db_index=True)
    reported_by = models.CharField(_("报告人"), max_length=150)
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    down_from = models.DateTimeField(_("停机开始"), db_index=True)
    down_until = models.DateTimeField(_("恢复时间"), null=True, blank=True, db_index=True)
    cause = models.CharField(_("故障原因"), max_length=12, choices=FaultCause.choices, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True, max_length=2000)
    repaired_at = models.DateTimeField(_("修复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-reported_at",)
        verbose_name = _("设备故障单")
        verbose_name_plural = _("设备故障单")

    def __str__(self) -> str:
        return self.number


# --- operators (8.2.6) and renewal plans (8.3.6; issue 19 §7–§8) ---------------------------------


class OperatorRequirement(BaseModel):
    """Equipment of a category — or one item, which then overrides its category — must be run by
    someone holding ``qualification`` (a code of the people chapter, read through
    ``hiqc.core.qualifications``; ADR 0020). Head-office data, edited by holders of
    ``facilities.manage`` over the whole tree (a category) or over the item's unit (an item)."""

    category = models.CharField(_("设备类别"), max_length=20, choices=EquipmentCategory.choices,
                                blank=True)  # fmt: skip
    equipment = models.OneToOneField(Equipment, verbose_name=_("设备"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")  # fmt: skip
    qualification = models.CharField(_("操作人员须持有的资格"), max_length=30)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.CharField(_("设定人"), max_length=150)

    unscoped: ClassVar[str | None] = (
        "head-office rules by equipment category (an item's own rule is read through its door)"
    )

    class Meta:
        ordering = ("category", "created_at")
        verbose_name = _("设备操作资格要求")
        verbose_name_plural = _("设备操作资格要求")
        constraints = [
            models.UniqueConstraint(fields=["category"], condition=models.Q(equipment=None),
                                    name="facilities_operator_requirement_category"),
            models.CheckConstraint(
                condition=(models.Q(equipment=None) & ~models.Q(category=""))
                | (~models.Q(equipment=None) & models.Q(category="")),
                name="facilities_operator_requirement_one_subject"),
        ]  # fmt: skip


class EquipmentOperator(BaseModel):
    """A person assigned to operate a piece of equipment (8.2.6), and since when."""

    equipment = models.ForeignKey(Equipment, verbose_name=_("设备"), on_delete=models.CASCADE,
                                  related_name="operators")  # fmt: skip
    user = models.ForeignKey("organisations.User", verbose_name=_("操作人员"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    assigned_on = models.DateField(_("指定日期"))
    assigned_by = models.CharField(_("指定人"), max_length=150)

    scope_path: ClassVar[str] = "equipment__org_unit__path"

    class Meta:
        ordering = ("equipment", "assigned_on", "created_at")
        verbose_name = _("设备操作人员")
        verbose_name_plural = _("设备操作人员")
        constraints = [models.UniqueConstraint(fields=["equipment", "user"],
                                               name="facilities_operator_unique")]  # fmt: skip


class RenewalPlan(CaseModel):
    """A planned replacement (8.3.6): items of one unit, a budget year, why, the estimated cost,
    a status on the engine (``renewal_workflow.py``, ADR 0032: planned → approved → done;
    dropped), who approved it; once done, the replacement item (optional) and whether the old
    items were disposed of."""

    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("所属机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    items = models.ManyToManyField(Equipment, verbose_name=_("更新设备"), related_name="+")
    budget_year = models.PositiveSmallIntegerField(_("预算年度"))
    reason = models.CharField(_("更新原因"), max_length=20, choices=RenewalReason.choices)
    estimated_cost = models.DecimalField(_("预计金额（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=20, choices=RenewalState.choices,
                              default=RenewalState.PLANNED)  # fmt: skip
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    planned_by = models.CharField(_("计划人"), max_length=150)
    approved_by = models.CharField(_("批准人"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    replacement = models.ForeignKey(Equipment, verbose_name=_("替换设备"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        ordering = ("-budget_year", "org_unit__path", "-created_at")  # type: ignore[assignment]
        verbose_name = _("设备更新计划")
        verbose_name_plural = _("设备更新计划")

    def __str__(self) -> str:
        return f"{self.budget_year} {self.get_reason_display()}"

    @property
    def state(self) -> str:
        """The case's ``status`` under the name the API and pages have always shown."""
        return self.status

    def get_state_display(self) -> str:
        return str(self.get_status_display())
