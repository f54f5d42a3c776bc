"""The roles and the platform's own permissions (issue 2 §3; issue 15 §5).

A membership grants one role over an org subtree; a role's permissions are what it may do inside
that subtree. The roles themselves are ``enums.Role``. Each app declares its own permissions, and
which roles hold them, by role name in its manifest (``AppConfig.manifest``, ``hiqc.core.manifest``);
this module declares the platform's: the org tree, audit, rules, the calendar, process versions,
indicators and findings (the kernel's pages), for the organisations manifest.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .enums import Role

PERMISSIONS = {
    "org.view": _("查看机构、部门与人员"),
    "org.manage": _("管理机构、用户、角色授权与令牌"),
    "audit.view": _("查看审计日志与敏感信息查看记录"),
    "rules.view": _("查看规则参数及其来源"),
    "rules.manage": _("调整规则参数（仅可收紧法定限值）"),
    "calendar.manage": _("维护节假日日历（加载或更正年度安排）"),
    "process.manage": _("发布流程版本（步骤责任角色、内部时限、预警比例）"),
    "indicators.view": _("查看质量指标"),
    "findings.view": _("查看合规事项"),
    "privacy.view": _("查看个人信息清单、保存期限报告与法律保全"),
    "privacy.hold": _("设置与解除法律保全"),
}

# role → the platform permissions it holds (each app's manifest adds its own, by role name)
ROLES: dict[str, tuple[str, ...]] = {
    Role.QUALITY_LEAD: (
        "org.view",
        "audit.view",
        "rules.view",
        "process.manage",
        "indicators.view",
        "findings.view",
        "privacy.view",
    ),
    Role.BRANCH_MANAGER: ("org.view", "rules.view", "indicators.view", "findings.view"),
    Role.CALL_CENTRE_SUPERVISOR: ("org.view", "indicators.view"),
    Role.COMPLIANCE_OFFICER: (
        "org.view",
        "audit.view",
        "rules.view",
        "indicators.view",
        "findings.view",
        "privacy.view",
        "privacy.hold",
    ),
    Role.RISK_MANAGER: ("org.view", "rules.view", "indicators.view", "findings.view"),
    Role.PRODUCT_MANAGER: ("org.view", "rules.view", "indicators.view"),
    Role.TRAINER: ("org.view",),
    Role.FACILITY_ADMIN: ("org.view",),
    Role.AUDITOR: (
        "org.view",
        "audit.view",
        "rules.view",
        "indicators.view",
        "findings.view",
        "privacy.view",
    ),
    Role.SYSTEM_ADMIN: (
        "org.view",
        "org.manage",
        "rules.view",
        "rules.manage",
        "calendar.manage",
        "privacy.view",
    ),
}
