"""Information management's evidence for the standard (issue 22 §2; ADR 0034): 6.1.2 data received
from partners and public bodies registered with its source and lawful basis; 6.3 data shared or
exchanged only under an agreement in force, approved by the data owner and compliance; 6.2.2(3)
vulnerabilities checked and fixed (the security self-evaluation's item); 10.3.5 cooperation and
exchange: agreements in force carry real exchanges. Imported by ``InformationConfig.ready``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import (
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    ratio_evidence,
    record_evidence,
)


@evidence_rule(
    "information.incoming_registered", clauses=("6.1.2",), kind=RECORD,
    name=gettext_noop("外部来源数据均登记来源与合法性基础"),
    description=gettext_noop("本期从业务合作单位、监管部门等渠道接收的数据均已登记来源、内容、"
                             "合法性基础与行数。"),
)  # fmt: skip
def incoming_registered(org_path: str, start: date, end: date) -> Evidence:
    """6.1.2(2) lawful channels: every data set received in the period is registered with its
    source (a partner of the register), its content and its lawful basis."""
    from .sharing.models import IncomingExchange

    lo, hi = beijing_bounds(start, end)
    received = IncomingExchange.objects.filter(
        org_unit__path__startswith=org_path, received_at__gte=lo, received_at__lt=hi
    )
    return record_evidence(received, Q(legal_basis="") | Q(description=""),
                           url=reverse("information:incoming"))  # fmt: skip


@evidence_rule(
    "information.shares_governed", clauses=("6.3",), kind=RECORD,
    name=gettext_noop("对外共享数据均经审批且在协议有效期内"),
    description=gettext_noop("本期导出的共享数据均依据生效的共享协议、在协议有效期内，并经数据负责人"
                             "与合规双重审批；提供的字段按协议脱敏。"),
)  # fmt: skip
def shares_governed(org_path: str, start: date, end: date) -> Evidence:
    """6.3.1(1)(4), 6.3.2, 6.3.3: every data set exported in the period went out under an
    agreement in force that day, approved by the data owner and by compliance."""
    from .sharing.models import ShareRecord

    lo, hi = beijing_bounds(start, end)
    rows = list(
        ShareRecord.objects.filter(
            share__org_unit__path__startswith=org_path, exported_at__gte=lo, exported_at__lt=hi
        ).values_list(
            "exported_at", "share__owner_approved_by", "share__compliance_approved_by",
            "share__agreement__effective_on", "share__agreement__expires_on",
        )
    )  # fmt: skip
    bad = 0
    for at, owner, compliance, effective, expires in rows:
        day = at.astimezone(BEIJING).date()
        bad += not owner or not compliance or not (effective <= day <= expires)
    return ratio_evidence(len(rows), bad, url=reverse("information:shares"))


@evidence_rule(
    "information.vulnerabilities_fixed", clauses=("6.2.2(3)",), kind=RECORD,
    name=gettext_noop("系统漏洞按期检查并修复"),
    description=gettext_noop("各机构期末前最近一次（本年度或上一年度）信息安全自评估均评定了“系统漏洞按期"
                             "检查并修复”一项；未得满分的，其整改在期末前已验证关闭。"),
)  # fmt: skip
def vulnerabilities_fixed(org_path: str, start: date, end: date) -> Evidence:
    """6.2.2(3) regular vulnerability checks, flaws fixed in time: per unit of the subtree, its
    latest yearly security self-evaluation (6.2.1(4)) performed before the period's end, of that
    year or the one before, marks the checklist item of clause 6.2.2(3); one short of full marks
    counts against the clause until its remediation is verified closed before the period's end.
    The dependency audit of HIQC's own code is CI's (issue 21 §6), not a record here."""
    from .enums import RemediationStatus
    from .models import EvaluationMark, Remediation, SecurityEvaluation

    _lo, hi = beijing_bounds(start, end)
    year = (end - timedelta(days=1)).year
    latest: dict[Any, Any] = {}
    for unit_id, evaluation_id in (
        SecurityEvaluation.objects.filter(org_unit__path__startswith=org_path, performed_at__lt=hi,
                                          year__gte=year - 1)
        .order_by("org_unit_id", "-year").values_list("org_unit_id", "pk")
    ):  # fmt: skip
        latest.setdefault(unit_id, evaluation_id)
    marks = list(
        EvaluationMark.objects.filter(evaluation_id__in=latest.values(), item__clause="6.2.2(3)")
        .values_list("evaluation_id", "item_id", "mark", "item__points")
    )  # fmt: skip
    closed = set(
        Remediation.objects.filter(
            evaluation_id__in=[m[0] for m in marks], status=RemediationStatus.CLOSED,
            closed_at__lt=hi,
        ).values_list("evaluation_id", "item_id")
    )  # fmt: skip
    bad = sum(1 for ev, item, mark, points in marks
              if mark is not None and mark < points and (ev, item) not in closed)  # fmt: skip
    return ratio_evidence(len(marks), bad, url=reverse("information:evaluations"))


@evidence_rule(
    "information.cooperation_active", clauses=("10.3.5",), kind=RECORD,
    name=gettext_noop("合作与交流：共享协议在期间内有实际交换"),
    description=gettext_noop("期间内生效的数据共享协议（业务合作方、监管机构、行业协会平台）在本期均有"
                             "实际交换：按协议导出的数据或自该对象接收并登记的数据。"),
)  # fmt: skip
def cooperation_active(org_path: str, start: date, end: date) -> Evidence:
    """10.3.5 cooperation and exchange: the subtree's sharing agreements in force at some time in
    the period (activated and effective before its end, not expired before its start) each carried
    an exchange in the period — data exported under it or received from its partner. An agreement
    with no exchange is cooperation on paper only. None in force → not yet assessable."""
    from .sharing.enums import AgreementStatus
    from .sharing.models import IncomingExchange, ShareRecord, SharingAgreement

    lo, hi = beijing_bounds(start, end)
    agreements = list(
        SharingAgreement.objects.filter(
            org_unit__path__startswith=org_path, activated_at__lt=hi, effective_on__lt=end,
            expires_on__gte=start,
        ).exclude(status=AgreementStatus.DRAFT).values_list("pk", "partner_id")
    )  # fmt: skip
    sent = set(
        ShareRecord.objects.filter(
            share__agreement_id__in=[a for a, _p in agreements], exported_at__gte=lo,
            exported_at__lt=hi,
        ).values_list("share__agreement_id", flat=True)
    )  # fmt: skip
    received = set(
        IncomingExchange.objects.filter(
            partner_id__in=[p for _a, p in agreements], received_at__gte=lo, received_at__lt=hi
        ).values_list("partner_id", flat=True)
    )  # fmt: skip
    idle = sum(1 for a, p in agreements if a not in sent and p not in received)
    return ratio_evidence(len(agreements), idle, url=reverse("information:agreements"))
