"""The risk register demo (issue 20 §8): forty risks across the six categories at head office and
the three branches, linked to the shipped controls (their residual follows the controls' tests on
the demo's own data), key risk indicators on engine indicators — the complaint rate, claims
decided on time, the call-centre service level, equipment availability — read at once (四川's
call-centre service level breaches its limit and raises its risk for review), and two treatment plans, one in
progress and one done. Dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.organisations.models import OrgUnit

from .enums import KriStatus
from .models import KeyRiskIndicator, Risk
from .services import kri_create, risk_create, treatment_act, treatment_open

UNITS = ("HO", "BJ", "GD", "SC")
# (category, title, cause, event, consequence, owner role, likelihood, impact, controls)
SPECS: tuple[tuple[str, str, str, str, str, str, int, int, tuple[str, ...]], ...] = (
    ("operational", "理赔核定超时", "资料审核人手不足、季末案件积压", "理赔在资料齐全后30日内未核定",
     "违反《保险法》第23条，引发投诉与监管处罚", "quality_lead", 4, 4, ("CTL-CL2-DECIDE",)),
    ("compliance", "投诉处理决定书未载明救济途径", "模板未更新、经办人员培训不足",
     "投诉处理决定书缺少核查申请途径与期限", "违反《银行保险机构消费者权益保护管理办法》，被监管通报",
     "compliance_officer", 3, 4, ("CTL-CP8-REMEDY",)),
    ("infosec", "客户个人信息泄露", "访问权限过宽、日志未定期复核", "客户健康信息被越权查询或导出",
     "违反《个人信息保护法》，须通知个人与监管部门，声誉受损", "compliance_officer", 2, 5,
     ("CTL-PI8-LOGS", "CTL-PI4-TRAINING")),
    ("reputational", "集中投诉与负面舆情", "理赔争议处理不当、回应迟缓", "客户在社交媒体集中发布负面评价",
     "品牌受损、新单下降", "quality_lead", 3, 4, ("CTL-CP8-REMEDY",)),
    ("operational", "呼叫中心接通率不足", "话务高峰排班不足", "服务水平低于目标、客户放弃排队",
     "客户满意度下降、投诉增加", "call_centre_supervisor", 3, 3, ()),
    ("operational", "营业网点设备故障", "设备老化、预防性保养不到位", "自助终端、排队叫号机长时间不可用",
     "客户等候时间延长、服务中断", "facility_admin", 3, 2, ()),
    ("compliance", "销售人员资质不符", "新入职人员未及时取得资格", "无资质人员向客户推介产品",
     "销售误导、监管处罚", "compliance_officer", 2, 4, ("CTL-PR3-QUALIFIED",)),
    ("market", "医疗费用通胀超出定价假设", "医疗服务价格上涨、新技术应用", "赔付率持续高于定价假设",
     "产品亏损、被迫调整费率", "product_manager", 3, 4, ()),
    ("credit", "再保险人信用恶化", "再保险人评级下调", "再保险摊回款项延迟或无法收回",
     "偿付能力下降", "risk_manager", 1, 4, ()),
    ("operational", "理赔复核流于形式", "复核人员工作量过大", "高额赔案复核未发现差错",
     "赔款差错与欺诈损失", "claims_reviewer", 2, 3, ("CTL-CL8-REVIEW",)),
)  # fmt: skip
# KRIs: (unit, spec title, indicator, warning, limit)
KRIS = (
    ("HO", "理赔核定超时", "claims.decided_on_time_rate", 0.95, 0.9),
    ("HO", "集中投诉与负面舆情", "complaints.per_10k_policies", 0.012, 0.02),
    ("HO", "呼叫中心接通率不足", "callcentre.service_level", 0.9, 0.8),
    # 四川's service level runs at about 96 % against 98 % elsewhere: this one breaches
    ("SC", "呼叫中心接通率不足", "callcentre.service_level", 0.98, 0.975),
    ("GD", "理赔核定超时", "claims.decided_on_time_rate", 0.98, 0.95),
    # read once the indicator job has computed availability (the demo stores none)
    ("BJ", "营业网点设备故障", "facilities.availability", 0.97, 0.9),
)
TREATED = ("SC", "理赔核定超时")
DONE = ("HO", "客户个人信息泄露")


def _shift(n: int, unit_index: int, spec_index: int) -> int:
    """A deterministic spread of the ratings over the units (1..5)."""
    return min(5, max(1, n + ((unit_index + spec_index) % 3) - 1))


def demo_load_risks(*, org_units: Mapping[str, OrgUnit], actor: Actor) -> dict[str, int]:
    if Risk.objects.exists():
        return {}
    units = [(i, code, org_units[code]) for i, code in enumerate(UNITS) if code in org_units]
    if not units:
        return {}
    now = timezone.now()
    made: dict[tuple[str, str], Risk] = {}
    with transaction.atomic():
        for i, code, unit in units:
            for j, (category, title, cause, event, consequence, role, lik, imp,
                    controls) in enumerate(SPECS):  # fmt: skip
                made[(code, title)] = risk_create(actor=actor, at=now - timedelta(days=120), data={
                    "org_unit": str(unit.pk), "category": category, "title": title,
                    "cause": cause, "event": event, "consequence": consequence,
                    "owner_role": role, "inherent_likelihood": _shift(lik, i, j),
                    "inherent_impact": imp, "controls": list(controls),
                    "qualitative": f"{unit.name}：{cause}，需持续关注。", "reason": "年度风险识别与评估",
                })  # fmt: skip
    kris = 0
    for code, title, indicator, warning, limit in KRIS:
        risk = made.get((code, title))
        if risk is not None:
            with transaction.atomic():
                kri_create(actor=actor, risk_id=risk.pk, at=now, data={
                    "indicator": indicator, "warning": warning, "limit": limit})  # fmt: skip
            kris += 1
    treatments = 0
    if TREATED in made:
        with transaction.atomic():
            case = treatment_open(actor=actor, risk_id=made[TREATED].pk, at=now - timedelta(days=20),
                                  data={"title": "理赔时效专项整改"})  # fmt: skip
            treatment_act(actor=actor, case_id=case.pk, action="start", at=now - timedelta(days=19),
                          data={"plan": "成都中心支公司增配资料审核岗，超10个工作日未核定案件每日督办。"})  # fmt: skip
            for title, owner, days, done in (("增配2名资料审核员", "四川分公司人事部", -5, True),
                                             ("超期案件每日督办清单", "四川分公司理赔部", 20, False)):  # fmt: skip
                treatment_act(actor=actor, case_id=case.pk, action="add_action",
                              at=now - timedelta(days=18), data={
                                  "title": title, "owner": owner,
                                  "due": (now + timedelta(days=days)).date().isoformat()})  # fmt: skip
                if done:
                    treatment_act(actor=actor, case_id=case.pk, action="complete_action",
                                  at=now - timedelta(days=6), data={"index": "1"})  # fmt: skip
        treatments += 1
    if DONE in made:
        with transaction.atomic():
            case = treatment_open(actor=actor, risk_id=made[DONE].pk, at=now - timedelta(days=90),
                                  data={"title": "个人信息访问权限收紧"})  # fmt: skip
            treatment_act(actor=actor, case_id=case.pk, action="start", at=now - timedelta(days=88),
                          data={"plan": "按最小必要原则复核健康信息访问权限，启用导出审批。"})  # fmt: skip
            treatment_act(actor=actor, case_id=case.pk, action="add_action",
                          at=now - timedelta(days=88), data={
                              "title": "健康信息访问权限复核", "owner": "信息技术部",
                              "due": (now - timedelta(days=60)).date().isoformat()})  # fmt: skip
            treatment_act(actor=actor, case_id=case.pk, action="complete_action",
                          at=now - timedelta(days=62), data={"index": "1"})  # fmt: skip
            treatment_act(actor=actor, case_id=case.pk, action="complete",
                          at=now - timedelta(days=60), data={
                              "outcome": "越权访问账号已清理，导出须经审批。"})  # fmt: skip
        treatments += 1
    breached = KeyRiskIndicator.objects.filter(state=KriStatus.BREACH).count()
    return {"risks": len(made), "kris": kris, "kri_breaches": breached,
            "risk_treatments": treatments}  # fmt: skip
