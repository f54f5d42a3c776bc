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
    # customer service (issue 4, standard 4.1–4.2)
    "consultations.view": _("查看咨询记录"),
    "consultations.handle": _("登记、答复与办结咨询"),
    "consultations.configure": _("维护咨询主题分类"),
    "calls.view": _("查看话务数据与呼叫中心看板"),
    "calls.import": _("导入话务数据"),
    "complaints.view": _("查看投诉"),
    "complaints.register": _("登记投诉"),
    "complaints.handle": _("承办投诉（调查、延期、中止、作出处理决定）"),
    "complaints.approve": _("批准投诉再次延期（总公司高级管理人员，CP-3）与复核"),
    "complaints.report": _("导出监管投诉统计、维护业务规模数据"),
    "qa.view": _("查看质检结果"),
    "qa.inspect": _("质检抽样与评分、裁决申诉"),
    "qa.configure": _("维护质检评分表"),
    "qa.dispute": _("对本人的质检评分提出申诉"),
}

# One row per role; columns line up so the matrix reads as a table.
(V, M, CV, CE, CR, AV, RV, RM, CAL, PM, IV,
 SV, SH, SC, KV, KI, PV, PR, PH, PA, PX, QV, QI, QC, QD) = PERMISSIONS.keys()  # fmt: skip

# fmt: off
ROLE_MATRIX: dict[str, set[str]] = {
    #                            org   customers   audit rules  cal proc ind | consult.   calls  | complaints          | quality inspection
    Role.QUALITY_LEAD:           {V,    CV,         AV,   RV,        PM,  IV,  SV,     SC, KV, KI, PV,         PA, PX, QV, QI, QC},
    Role.BRANCH_MANAGER:         {V,    CV, CE,           RV,             IV,  SV,         KV,     PV, PR, PH,         QV},
    Role.CONSULTATION_AGENT:     {      CV, CE, CR,                            SV, SH,         PV, PR,                         QD},
    Role.COMPLAINT_HANDLER:      {      CV, CE, CR,                            SV, SH,             PV, PR, PH,                     QD},
    Role.CLAIMS_HANDLER:         {      CV, CE, CR},
    Role.CLAIMS_REVIEWER:        {      CV,     CR},
    Role.CALL_CENTRE_SUPERVISOR: {V,    CV,                               IV,  SV, SH,     KV, KI, PV,                     QV, QI},
    Role.COMPLIANCE_OFFICER:     {V,    CV,         AV,   RV,             IV,  SV,         KV,     PV,         PA, PX, QV},
    Role.RISK_MANAGER:           {V,                      RV,             IV,              KV,     PV},
    Role.TRAINER:                {V,                                                                                       QV},
    Role.FACILITY_ADMIN:         {V},
    Role.AUDITOR:                {V,    CV,         AV,   RV,             IV,  SV,         KV,     PV,                     QV},
    Role.SYSTEM_ADMIN:           {V, M,                   RV, RM, CAL},
}
# fmt: on
