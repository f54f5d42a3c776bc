"""The register as shipped (issue 20 §1; 9.1.2(2), 9.1.3): the laws and rules of
``domain/regulations.md`` with their citations and confidence, the obligations named by their rule
ids (CL-2, CP-8 …) and the controls HIQC tests. Pure data; ``register_seed`` writes it through the
models it is given (the data migration's historical ones, or the live ones), adding what is
missing and never changing what an officer has edited since (idempotent)."""

from __future__ import annotations

from datetime import date
from typing import Any

REGS = "domain/regulations.md"

LAWS: tuple[tuple[str, str, str, str, date | None, str], ...] = (
    # code, name, issuer, citation, effective on, confidence
    ("insurance-law", "中华人民共和国保险法", "全国人民代表大会常务委员会", "2015年修正",
     date(2015, 4, 24), "A"),
    ("spc-insurance-2", "最高人民法院关于适用《中华人民共和国保险法》若干问题的解释（二）",
     "最高人民法院", "2020年修正", date(2021, 1, 1), "A"),
    ("complaint-measures", "银行业保险业消费投诉处理管理办法", "中国银行保险监督管理委员会",
     "银保监会令2020年第3号", date(2020, 3, 1), "B"),
    ("pipl", "中华人民共和国个人信息保护法", "全国人民代表大会常务委员会", "2021年",
     date(2021, 11, 1), "A"),
    ("cybersecurity-law", "中华人民共和国网络安全法", "全国人民代表大会常务委员会", "2016年",
     date(2017, 6, 1), "A"),
    ("health-insurance-measures", "健康保险管理办法", "中国银行保险监督管理委员会",
     "银保监会令2019年第3号", date(2019, 12, 1), "C"),
    ("life-service-rules", "人身保险业务基本服务规定", "中国保险监督管理委员会", "2010年",
     date(2010, 5, 1), "C"),
    # the service standard HIQC implements binds the insurer too: breaches of its clauses found by
    # audits, mystery shopping and process supervision reach an obligation and a control
    ("hi-service-standard", "健康保险服务质量控制标准", "本公司采用的行业服务质量控制标准",
     "standard/standard.zh.md", None, "A"),
)  # fmt: skip

OBLIGATIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # code (the rule id), law, article, domain, clauses, text
    ("CL-1", "insurance-law", "第22条第2款", "claims", "5.1.1",
     "资料不完整的，一次性通知投保人、被保险人或受益人补充提供全部资料。"),
    ("CL-2", "insurance-law", "第23条第1款", "claims", "5.1.1",
     "收到索赔请求后及时核定；情形复杂的，应当在30日内作出核定。"),
    ("CL-3", "spc-insurance-2", "第15条", "claims", "5.1.1",
     "投保人补充提供资料的期间不计入30日核定期间。"),
    ("CL-5", "insurance-law", "第23条第1款", "claims", "5.1.1",
     "与被保险人或受益人达成赔付协议后10日内履行赔付义务。"),
    ("CL-6", "insurance-law", "第24条", "claims", "5.1.1",
     "不属于保险责任的，自作出核定之日起3日内发出拒赔通知书并说明理由。"),
    ("CL-7", "insurance-law", "第25条", "claims", "5.1.1",
     "60日内不能确定赔付金额的，先予支付可以确定的数额。"),
    ("CL-8", "insurance-law", "第23条第2款、第116条第5项", "claims", "5.1.1, 9.1.2",
     "未及时履行赔付义务的，赔偿被保险人或受益人的损失；拒不依法履行赔付义务构成违规。"),
    ("CL-9", "insurance-law", "第87条", "claims", "6.2.3",
     "保单及理赔档案保存期限自保险合同终止之日起不少于5年（保险期间1年以下）或10年。"),
    ("CP-1", "complaint-measures", "处理时限条款", "complaints", "4.2.3",
     "收到投诉之日起15日内作出处理决定并告知投诉人。"),
    ("CP-2", "complaint-measures", "处理时限条款", "complaints", "4.2.3",
     "情况复杂的可延长至30日，并告知投诉人延长的理由。"),
    ("CP-6", "complaint-measures", "核实条款", "complaints", "4.2.3",
     "投诉由与投诉事项无直接利害关系的人员核实处理。"),
    ("CP-8", "complaint-measures", "核查条款", "complaints", "4.2.3",
     "投诉人对处理决定有异议的，可自决定作出之日起30日内向上级机构申请核查；决定书应告知该途径。"),
    ("CP-13", "complaint-measures", "核查条款", "complaints", "4.2.3",
     "上级机构收到核查申请之日起30日内作出核查意见并告知投诉人。"),
    ("PI-1", "pipl", "第28、29条", "privacy", "6.2.3",
     "医疗健康和金融账户信息属于敏感个人信息，须特定目的、严格保护并取得单独同意。"),
    ("PI-4", "pipl", "第51条", "privacy", "6.2.3",
     "采取加密、去标识化、合理操作权限、定期培训和安全事件应急预案等措施。"),
    ("PI-6", "pipl", "第57条", "privacy", "6.2.1, 6.2.3",
     "发生个人信息泄露的，立即采取补救措施并通知履行个人信息保护职责的部门和个人。"),
    ("PI-8", "cybersecurity-law", "第21条", "privacy", "6.2.3",
     "留存网络日志不少于六个月，防止审计记录被删除或篡改。"),
    ("PR-3", "health-insurance-measures", "人员管理条款", "people", "4.1.2, 4.2.2, 5.3.3, 7.1",
     "核保、理赔和销售人员接受健康保险专业培训，经考核合格上岗。"),
    ("CC-1", "life-service-rules", "第5条", "callcentre", "4.1.1",
     "提供24小时电话服务，工作日人工服务时间不少于8小时。"),
    # obligations of the standard itself, coded by their clause (the rule of the findings they
    # explain: claims-audit errors, mystery-shopping failures, out-of-design process events)
    ("2.3.1", "hi-service-standard", "2.3.1", "general", "2.3.1",
     "建立服务流程监督机制，采取现场监督、远程监控、客户反馈等方式，发现的问题及时反馈并推动解决。"),
    ("4.3.1", "hi-service-standard", "4.3.1", "general", "4.3.1",
     "制定并执行客户满意度调查方案（含神秘客户等调查方法），对调查发现的问题跟进整改。"),
    ("5.1.2(3)", "hi-service-standard", "5.1.2(3)", "claims", "5.1.2(3)",
     "加强理赔审核环节，保证理赔准确性，避免误赔、漏赔。"),
)  # fmt: skip

CONTROLS: tuple[dict[str, Any], ...] = (
    {"code": "CTL-CL2-DECIDE", "obligation": "CL-2", "kind": "automatic", "owner_role":
     "claims_reviewer", "frequency": "monthly", "check_code": "claims.decided_in_time",
     "finding_kinds": ["claims.decide.breach"],
     "name": "理赔在30日内核定（扣除补充材料期间）",
     "description": "每月以引擎的核定时限记录检测：本月受理的理赔中，核定时限超时的即为不合规。"},
    {"code": "CTL-CL8-REVIEW", "obligation": "CL-8", "kind": "manual", "owner_role":
     "compliance_officer", "frequency": "quarterly", "check_code": "",
     "finding_kinds": ["claims.payment.breach", "claims.refusal_notice.breach"],
     "name": "理赔超时事项的追责复核",
     "description": "每季度复核理赔超时形成的合规事项已逐项处理，并声明复核结论（附复核记录）。"},
    {"code": "CTL-CP8-REMEDY", "obligation": "CP-8", "kind": "automatic", "owner_role":
     "branch_manager", "frequency": "monthly", "check_code": "complaints.decision_states_remedy",
     "finding_kinds": [],
     "name": "投诉处理决定书载明救济途径",
     "description": "每月检测本月作出的投诉处理决定均出具了载明申请核查途径的决定书。"},
    {"code": "CTL-PR3-QUALIFIED", "obligation": "PR-3", "kind": "automatic", "owner_role":
     "trainer", "frequency": "monthly", "check_code": "people.qualified_assignee",
     "finding_kinds": [],
     "name": "不向未取得资格的人员分派案件",
     "description": "每月检测本月的案件分派：承办人在分派当日持有该类案件要求的有效资格证书。"},
    {"code": "CTL-PI8-LOGS", "obligation": "PI-8", "kind": "manual", "owner_role":
     "system_admin", "frequency": "quarterly", "check_code": "", "finding_kinds": [],
     "name": "审计日志留存与防篡改检查",
     "description": "每季度核对审计日志留存不少于184日且哈希链校验通过，附校验结果截图。"},
    {"code": "CTL-PI4-TRAINING", "obligation": "PI-4", "kind": "manual", "owner_role":
     "compliance_officer", "frequency": "yearly", "check_code": "", "finding_kinds": [],
     "name": "个人信息保护年度培训",
     "description": "每年组织接触个人信息的员工参加个人信息保护培训，附培训签到表。"},
    {"code": "CTL-PI4-COVERAGE", "obligation": "PI-4", "kind": "automatic", "owner_role":
     "compliance_officer", "frequency": "yearly", "check_code": "people.pi_training_coverage",
     "finding_kinds": [],
     "name": "个人信息保护培训覆盖（年末检测）",
     "description": "每年12月以培训记录检测：按岗位须参加个人信息保护培训的人员截至年末均已达到要求学时。"},
    {"code": "CTL-STD-PROCESS", "obligation": "2.3.1", "kind": "manual", "owner_role":
     "quality_lead", "frequency": "monthly", "check_code": "",
     "finding_kinds": ["process.out_of_design"],
     "name": "流程偏离事项的反馈与处理",
     "description": "每月复核流程监督发现的偏离设计事项已反馈责任部门并处理，声明复核结论（附处理记录）。"},
    {"code": "CTL-STD-MYSTERY", "obligation": "4.3.1", "kind": "manual", "owner_role":
     "quality_lead", "frequency": "monthly", "check_code": "",
     "finding_kinds": ["surveys.mystery.below_pass", "surveys.mystery.fatal"],
     "name": "神秘客户不达标事项跟进",
     "description": "每月复核神秘客户检查不达标与致命项已逐项整改，声明复核结论（附整改记录）。"},
    {"code": "CTL-STD-CLAIMAUDIT", "obligation": "5.1.2(3)", "kind": "manual", "owner_role":
     "quality_lead", "frequency": "monthly", "check_code": "",
     "finding_kinds": ["claims.audit_error"],
     "name": "理赔质量抽检差错整改复核",
     "description": "每月复核理赔质量抽检发现的差错已更正并分析原因，声明复核结论（附抽检与更正记录）。"},
)  # fmt: skip


def register_seed(*, Law: Any, Obligation: Any, Control: Any) -> dict[str, int]:
    """Add the shipped laws, obligations and controls that are missing (by code)."""
    added = {"laws": 0, "obligations": 0, "controls": 0}
    laws = {}
    for code, name, issuer, citation, effective, confidence in LAWS:
        law, created = Law.objects.get_or_create(code=code, defaults={
            "name": name, "issuer": issuer, "citation": citation, "effective_on": effective,
            "source": REGS, "confidence": confidence})  # fmt: skip
        laws[code], added["laws"] = law, added["laws"] + created
    obligations = {}
    for code, law, article, domain, clauses, text in OBLIGATIONS:
        ob, created = Obligation.objects.get_or_create(code=code, defaults={
            "law": laws[law], "article": article, "domain": domain, "clauses": clauses,
            "text": text, "rule_id": code})  # fmt: skip
        obligations[code], added["obligations"] = ob, added["obligations"] + created
    for spec in CONTROLS:
        values = {k: v for k, v in spec.items() if k not in ("code", "obligation")}
        _c, created = Control.objects.get_or_create(
            code=spec["code"], defaults={**values, "obligation": obligations[spec["obligation"]]}
        )
        added["controls"] += created
    return added
