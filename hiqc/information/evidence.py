"""Information management's evidence for the standard (issue 22 §2; ADR 0034): 6.1.2 data received
from partners and public bodies registered with its source and lawful basis; 6.3 data shared or
exchanged only under an agreement in force, approved by the data owner and compliance.
Imported by ``InformationConfig.ready``."""

from __future__ import annotations

from datetime import date

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
