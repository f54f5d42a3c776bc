"""The facilities app's code lists (standard chapter 8; issue 19 §1–§3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The areas of an outlet (8.1.2) and what concerns the whole outlet (8.1.7, 8.3.4)."""

    RECEPTION = "reception", _("客户接待区")
    BUSINESS = "business", _("业务办理区")
    REST = "rest", _("休息区")
    CONSULTATION = "consultation", _("咨询区")
    GENERAL = "general", _("无障碍与整体环境")


class InspectionKind(models.TextChoices):
    FACILITY = "facility", _("服务设施检查")  # 8.1
    ENVIRONMENT = "environment", _("服务环境整治检查")  # 8.3.4


class EquipmentCategory(models.TextChoices):
    """What a piece of equipment is (8.2.4)."""

    TELEPHONY = "telephony", _("电话与呼叫系统")
    QUEUE = "queue", _("排队叫号机")
    SELF_SERVICE = "self_service", _("自助服务终端")
    PC = "pc", _("电脑")
    PRINTER = "printer", _("打印机/复印机")
    WATER = "water", _("饮水设备")
    ACCESSIBILITY = "accessibility", _("无障碍设备")
    OTHER = "other", _("其他设备")


class EquipmentState(models.TextChoices):
    """Where a piece of equipment is in its life; written only by its history events."""

    IN_USE = "in_use", _("在用")
    IDLE = "idle", _("闲置")
    UNDER_REPAIR = "under_repair", _("维修中")
    DISPOSED = "disposed", _("已报废")


class EventKind(models.TextChoices):
    """One entry of an equipment file (8.2.4: purchase, use, repair; disposal). ``maintenance``
    and ``fault`` are the hooks the maintenance plans and fault tickets (issue 19 §4–§5) write."""

    ACQUIRED = "acquired", _("采购入账")
    COMMISSIONED = "commissioned", _("启用")
    USE = "use", _("使用记录")
    CHECK = "check", _("检查")
    MAINTENANCE = "maintenance", _("保养")
    FAULT = "fault", _("故障")
    REPAIR = "repair", _("维修")
    REPAIRED = "repaired", _("修复投用")
    IDLE = "idle", _("停用闲置")
    RELOCATED = "relocated", _("调拨")
    DISPOSED = "disposed", _("报废")


# The state an event leaves the equipment in (None: unchanged).
STATE_AFTER: dict[str, str | None] = {
    EventKind.ACQUIRED: EquipmentState.IDLE,
    EventKind.COMMISSIONED: EquipmentState.IN_USE,
    EventKind.USE: None,
    EventKind.CHECK: None,
    EventKind.MAINTENANCE: None,
    EventKind.FAULT: EquipmentState.UNDER_REPAIR,
    EventKind.REPAIR: EquipmentState.UNDER_REPAIR,
    EventKind.REPAIRED: EquipmentState.IN_USE,
    EventKind.IDLE: EquipmentState.IDLE,
    EventKind.RELOCATED: None,
    EventKind.DISPOSED: EquipmentState.DISPOSED,
}


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    DONE = "done", _("已整改待验证")
    CLOSED = "closed", _("已验证关闭")
    CANCELLED = "cancelled", _("已撤销")


# permissions (declared in the app's manifest)
VIEW = "facilities.view"
MANAGE = "facilities.manage"  # the outlet register and the equipment files
INSPECT = "facilities.inspect"  # plan and perform inspections, verify rectifications
RECTIFY = "facilities.rectify"  # record the correction of a failed item
CHECKLISTS = "facilities.checklists"  # edit and publish the outlet checklist (head office)

OUTLET_CHECKLIST = "facilities-outlet"  # the seeded checklist's code
CHECKLIST_PURPOSE = "facilities.outlet"


# --- operators (8.2.6) and renewal plans (8.3.6; issue 19 §7–§8) ---------------------------------


class RenewalReason(models.TextChoices):
    """Why a piece of equipment is to be replaced (8.3.6 "及时更新")."""

    AGE = "age", _("超过使用年限")
    FAULTS = "faults", _("故障频发")
    OBSOLETE = "obsolete", _("技术淘汰")
    DAMAGE = "damage", _("损坏无法修复")
    OTHER = "other", _("其他")


class RenewalState(models.TextChoices):
    """A renewal plan's state: a planning record, moved by ``renewal_plan_update`` (no clock)."""

    PLANNED = "planned", _("计划中")
    APPROVED = "approved", _("已批准")
    DONE = "done", _("已完成")
    DROPPED = "dropped", _("已取消")


# state → the states a plan may move to
RENEWAL_MOVES: dict[str, tuple[str, ...]] = {
    RenewalState.PLANNED: (RenewalState.APPROVED, RenewalState.DROPPED),
    RenewalState.APPROVED: (RenewalState.DONE, RenewalState.DROPPED, RenewalState.PLANNED),
    RenewalState.DONE: (),
    RenewalState.DROPPED: (),
}
OPEN_RENEWAL = (RenewalState.PLANNED, RenewalState.APPROVED)

RENEWAL_APPROVE = "facilities.renewal_approve"  # approve (or send back) a renewal plan
