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
    # claims (issue 5, standard ch. 5)
    "policies.view": _("查看产品与保单"),
    "policies.manage": _("维护产品目录、导入保单"),
    "claims.view": _("查看理赔案件"),
    "claims.handle": _("受理、审核资料、核定与支付理赔"),
    "claims.override": _("一次性告知的例外补充请求审批、复核自动核定"),
    "claims.audit": _("理赔质量抽检（准确性审计）"),
    "findings.view": _("查看合规事项"),
    # satisfaction surveys (issue 6, standard 4.3)
    "surveys.view": _("查看满意度调查结果"),
    "surveys.manage": _("制定调查方案、维护问卷"),
    "surveys.interview": _("电话访问并录入答卷"),
    "surveys.shop": _("神秘客户走访与评分"),
    # quality monitoring and improvement (issue 7, standard 10.2, 2.3.1)
    "quality.nc.view": _("查看不符合项"),
    "quality.nc.handle": _("分析、整改与关闭本机构的不符合项"),
    "quality.nc.open": _("登记与撤销不符合项（监督检查、审计、客户反馈等）"),
    "quality.targets.manage": _("设定指标目标与预警值"),
}

# One row per role; columns line up so the matrix reads as a table.
(V, M, CV, CE, CR, AV, RV, RM, CAL, PM, IV,
 SV, SH, SC, KV, KI, PV, PR, PH, PA, PX, QV, QI, QC, QD,
 YV, YM, LV, LH, LO, LA, FV, UV, UM, UI, US, NV, NH, NO, TM) = PERMISSIONS.keys()  # fmt: skip

# fmt: off
ROLE_MATRIX: dict[str, set[str]] = {
    #                              org   customers   aud rules   cal  pro ind consult     calls   complaints          inspection      policie claims          fin surveys
    Role.QUALITY_LEAD:            {V,    CV,         AV, RV,          PM, IV, SV,     SC, KV, KI, PV,         PA, PX, QV, QI, QC,     YV, YM, LV,         LA, FV, UV, UM, UI, US, NV, NH, NO, TM},
    Role.BRANCH_MANAGER:          {V,    CV, CE,         RV,              IV, SV,         KV,     PV, PR, PH,         QV,             YV,     LV,     LO,     FV, UV, NV, NH},
    Role.CONSULTATION_AGENT:      {      CV, CE, CR,                          SV, SH,             PV, PR,                         QD, YV,     LV, UI},
    Role.COMPLAINT_HANDLER:       {      CV, CE, CR,                          SV, SH,             PV, PR, PH,                     QD, YV,     LV},
    Role.CLAIMS_HANDLER:          {      CV, CE, CR,                                                                                  YV,     LV, LH},
    Role.CLAIMS_REVIEWER:         {      CV,     CR,                                                                                  YV,     LV, LH, LO, LA, UV},
    Role.CALL_CENTRE_SUPERVISOR:  {V,    CV,                              IV, SV, SH,     KV, KI, PV,                 QV, QI,         YV,     LV, UV, UI, NV, NH},
    Role.COMPLIANCE_OFFICER:      {V,    CV,         AV, RV,              IV, SV,         KV,     PV,         PA, PX, QV,             YV,     LV,             FV, UV, NV, NO},
    Role.RISK_MANAGER:            {V,                    RV,              IV,             KV,     PV,                                 YV,     LV,             FV, NV},
    Role.TRAINER:                 {V,                                                                                 QV},
    Role.FACILITY_ADMIN:          {V},
    Role.AUDITOR:                 {V,    CV,         AV, RV,              IV, SV,         KV,     PV,                 QV,             YV,     LV,             FV, UV, NV},
    Role.SYSTEM_ADMIN:            {V, M,                 RV, RM, CAL,                                                                     YM},
}
# fmt: on
