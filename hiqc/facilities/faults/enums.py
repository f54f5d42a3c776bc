"""The fault tickets' code lists (standard 8.2.3; issue 19 §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FaultSeverity(models.TextChoices):
    """How badly the fault hurts the service; it chooses the response and repair targets."""

    CRITICAL = "critical", _("紧急")  # the service stopped (e.g. the outlet's phones are down)
    MAJOR = "major", _("严重")  # the service degraded (one of two queue machines down)
    MINOR = "minor", _("一般")  # an inconvenience (a printer at one window)


class FaultStatus(models.TextChoices):
    REPORTED = "reported", _("已报告")
    IN_PROGRESS = "in_progress", _("已响应处理中")
    REPAIRED = "repaired", _("已修复待确认")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已撤销")


class FaultCause(models.TextChoices):
    """Why it failed (recorded with the repair): what the renewal plans and the supplier reviews
    count."""

    HARDWARE = "hardware", _("硬件损坏")
    SOFTWARE = "software", _("软件或系统故障")
    NETWORK = "network", _("网络或线路故障")
    POWER = "power", _("供电故障")
    WEAR = "wear", _("老化损耗")
    MISUSE = "misuse", _("使用不当")
    SUPPLIER = "supplier", _("供应商或运营商原因")
    UNKNOWN = "unknown", _("原因不明")


class FaultSource(models.TextChoices):
    PAGE = "page", _("页面报告")
    API = "api", _("接口报告")
    MONITORING = "monitoring", _("监控告警导入")


OPEN_STATES = (FaultStatus.REPORTED, FaultStatus.IN_PROGRESS, FaultStatus.REPAIRED)

# permissions (declared in the app's manifest)
FAULT_REPORT = "facilities.fault_report"  # report a fault, confirm its repair or send it back
FAULT_REPAIR = "facilities.fault_repair"  # respond to a fault and record its repair
# assigning a repairer, cancelling a ticket and importing monitoring alarms: facilities.manage
