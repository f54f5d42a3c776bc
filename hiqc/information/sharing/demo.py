"""The sharing demo (issue 21 §10): at the head office, the regulator's agreement over the
quarterly complaint statistics with last quarter's share exported and sent, a TPA partner's
agreement over the complaint cases with masking (a concluded PIA attached, sensitive: two
approvals) and its share exported, one share pending approval, an incoming exchange and a PIA of
a processing activity; in Beijing the branch's own regulator agreement with its exported share,
a pending one, a PIA and an incoming exchange (the branch objects the door matrix aims at).
Dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.models import CaseEvent
from hiqc.core.personaldata import Basis
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .enums import AssessmentTarget, Conclusion, Frequency, Method, PartnerKind
from .models import Partner
from .services import (
    SCHEDULER,
    agreement_activate,
    agreement_create,
    assessment_record,
    incoming_record,
    partner_create,
    share_act,
    share_request,
)

KEEP_ALL = {c: Method.KEEP for c in ("period", "unit", "received", "decided", "on_time",
                                     "per_100m_premium", "per_10k_policies", "per_10k_insured")}  # fmt: skip
TPA_PROFILE = {
    "reference": Method.KEEP, "unit": Method.KEEP, "received_on": Method.KEEP,
    "name": Method.MASK, "mobile": Method.MASK, "id_number": Method.HASH,
    "birth_date": Method.YEAR, "dispute_type": Method.KEEP, "product_line": Method.KEEP,
}  # fmt: skip


def _last_quarter(day: Any) -> str:
    q = (day.month - 1) // 3 + 1
    return f"{day.year}Q{q - 1}" if q > 1 else f"{day.year - 1}Q4"


def _quarter_before(period: str) -> str:
    year, q = int(period[:4]), int(period[-1])
    return f"{year}Q{q - 1}" if q > 1 else f"{year - 1}Q4"


def _step(actor: Any, share: Any, action: str, at: datetime, **data: str) -> Any:
    share.refresh_from_db()
    return share_act(actor=actor, case_id=share.pk, action=action, data=data,
                     version=share.version, at=at)  # fmt: skip


def _pia(compliance: Any, at: datetime, **data: Any) -> None:
    assessment_record(actor=compliance, at=at, data={
        "purpose_lawful": "处理目的明确、与履行监管报送及服务合作直接相关，方式合法、正当，限于最小必要字段。",
        "rights_impact": "涉及客户身份与联系方式，泄露可能导致骚扰或诈骗；证件号码为敏感个人信息。",
        "measures": "姓名、手机号脱敏，证件号码按协议加盐哈希，出生日期仅保留年份；传输加密、接收方限期删除。",
        "conclusion": Conclusion.ACCEPTABLE, **data})  # fmt: skip


def demo_load(*, org_units: Mapping[str, OrgUnit], users: Mapping[str, User]
              ) -> dict[str, int]:  # fmt: skip
    units = sorted(org_units.values(), key=lambda u: u.path)
    head = next((u for u in units if u.level == OrgLevel.HEAD_OFFICE), None)
    compliance_user, lead_user = users.get("compliance"), users.get("quality_lead")
    manager_user = users.get("branch_manager_bj")
    if head is None or compliance_user is None or lead_user is None:
        return {}
    if Partner.objects.filter(org_unit=head).exists():
        return {}
    compliance, lead = actor_for_user(compliance_user), actor_for_user(lead_user)
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    since = today - timedelta(days=400)
    until = years_after(today, 3)
    period = _last_quarter(today)
    counts = {"partners": 0, "agreements": 0, "shares": 0, "incoming": 0, "assessments": 0}
    with transaction.atomic():
        regulator = partner_create(actor=compliance, data={
            "org_unit": head.pk, "name": "国家金融监督管理总局", "kind": PartnerKind.REGULATOR,
            "description": "监管统计报送"})  # fmt: skip
        tpa = partner_create(actor=compliance, data={
            "org_unit": head.pk, "name": "康源健康管理有限公司", "kind": PartnerKind.BUSINESS,
            "description": "第三方健康管理与理赔服务合作方（TPA）"})  # fmt: skip
        platform = partner_create(actor=compliance, data={
            "org_unit": head.pk, "name": "中国保险行业协会信息共享平台",
            "kind": PartnerKind.INDUSTRY, "description": "行业信息共享"})  # fmt: skip
        counts["partners"] += 3
        a1 = agreement_create(actor=compliance, at=now - timedelta(days=60), data={
            "partner": regulator.pk, "title": "季度投诉统计监管报送", "dataset": "complaints.quarter_stats",
            "purpose": "按监管要求报送季度投诉统计（亿元保费、万张保单、万人次投诉量）。",
            "legal_basis": Basis.LEGAL_DUTY, "frequency": Frequency.QUARTERLY,
            "effective_on": since, "expires_on": until, "profile": KEEP_ALL})  # fmt: skip
        agreement_activate(actor=compliance, agreement_id=a1.pk, at=now - timedelta(days=60))
        a2 = agreement_create(actor=compliance, at=now - timedelta(days=50), data={
            "partner": tpa.pk, "title": "投诉客户回访合作", "dataset": "complaints.cases",
            "purpose": "由合作方对投诉客户进行健康管理服务回访，评估服务改进效果。",
            "legal_basis": Basis.CONTRACT, "frequency": Frequency.QUARTERLY,
            "effective_on": since, "expires_on": until, "profile": TPA_PROFILE})  # fmt: skip
        _pia(compliance, now - timedelta(days=49), target=AssessmentTarget.AGREEMENT,
             agreement=a2.pk, title="投诉客户明细向健康管理合作方提供的影响评估")  # fmt: skip
        agreement_activate(actor=compliance, agreement_id=a2.pk, at=now - timedelta(days=48))
        _pia(
            compliance,
            now - timedelta(days=90),
            target=AssessmentTarget.ACTIVITY,
            org_unit=head.pk,
            activity="customers.Customer",
            title="客户信息处理活动影响评估",
        )
        counts["agreements"] += 2
        counts["assessments"] += 2
        at = now - timedelta(days=6)
        s1 = share_request(actor=compliance, at=at, data={"agreement": a1.pk,
                                                         "params": {"period": period}})  # fmt: skip
        _step(lead, s1, "approve", at + timedelta(hours=2))
        _step(compliance, s1, "export", at + timedelta(hours=3))
        _step(compliance, s1, "send", at + timedelta(hours=4), channel="监管统计报送系统")
        # the TPA's quarterly list is requested by the schedule (SCHEDULER), so the owner and
        # the compliance officer approve someone else's request (three people for sensitive data)
        s2 = share_request(actor=Actor.system(SCHEDULER), at=at, source=CaseEvent.Source.SYSTEM, data={
            "agreement": a2.pk, "params": {"period": period},
            "note": "按协议频率（每季度）自动申请"})  # fmt: skip
        _step(lead, s2, "approve_owner", at + timedelta(hours=5))
        _step(compliance, s2, "approve_compliance", at + timedelta(days=1))
        _step(compliance, s2, "export", at + timedelta(days=1, hours=1))
        share_request(actor=compliance, at=now - timedelta(hours=3), data={
            "agreement": a1.pk, "params": {"period": _quarter_before(period)},
            "note": "补报上上季度统计"})  # fmt: skip
        counts["shares"] += 3
        incoming_record(actor=compliance, at=now - timedelta(days=20), data={
            "partner": platform.pk, "description": "行业反保险欺诈风险名单（季度更新）",
            "legal_basis": Basis.LEGAL_DUTY, "row_count": 1250,
            "received_at": (now - timedelta(days=20)).isoformat()})  # fmt: skip
        counts["incoming"] += 1
    province = manager_user.org_unit if manager_user is not None else None  # Beijing
    if province is not None and manager_user is not None and province.level == OrgLevel.PROVINCE:
        _branch(province, compliance, lead, actor_for_user(manager_user), now, since, until,
                period, counts)  # fmt: skip
    return {k: v for k, v in counts.items() if v}


def _branch(unit: OrgUnit, compliance: Any, lead: Any, manager: Any, now: datetime, since: Any,
            until: Any, period: str, counts: dict[str, int]) -> None:  # fmt: skip
    with transaction.atomic():
        regulator = partner_create(actor=compliance, data={
            "org_unit": unit.pk, "name": "国家金融监督管理总局北京监管局",
            "kind": PartnerKind.REGULATOR, "description": "辖区监管统计报送"})  # fmt: skip
        association = partner_create(actor=compliance, data={
            "org_unit": unit.pk, "name": "北京保险行业协会", "kind": PartnerKind.INDUSTRY,
            "description": "辖区行业调解与信息交流"})  # fmt: skip
        counts["partners"] += 2
        a = agreement_create(actor=compliance, at=now - timedelta(days=40), data={
            "partner": regulator.pk, "title": "北京辖区季度投诉统计报送",
            "dataset": "complaints.quarter_stats",
            "purpose": "按派出机构要求报送辖区季度投诉统计。", "legal_basis": Basis.LEGAL_DUTY,
            "frequency": Frequency.QUARTERLY, "effective_on": since, "expires_on": until,
            "profile": KEEP_ALL})  # fmt: skip
        agreement_activate(actor=compliance, agreement_id=a.pk, at=now - timedelta(days=40))
        counts["agreements"] += 1
        _pia(compliance, now - timedelta(days=41), target=AssessmentTarget.AGREEMENT,
             agreement=a.pk, title="北京辖区投诉统计报送影响评估")  # fmt: skip
        counts["assessments"] += 1
        at = now - timedelta(days=4)
        s = share_request(actor=manager, at=at, data={"agreement": a.pk,
                                                     "params": {"period": period}})  # fmt: skip
        _step(lead, s, "approve", at + timedelta(hours=1))
        _step(manager, s, "export", at + timedelta(hours=2))
        share_request(actor=manager, at=now - timedelta(hours=2), data={
            "agreement": a.pk, "params": {"period": _quarter_before(period)}})  # fmt: skip
        counts["shares"] += 2
        incoming_record(actor=manager, at=now - timedelta(days=9), data={
            "partner": association.pk, "description": "调解委员会转来的投诉调解结果",
            "legal_basis": Basis.LEGAL_DUTY, "row_count": 12,
            "received_at": (now - timedelta(days=9)).isoformat()})  # fmt: skip
        counts["incoming"] += 1
