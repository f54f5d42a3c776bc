"""The information app's code lists and permissions (standard chapter 6; issue 21 §4, §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.organisations.enums import OrgLevel


class RecertificationStatus(models.TextChoices):
    OPEN = "open", _("待复核")
    COMPLETED = "completed", _("已完成")


class LineDecision(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("确认保留")
    REVOKED = "revoked", _("撤销")


class SecurityRole(models.TextChoices):
    """Security responsibilities of an org unit (6.2.1(1))."""

    SECURITY_LEAD = "security_lead", _("信息安全负责人")
    DATA_PROTECTION = "data_protection", _("数据保护负责人")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_AUDITOR = "security_auditor", _("安全审计员")


# Which roles each level of the tree must have a holder for (6.2.1(1): responsibilities assigned
# to named people; HIQC design default (P): the head office all four, a province its security
# lead and its data-protection lead; city units and outlets are covered by their province).
REQUIRED_ROLES: dict[int, tuple[str, ...]] = {
    OrgLevel.HEAD_OFFICE: tuple(SecurityRole.values),
    OrgLevel.PROVINCE: (SecurityRole.SECURITY_LEAD, SecurityRole.DATA_PROTECTION),
}


class RemediationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    DONE = "done", _("已整改待验证")
    CLOSED = "closed", _("已验证关闭")
    CANCELLED = "cancelled", _("已撤销")


class AnomalyKind(models.TextChoices):
    RATE = "rate", _("高于本人日常查看量")
    OFF_HOURS = "off_hours", _("非工作时间查看")
    BURST = "burst", _("短时间内查看大量客户")


# permissions (declared in the app's manifest)
VIEW = "information.view"  # the access-governance pages: rounds, dormant accounts, roles
RECERTIFY = "information.recertify"  # confirm or revoke the roles held in a unit (6.2.3(4))
SECURITY = "information.security"  # the security officer: roles, evaluations, verification
REMEDIATE = "information.remediate"  # record the remediation of a failed evaluation item
# The reveal anomaly report summarises the audit log: whoever may read the log reads the report
# (the security officer — the compliance officer —, the quality lead, the auditor).
AUDIT_VIEW = "audit.view"

CHECKLIST_CODE = "information-security"  # the seeded self-evaluation checklist's code
CHECKLIST_PURPOSE = "information.security"
