"""The emergency app's code lists and permissions (standard 9.3, 6.2.1(3), 6.2.3(2); issue 20 §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scenario(models.TextChoices):
    """What a plan prepares for and what an incident is (issue 20 §6)."""

    INFOSEC = "infosec", _("信息安全事件/数据泄露")  # 6.2.1(3), 6.2.3(2); PIPL art. 57
    CORE_SYSTEM = "core_system", _("核心系统中断")
    TELEPHONY = "telephony", _("电话系统中断")
    CLAIMS_SURGE = "claims_surge", _("灾后理赔激增")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")
    EVACUATION = "evacuation", _("网点疏散")


class Severity(models.TextChoices):
    """Incident severity (HIQC design scale; the four grades of Chinese emergency practice)."""

    LOW = "low", _("一般（IV级）")
    MEDIUM = "medium", _("较大（III级）")
    HIGH = "high", _("重大（II级）")
    CRITICAL = "critical", _("特别重大（I级）")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("已报告")
    HANDLING = "handling", _("处置中")
    CONTAINED = "contained", _("已控制")
    CLOSED = "closed", _("已关闭")
    WITHDRAWN = "withdrawn", _("误报撤销")


# permissions (declared in the app's manifest)
VIEW = "emergency.view"  # plans, drills, incidents in scope
MANAGE = "emergency.manage"  # write and approve emergency plans
DRILL = "emergency.drill"  # schedule and record drills, after-action reviews
INCIDENT = "emergency.incident"  # report and work incidents
