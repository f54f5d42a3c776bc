"""Claims' evidence for the standard (issue 22 §2; ADR 0034): 5.1.2(1) online claims offered and
used; 5.1.2(4) paid within 10 days of agreement; 5.2.1 application-to-payment time; 5.2.2(3) the
statutory decision clock kept (its early warnings are the clock's)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import (
    INDICATOR,
    RECORD,
    Evidence,
    EvidenceStatus,
    beijing_bounds,
    evidence_rule,
    indicator_evidence,
)


@evidence_rule(
    "claims.decided_on_time", clauses=("5.2.2(3)",), kind=INDICATOR,
    name=gettext_noop("理赔按时核定率达标"),
    description=gettext_noop("30日核定时限（扣除补充资料期间）内核定的理赔占比对照目标；"
                             "即将超时的案件由时限预警提示。"),
)  # fmt: skip
def decided_on_time(org_path: str, start: date, end: date) -> Evidence:
    return indicator_evidence("claims.decided_on_time_rate", org_path, start, end)


@evidence_rule(
    "claims.paid_on_time", clauses=("5.1.2(4)",), kind=INDICATOR,
    name=gettext_noop("赔款按时支付率达标"),
    description=gettext_noop("达成赔付协议后10日内支付的占比对照目标。"),
)  # fmt: skip
def paid_on_time(org_path: str, start: date, end: date) -> Evidence:
    return indicator_evidence("claims.paid_on_time_rate", org_path, start, end)


@evidence_rule(
    "claims.days_to_payment", clauses=("5.2.1",), kind=INDICATOR,
    name=gettext_noop("申请至赔款支付平均天数达标"),
    description=gettext_noop("理赔时效监控指标：申请至首次给付的平均天数对照目标。"),
)  # fmt: skip
def days_to_payment(org_path: str, start: date, end: date) -> Evidence:
    return indicator_evidence("claims.days_to_payment", org_path, start, end)


@evidence_rule(
    "claims.online_claims", clauses=("5.1.2(1)",), kind=RECORD,
    name=gettext_noop("提供并使用线上理赔"),
    description=gettext_noop("本期受理的理赔中有经线上（网页或移动应用）提交的申请。"),
)  # fmt: skip
def online_claims(org_path: str, start: date, end: date) -> Evidence:
    """5.1.2(1) online claims: the unit received claims in the period and some came online (web
    or app); none online while claims came in → partly (offered, not used here)."""
    from .enums import ClaimChannel
    from .models import Claim

    lo, hi = beijing_bounds(start, end)
    received = Claim.objects.filter(
        org_unit__path__startswith=org_path, received_at__gte=lo, received_at__lt=hi
    )
    total = received.count()
    online = received.filter(channel__in=(ClaimChannel.ONLINE, ClaimChannel.APP)).count()
    url = reverse("claims:list")
    if total == 0:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, "no claims")
    status = EvidenceStatus.CONFORMING if online else EvidenceStatus.PARTLY
    return Evidence(status, total, total - online, url, f"online {online}/{total}")
