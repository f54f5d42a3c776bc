"""Roles declared in code as one readable matrix (issue 2 §3).

A membership grants one role over an org subtree; permissions below are what the role may do
inside that subtree. Later domains add their permissions here, in the same table.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .enums import Role

PERMISSIONS = {
    "org.view": _("查看机构、部门与人员"),
    "org.manage": _("管理机构、用户、角色授权与令牌"),
    "customers.view": _("查看客户（脱敏）"),
    "customers.edit": _("登记与修改客户"),
    "customers.reveal": _("查看客户敏感信息明文（需说明用途，留痕）"),
    "audit.view": _("查看审计日志与敏感信息查看记录"),
    "rules.view": _("查看规则参数及其来源"),
    "rules.manage": _("调整规则参数（仅可收紧法定限值）"),
    "calendar.manage": _("维护节假日日历（加载或更正年度安排）"),
    "process.manage": _("发布流程版本（步骤责任角色、内部时限、预警比例）"),
    "indicators.view": _("查看质量指标"),
}

# One row per role; columns line up so the matrix reads as a table.
V, M, CV, CE, CR, AV, RV, RM, CAL, PM, IV = PERMISSIONS.keys()

# fmt: off
ROLE_MATRIX: dict[str, set[str]] = {
    #                            org     customers     audit rules   calendar process indicators
    Role.QUALITY_LEAD:           {V,     CV,           AV,   RV,               PM,     IV},
    Role.BRANCH_MANAGER:         {V,     CV, CE,             RV,                       IV},
    Role.CONSULTATION_AGENT:     {       CV, CE, CR},
    Role.COMPLAINT_HANDLER:      {       CV, CE, CR},
    Role.CLAIMS_HANDLER:         {       CV, CE, CR},
    Role.CLAIMS_REVIEWER:        {       CV,     CR},
    Role.CALL_CENTRE_SUPERVISOR: {V,     CV,                                           IV},
    Role.COMPLIANCE_OFFICER:     {V,     CV,           AV,   RV,                       IV},
    Role.RISK_MANAGER:           {V,                         RV,                       IV},
    Role.TRAINER:                {V},
    Role.FACILITY_ADMIN:         {V},
    Role.AUDITOR:                {V,     CV,           AV,   RV,                       IV},
    Role.SYSTEM_ADMIN:           {V, M,                      RV, RM, CAL},
}
# fmt: on
