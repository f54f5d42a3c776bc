"""Each app's manifest is what the platform reads (issue 15 §5): the kernel names no domain app.

* The role → permission sets, pinned as they were before the positional matrix became per-app
  declarations by role name: the refactor changes nothing for any role.
* URLs, API routers, periodic jobs, home counts and menu entries come from the manifests.
* No module of ``hiqc/core`` (tests and migrations aside) names a domain app in code or in a
  string (docstrings and comments are prose and may use the words); the check fails on a plant.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from hiqc.core import access
from hiqc.core.manifest import Manifest, api_routers, home_counts, manifests, url_includes

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "hiqc" / "core"

# --- pinned before the role matrix was split (hiqc/organisations/roles.py, positional) ---------

ROLE_PERMISSIONS_BEFORE = {
    "auditor": {
        "audit.view",
        "calls.view",
        "claims.view",
        "complaints.view",
        "consultations.view",
        "customers.view",
        "findings.view",
        "indicators.view",
        "org.view",
        "policies.view",
        "qa.view",
        "quality.nc.view",
        "rules.view",
        "surveys.view",
    },
    "branch_manager": {
        "calls.view",
        "claims.override",
        "claims.view",
        "complaints.handle",
        "complaints.register",
        "complaints.view",
        "consultations.view",
        "customers.edit",
        "customers.view",
        "findings.view",
        "indicators.view",
        "org.view",
        "policies.view",
        "qa.view",
        "quality.nc.handle",
        "quality.nc.view",
        "rules.view",
        "surveys.view",
    },
    "call_centre_supervisor": {
        "calls.import",
        "calls.view",
        "claims.view",
        "complaints.view",
        "consultations.handle",
        "consultations.view",
        "customers.view",
        "indicators.view",
        "org.view",
        "policies.view",
        "qa.inspect",
        "qa.view",
        "quality.nc.handle",
        "quality.nc.view",
        "surveys.interview",
        "surveys.view",
    },
    "claims_handler": {
        "claims.handle",
        "claims.view",
        "customers.edit",
        "customers.reveal",
        "customers.view",
        "policies.view",
    },
    "claims_reviewer": {
        "claims.audit",
        "claims.handle",
        "claims.override",
        "claims.view",
        "customers.reveal",
        "customers.view",
        "policies.view",
        "surveys.view",
    },
    "complaint_handler": {
        "claims.view",
        "complaints.handle",
        "complaints.register",
        "complaints.view",
        "consultations.handle",
        "consultations.view",
        "customers.edit",
        "customers.reveal",
        "customers.view",
        "policies.view",
        "qa.dispute",
    },
    "compliance_officer": {
        "audit.view",
        "calls.view",
        "claims.view",
        "complaints.approve",
        "complaints.report",
        "complaints.view",
        "consultations.view",
        "customers.view",
        "findings.view",
        "indicators.view",
        "org.view",
        "policies.view",
        "qa.view",
        "quality.nc.open",
        "quality.nc.view",
        "rules.view",
        "surveys.view",
    },
    "consultation_agent": {
        "claims.view",
        "complaints.register",
        "complaints.view",
        "consultations.handle",
        "consultations.view",
        "customers.edit",
        "customers.reveal",
        "customers.view",
        "policies.view",
        "qa.dispute",
        "surveys.interview",
    },
    "facility_admin": {"org.view"},
    "quality_lead": {
        "audit.view",
        "calls.import",
        "calls.view",
        "claims.audit",
        "claims.view",
        "complaints.approve",
        "complaints.report",
        "complaints.view",
        "consultations.configure",
        "consultations.view",
        "customers.view",
        "findings.view",
        "indicators.view",
        "org.view",
        "policies.manage",
        "policies.view",
        "process.manage",
        "qa.configure",
        "qa.inspect",
        "qa.view",
        "quality.nc.handle",
        "quality.nc.open",
        "quality.nc.view",
        "quality.targets.manage",
        "rules.view",
        "surveys.interview",
        "surveys.manage",
        "surveys.shop",
        "surveys.view",
    },
    "risk_manager": {
        "calls.view",
        "claims.view",
        "complaints.view",
        "findings.view",
        "indicators.view",
        "org.view",
        "policies.view",
        "quality.nc.view",
        "rules.view",
    },
    "system_admin": {
        "calendar.manage",
        "org.manage",
        "org.view",
        "policies.manage",
        "rules.manage",
        "rules.view",
    },
    "trainer": {"org.view", "qa.view"},
}
PERMISSION_LABELS_BEFORE = {
    "audit.view": "查看审计日志与敏感信息查看记录",
    "calendar.manage": "维护节假日日历（加载或更正年度安排）",
    "calls.import": "导入话务数据",
    "calls.view": "查看话务数据与呼叫中心看板",
    "claims.audit": "理赔质量抽检（准确性审计）",
    "claims.handle": "受理、审核资料、核定与支付理赔",
    "claims.override": "一次性告知的例外补充请求审批、复核自动核定",
    "claims.view": "查看理赔案件",
    "complaints.approve": "批准投诉再次延期（总公司高级管理人员，CP-3）与复核",
    "complaints.handle": "承办投诉（调查、延期、中止、作出处理决定）",
    "complaints.register": "登记投诉",
    "complaints.report": "导出监管投诉统计、维护业务规模数据",
    "complaints.view": "查看投诉",
    "consultations.configure": "维护咨询主题分类",
    "consultations.handle": "登记、答复与办结咨询",
    "consultations.view": "查看咨询记录",
    "customers.edit": "登记与修改客户",
    "customers.reveal": "查看客户敏感信息明文（需说明用途，留痕）",
    "customers.view": "查看客户（脱敏）",
    "findings.view": "查看合规事项",
    "indicators.view": "查看质量指标",
    "org.manage": "管理机构、用户、角色授权与令牌",
    "org.view": "查看机构、部门与人员",
    "policies.manage": "维护产品目录、导入保单",
    "policies.view": "查看产品与保单",
    "process.manage": "发布流程版本（步骤责任角色、内部时限、预警比例）",
    "qa.configure": "维护质检评分表",
    "qa.dispute": "对本人的质检评分提出申诉",
    "qa.inspect": "质检抽样与评分、裁决申诉",
    "qa.view": "查看质检结果",
    "quality.nc.handle": "分析、整改与关闭本机构的不符合项",
    "quality.nc.open": "登记与撤销不符合项（监督检查、审计、客户反馈等）",
    "quality.nc.view": "查看不符合项",
    "quality.targets.manage": "设定指标目标与预警值",
    "rules.manage": "调整规则参数（仅可收紧法定限值）",
    "rules.view": "查看规则参数及其来源",
    "surveys.interview": "电话访问并录入答卷",
    "surveys.manage": "制定调查方案、维护问卷",
    "surveys.shop": "神秘客户走访与评分",
    "surveys.view": "查看满意度调查结果",
}


# --- what apps added after the manifests (each app's manifest; the pins above stay history) ---

PROCESS_VIEWERS = (
    "quality_lead", "branch_manager", "call_centre_supervisor", "compliance_officer",
    "risk_manager", "auditor",
)  # fmt: skip
ROLE_PERMISSIONS_ADDED = {role: {"processes.view"} for role in PROCESS_VIEWERS}  # chapter 2
PERMISSION_LABELS_ADDED = {"processes.view": "查看流程分析（流程挖掘、瓶颈与符合性）"}
# supervision (issue 16 §6): plans, visits and findings; findings answered by the owning unit
SUPERVISORS = ("quality_lead", "compliance_officer", "branch_manager")
FINDING_HANDLERS = ("branch_manager", "call_centre_supervisor")
for _role in SUPERVISORS:
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED[_role] | {"processes.supervise"}
for _role in FINDING_HANDLERS:
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED[_role] | {"processes.findings.handle"}
PERMISSION_LABELS_ADDED |= {
    "processes.supervise": "流程监督（制定监督计划、录入监督检查、登记与验证监督发现）",
    "processes.findings.handle": "答复本机构的监督发现",
}
# chapter 3 (issue 17): the product manager role, product design and the catalogue it maintains
ROLE_PERMISSIONS_BEFORE["product_manager"] = set()
ROLE_PERMISSIONS_ADDED["product_manager"] = {
    "org.view", "rules.view", "indicators.view", "policies.view", "policies.manage",
    "products.view",
}  # fmt: skip
for _role in ("quality_lead", "compliance_officer", "risk_manager", "auditor"):
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | {"products.view"}
PERMISSION_LABELS_ADDED |= {"products.view": "查看产品研发、适应性评价与产品监测"}
# R&D projects (issue 17 §2): who develops, who signs the risk and compliance gates, who launches
ROLE_PERMISSIONS_ADDED["product_manager"] |= {"products.develop", "products.launch"}
ROLE_PERMISSIONS_ADDED["quality_lead"] |= {"products.launch"}
ROLE_PERMISSIONS_ADDED["risk_manager"] |= {"products.signoff.risk"}
ROLE_PERMISSIONS_ADDED["compliance_officer"] |= {"products.signoff.compliance"}
PERMISSION_LABELS_ADDED |= {
    "products.develop": "产品研发（立项、录入各阶段资料，签批需求分析、产品设计、产品测试）",
    "products.signoff.risk": "签批产品研发的风险评估阶段",
    "products.signoff.compliance": "产品合规审查（答复审查清单并签批合规审查阶段）",
    "products.launch": "批准产品上线（发布产品版本）",
}
# issue 17 §4: organising adaptability evaluations and being named an expert in one; a branch
# manager reads the product figures of their subtree and may be an expert
for _role in ("quality_lead", "product_manager"):
    ROLE_PERMISSIONS_ADDED[_role] |= {"products.evaluate", "products.evaluation.score"}
for _role in ("compliance_officer", "risk_manager"):
    ROLE_PERMISSIONS_ADDED[_role] |= {"products.evaluation.score"}
ROLE_PERMISSIONS_ADDED["branch_manager"] = ROLE_PERMISSIONS_ADDED.get("branch_manager", set()) | {
    "products.view", "products.evaluation.score"}  # fmt: skip
PERMISSION_LABELS_ADDED |= {
    "products.evaluate": "组织产品适应性评价",
    "products.evaluation.score": "担任产品适应性评价专家",
}
# chapter 7 (issue 18 §1–§3): training, exams and the certificates that gate the work
_PEOPLE = {
    "trainer": {"training.view", "training.manage", "exams.manage", "certificates.view",
                "certificates.manage"},
    "quality_lead": {"training.view", "training.manage", "exams.manage", "certificates.view",
                     "certificates.manage"},
    "branch_manager": {"training.view", "certificates.view"},
    "call_centre_supervisor": {"training.view", "certificates.view"},
    "auditor": {"training.view", "certificates.view"},
    **{r: {"exams.take"} for r in ("consultation_agent", "complaint_handler", "claims_handler",
                                   "claims_reviewer")},
}  # fmt: skip
for _role, _perms in _PEOPLE.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "training.view": "查看培训计划、课程、场次与出勤",
    "training.manage": "制定培训计划、课程与场次，登记报名与出勤，上传培训资料",
    "exams.take": "参加在线考试",
    "exams.manage": "维护题库、设置考试、人工评阅简答题",
    "certificates.view": "查看资格证书",
    "certificates.manage": "登记资格证书",
}
# issue 18 follow-ups: staff enrol themselves; supervisors reassign a lapsed holder's open cases
for _role in ("consultation_agent", "complaint_handler", "claims_handler", "claims_reviewer"):
    ROLE_PERMISSIONS_ADDED[_role] |= {"training.attend"}
for _role in ("quality_lead", "branch_manager", "call_centre_supervisor"):
    ROLE_PERMISSIONS_ADDED[_role] |= {"certificates.reassign"}
PERMISSION_LABELS_ADDED |= {
    "training.attend": "报名或取消参加本机构的培训场次",
    "certificates.reassign": "将资格失效人员的在办案件改派他人",
}
# chapter 8 (issue 19 §1–§3): the outlet register, inspections, rectifications, equipment files
_FACILITIES = {
    "facility_admin": {"facilities.view", "facilities.manage", "facilities.inspect",
                       "facilities.rectify"},
    "branch_manager": {"facilities.view", "facilities.inspect", "facilities.rectify",
                       "facilities.renewal_approve"},  # issue 19 §8: approve renewal plans
    "quality_lead": {"facilities.view", "facilities.inspect", "facilities.checklists"},
    "auditor": {"facilities.view"},
}  # fmt: skip
for _role, _perms in _FACILITIES.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "facilities.view": "查看网点设施档案、设施环境检查、整改任务与设备档案",
    "facilities.manage": "维护网点设施档案与设备档案（含导入、设备履历）",
    "facilities.inspect": "安排并实施设施环境检查，验证整改结果",
    "facilities.rectify": "登记设施整改措施",
    "facilities.checklists": "编辑并发布网点设施检查清单",
    "facilities.renewal_approve": "批准或退回设备更新计划",
}
# chapter 8 (issue 19 §4): preventive maintenance — the facility administrator records it
ROLE_PERMISSIONS_ADDED["facility_admin"] |= {"facilities.maintain"}
PERMISSION_LABELS_ADDED |= {"facilities.maintain": "登记设备保养（完成保养任务）"}
# chapter 8 (issue 19 §5): fault tickets
ROLE_PERMISSIONS_ADDED["facility_admin"] |= {"facilities.fault_report", "facilities.fault_repair"}
ROLE_PERMISSIONS_ADDED["branch_manager"] |= {"facilities.fault_report"}
ROLE_PERMISSIONS_ADDED["call_centre_supervisor"] |= {"facilities.view", "facilities.fault_report"}
PERMISSION_LABELS_ADDED |= {
    "facilities.fault_report": "报告设备故障，确认修复或退回维修",
    "facilities.fault_repair": "响应设备故障并登记修复",
}
# chapter 9.3 (issue 20 §6; ADR 0025): emergency plans, drills and incidents
_EMERGENCY_ALL = {"emergency.view", "emergency.manage", "emergency.drill", "emergency.incident"}
_EMERGENCY = {
    "risk_manager": _EMERGENCY_ALL,
    "compliance_officer": _EMERGENCY_ALL,
    "system_admin": {"emergency.view", "emergency.incident"},
    "branch_manager": {"emergency.view", "emergency.drill", "emergency.incident"},
    "quality_lead": {"emergency.view", "emergency.drill"},
    "auditor": {"emergency.view"},
}
for _role, _perms in _EMERGENCY.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "emergency.view": "查看应急预案、应急演练与突发事件",
    "emergency.manage": "制定、修订并批准应急预案",
    "emergency.drill": "安排并登记应急演练及演练后评估",
    "emergency.incident": "报告并处置突发事件（含信息安全事件）",
}
# chapter 6 (issue 21 §4–§5; ADR 0026): access recertification, dormant accounts, reveal
# anomalies, security roles, the yearly self-evaluation and its remediation
_INFORMATION = {
    "compliance_officer": {"information.view", "information.recertify", "information.security"},
    "quality_lead": {"information.view", "information.recertify"},
    "branch_manager": {"information.view", "information.recertify", "information.remediate"},
    "system_admin": {"information.view", "information.remediate"},
    "auditor": {"information.view"},
}  # fmt: skip
for _role, _perms in _INFORMATION.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "information.view": "查看权限复核、长期未登录账号、安全职责与信息安全自评估",
    "information.recertify": "复核本机构人员的角色授权（确认或撤销）",
    "information.security": "信息安全负责人：指定安全职责人，组织信息安全自评估并验证整改",
    "information.remediate": "登记信息安全整改措施",
}
# chapter 6 (issue 21 §7–§8; ADR 0030): data sharing and exchange, impact assessments
_SHARING = {
    "compliance_officer": {"information.share_request", "information.share_compliance"},
    "quality_lead": {"information.share_request", "information.share_approve"},
    "branch_manager": {"information.share_request", "information.share_approve"},
}
for _role, _perms in _SHARING.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "information.share_request": "申请数据共享、按脱敏规则导出并登记发送，登记数据接收",
    "information.share_approve": "数据负责人：审批数据共享申请",
    "information.share_compliance": "合规负责人：登记共享对象与协议、影响评估，审批涉及敏感个人信息的共享",
}
# chapter 7 (issue 18 §4–§5; ADR 0021): assessment cycles, appeals and incentives
_ASSESSMENT_MANAGERS = {"assessments.view", "assessments.manage", "assessments.appeal_decide",
                        "assessments.incentives"}  # fmt: skip
for _role, _perms in {"quality_lead": _ASSESSMENT_MANAGERS, "branch_manager": _ASSESSMENT_MANAGERS,
                      "call_centre_supervisor": {"assessments.view"},
                      "auditor": {"assessments.view"}}.items():  # fmt: skip
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "assessments.view": "查看考核周期与考核结果（含业绩依据）",
    "assessments.manage": "制定与公布考核方案、指定 360 度评价人、计算与确定考核结果",
    "assessments.appeal_decide": "处理考核结果申诉（不得处理本人或本人计算的结果）",
    "assessments.incentives": "登记荣誉与奖励",
}
# issue 18 §6: promotion with public notice — every role reads its unit's notices (and may
# nominate itself and object); the branch manager and the quality lead recommend, evaluate and
# decide; the call-centre supervisor recommends; the trainer evaluates; the auditor reads
from hiqc.organisations.enums import Role as _Role  # noqa: E402

_STAFF = {"promotions.notice", "promotions.take_part"}
_PROMOTION = {
    **{r: _STAFF for r in _Role.values},
    "branch_manager": _STAFF | {"promotions.view", "promotions.nominate", "promotions.evaluate",
                                "promotions.decide"},
    "quality_lead": _STAFF | {"promotions.view", "promotions.nominate", "promotions.evaluate",
                              "promotions.decide"},
    "call_centre_supervisor": _STAFF | {"promotions.view", "promotions.nominate"},
    "trainer": _STAFF | {"promotions.view", "promotions.evaluate"},
    "auditor": {"promotions.notice", "promotions.view"},  # read-only
}  # fmt: skip
for _role, _perms in _PROMOTION.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "promotions.view": "查看晋升办理情况",
    "promotions.nominate": "推荐晋升人选（部门推荐）",
    "promotions.evaluate": "晋升综合评估",
    "promotions.decide": "发布晋升公示、答复异议、决定任命",
    "promotions.notice": "查看本机构晋升公示",
    "promotions.take_part": "员工自荐晋升，对本机构晋升公示提出异议",
}

# issue 21 §1–§2 (ADR 0027): the personal-data inventory, retention reports and legal holds
for _role, _perms in {"compliance_officer": {"privacy.view", "privacy.hold"},
                      "quality_lead": {"privacy.view"}, "auditor": {"privacy.view"},
                      "system_admin": {"privacy.view"}}.items():  # fmt: skip
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "privacy.view": "查看个人信息清单、保存期限报告与法律保全",
    "privacy.hold": "设置与解除法律保全",
}


# chapter 9 (issue 20 §1, §2, §7 part; ADR 0024): the obligations register and controls tested on
# live data — the compliance officer keeps it, runs the controls and attests; the quality lead and
# the branch manager read and attest for their units; the risk manager and the auditor read
_COMPLIANCE = {
    "compliance_officer": {"compliance.view", "compliance.manage", "compliance.attest"},
    "quality_lead": {"compliance.view", "compliance.attest"},
    "branch_manager": {"compliance.view", "compliance.attest"},
    "risk_manager": {"compliance.view"},
    "auditor": {"compliance.view"},
}
# the risk register (issue 20 §4–§5; ADR 0028): kept by the compliance officer and the risk
# manager; read with compliance.view
_COMPLIANCE["compliance_officer"] |= {"compliance.risk_manage"}
_COMPLIANCE["risk_manager"] |= {"compliance.risk_manage"}
for _role, _perms in _COMPLIANCE.items():
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | _perms
PERMISSION_LABELS_ADDED |= {
    "compliance.risk_manage": "维护风险登记簿：登记与评估风险、设置关键风险指标、办理风险应对计划",
    "compliance.view": "查看合规义务登记簿、控制措施及其检测结果、法规变化与影响评估",
    "compliance.manage": "维护合规登记簿：登记法规变化、办理影响评估、运行控制检测",
    "compliance.attest": "对人工控制措施作出定期声明并上传证据",
}

# the standard as data (issue 22 first slice; ADR 0034): the clause statuses are read by the quality
# lead, the auditor, the compliance officer and the branch manager (their own subtree)
for _role in ("quality_lead", "auditor", "compliance_officer", "branch_manager"):
    ROLE_PERMISSIONS_ADDED[_role] = ROLE_PERMISSIONS_ADDED.get(_role, set()) | {"conformance.view"}
PERMISSION_LABELS_ADDED["conformance.view"] = "查看标准条款、证据规则及各机构各期间的条款符合状态"
# self-assessment rounds (issue 22 §3; ADR 0035): the quality lead assesses and signs off; the
# branch manager assesses their own subtree (the sign-off stays with the quality lead)
ROLE_PERMISSIONS_ADDED["quality_lead"] |= {"conformance.assess", "conformance.sign_off"}
ROLE_PERMISSIONS_ADDED["branch_manager"] |= {"conformance.assess"}
PERMISSION_LABELS_ADDED["conformance.assess"] = "开展标准符合性自评估：开始、逐条评定、提交或撤销"
PERMISSION_LABELS_ADDED["conformance.sign_off"] = "签署或退回他人提交的标准符合性自评估"


def test_every_role_holds_exactly_the_permissions_it_held_before_the_manifests():
    assert {r: set(access.role_permissions(r)) for r in access.role_codes()} == {
        role: perms | ROLE_PERMISSIONS_ADDED.get(role, set())
        for role, perms in ROLE_PERMISSIONS_BEFORE.items()
    }


def test_every_permission_is_declared_once_with_the_description_it_had():
    assert {k: str(v) for k, v in access._PERMISSIONS.items()} == {
        **PERMISSION_LABELS_BEFORE,
        **PERMISSION_LABELS_ADDED,
    }
    declared = [code for _label, m in manifests() for code in m.permissions]
    assert len(declared) == len(set(declared)), "a permission declared by two apps"


def test_a_manifest_gives_roles_by_name_and_only_known_roles():
    from hiqc.organisations.enums import Role

    known = set(Role.values)
    for label, manifest in manifests():
        assert set(map(str, manifest.roles)) <= known, label
        for role, codes in manifest.roles.items():
            assert isinstance(codes, tuple) and codes, (label, role)


# --- what the platform reads from the manifests ------------------------------------------------


def _installed_hiqc_apps() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("hiqc.")]


def test_manifests_are_read_in_installed_apps_order():
    order = _installed_hiqc_apps()
    labels = [label for label, _m in manifests()]
    assert labels == [label for label in order if label in labels]
    assert all(isinstance(m, Manifest) for _l, m in manifests())


def test_every_app_url_module_is_included_under_its_prefix_with_its_namespace():
    includes = url_includes()
    assert ("claims/", "hiqc.claims.urls") in includes
    assert ("s/", "hiqc.surveys.public_urls") in includes
    assert ("online-claims/", "hiqc.claims.online.urls") in includes
    assert reverse("claims:list") == "/claims/"
    assert reverse("quality:overview").startswith("/quality/")
    assert reverse("organisations:users") == "/organisations/users/"


def test_api_routers_come_from_the_manifests_kernel_first():
    routers = api_routers()
    assert routers[0] == "hiqc.core.api.router"
    assert routers[1] == "hiqc.organisations.api.router"
    assert len(routers) == len(set(routers))
    from config.api import api

    mounted = [router for _prefix, router in api._routers]
    from django.utils.module_loading import import_string

    for path in routers:
        assert import_string(path) in mounted, path


def test_the_schedule_is_the_kernels_jobs_then_each_apps():
    from hiqc.core.schedule import KERNEL_SCHEDULE, SCHEDULE, TASKS

    assert all(p.name.startswith("core.") for p in KERNEL_SCHEDULE)
    from_apps = [p.name for _l, m in manifests() for p in m.periodic]
    assert {"surveys.invitations_daily", "quality.nonconformities_detect"} <= set(from_apps)
    assert [p.name for p in SCHEDULE] == [p.name for p in KERNEL_SCHEDULE] + from_apps
    assert set(TASKS) == {p.name for p in SCHEDULE}


def test_the_operations_page_lists_the_apps_jobs():
    from hiqc.core.schedule import job_labels

    labels = job_labels()
    assert str(labels["surveys.invitations_daily"]) == "满意度调查邀请"
    assert str(labels["quality.nonconformities_detect"]) == "指标不合格项识别"


def test_the_call_centre_rules_are_the_call_centres():
    from hiqc.core.rules import RULES

    assert RULES["callcentre.answer_threshold_s"].default == 20
    assert RULES["callcentre.service_level_target"].bound == "floor"
    assert "callcentre." not in (CORE / "rules.py").read_text(encoding="utf-8")


def test_home_counts_come_from_the_manifests():
    from django.urls import reverse

    assert ("customers.Customer", "customers.view") in [(c.model, c.perm) for c in home_counts()]
    for c in home_counts():
        apps.get_model(c.model)
        assert c.perm in access._PERMISSIONS, c
        reverse(c.url_name)  # the tile links to a page that exists
        assert str(c.title)


def test_the_home_page_shows_each_tile_the_reader_may_see_linked_to_its_list(personas):
    """The kernel's home template names no app: titles and links come from the manifests."""
    from django.test import Client

    client = Client()
    client.force_login(personas["quality_lead"])
    html = client.get("/").content.decode()
    assert '<a href="/customers/">范围内客户</a>' in html
    assert '<a href="/audit/">审计记录</a>' in html


def test_every_menu_entry_names_a_known_section_and_an_existing_page():
    from hiqc.core.navigation import SECTIONS

    keys = {k for k, _t in SECTIONS}
    for label, manifest in manifests():
        for link in manifest.nav:
            assert link.section in keys, (label, link)
            reverse(link.url_name)
            assert link.perm is None or link.perm in access._PERMISSIONS, (label, link)


def test_an_app_may_declare_a_navigation_section_of_its_own(monkeypatch):
    from hiqc.core import navigation

    monkeypatch.setattr(navigation, "SECTIONS", list(navigation.SECTIONS))
    navigation.register_section("ch9x", "第9章（补）", before="ch10")
    keys = [k for k, _t in navigation.SECTIONS]
    assert keys.index("ch9x") == keys.index("ch10") - 1
    with pytest.raises(ValueError, match="declared twice"):
        navigation.register_section("ch9x", "again")


# --- the kernel names no domain app ------------------------------------------------------------


def _domain_labels() -> list[str]:
    """Every installed app of hiqc but the kernel and the org tree (the platform under the kernel's
    Actor: the kernel reaches its models by label)."""
    return [label for label in _installed_hiqc_apps() if label not in {"core", "organisations"}]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _domain_names(source: str, labels: list[str]) -> list[tuple[int, str]]:
    """(line, text) of every name, import, attribute, keyword or string (docstrings aside) in
    ``source`` that names a domain app: the label as a whole token, e.g. ``"claims.view"``,
    ``hiqc.surveys.tasks``, ``"quality"`` (``quality_lead`` is a role, not an app)."""
    token = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, labels)) + r")(?![A-Za-z0-9_])"
    )
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        texts: list[str] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            texts = [node.value]
        elif isinstance(node, ast.Name):
            texts = [node.id]
        elif isinstance(node, ast.Attribute):
            texts = [node.attr]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            texts = [getattr(node, "module", None) or "", *(a.name for a in node.names)]
        elif isinstance(node, ast.keyword | ast.arg) and node.arg:
            texts = [node.arg]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            texts = [node.name]
        found += [(node.lineno, t) for t in texts if token.search(t)]
    return found


def _kernel_modules() -> list[Path]:
    return sorted(
        p
        for p in CORE.rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(CORE).parts)
    )


def test_no_kernel_module_names_a_domain_app():
    labels = _domain_labels()
    assert {"claims", "surveys", "quality", "customers", "callcentre"} <= set(labels)
    offences = [
        f"{p.relative_to(ROOT)}:{line}: {text!r}"
        for p in _kernel_modules()
        for line, text in _domain_names(p.read_text(encoding="utf-8"), labels)
    ]
    assert not offences, "the kernel names a domain app:\n" + "\n".join(offences)


PLANTS = [
    'JOB = "hiqc.surveys.tasks.invitations_daily_job"',
    'COUNT = ("customers.Customer", "customers.view")',
    "from hiqc.claims import services",
    "import hiqc.quality.models",
    'SECTION = "quality"',
    "def f(callcentre):\n    return 1",
    'x = apps.get_model("complaints", "Complaint")',
    "y = hiqc.inspection",
]
INNOCENT = '''"""Docstrings may say claims, surveys and quality: they are prose."""
# comments too: customers, complaints
OWNER = "quality_lead"
ROLE = "claims_handler"
MESSAGE = "理赔"
'''


@pytest.mark.parametrize("plant", PLANTS)
def test_the_check_fails_on_a_planted_domain_name(plant):
    labels = _domain_labels()
    assert _domain_names(INNOCENT + plant + "\n", labels), plant
    assert not _domain_names(INNOCENT, labels)
