"""Claims' evidence for the standard (issue 22 §2; ADR 0034): 5.1.2(1) online claims offered and
used; 5.1.2(4) paid within 10 days of agreement; 5.2.1 application-to-payment time; 5.2.2(3) the
statutory decision clock kept (its early warnings are the clock's); 5.1.2(2) missing documents
asked for once, on time; 5.2.2(1)(2) the timeliness statistics and each step's time against their
targets; 5.3.1 the claims-quality indicators (accuracy, timeliness, satisfaction); 5.3.2(2) the
claimants' satisfaction collected by survey; 10.3.3 technical innovation: the online channel's share
of claims holding or growing."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
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
    indicators_evidence,
    record_evidence,
)
from hiqc.core.indicators import INDICATORS


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
    total, online = _online_share(org_path, start, end)
    url = reverse("claims:list")
    if total == 0:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, "no claims")
    status = EvidenceStatus.CONFORMING if online else EvidenceStatus.PARTLY
    return Evidence(status, total, total - online, url, f"online {online}/{total}")


def _online_share(org_path: str, start: date, end: date) -> tuple[int, int]:
    """(claims received in [start, end) in the subtree, of which online: web or app)."""
    from .enums import ClaimChannel
    from .models import Claim

    lo, hi = beijing_bounds(start, end)
    received = Claim.objects.filter(
        org_unit__path__startswith=org_path, received_at__gte=lo, received_at__lt=hi
    )
    online = received.filter(channel__in=(ClaimChannel.ONLINE, ClaimChannel.APP)).count()
    return received.count(), online


@evidence_rule(
    "claims.digital_uptake", clauses=("10.3.3",), kind=RECORD,
    name=gettext_noop("技术创新：线上理赔使用占比不低于上一期"),
    description=gettext_noop("本期经线上（网页或移动应用）提交的理赔申请占比不低于等长的上一期；"
                             "占比下降为部分符合，没有线上申请为不符合。"),
)  # fmt: skip
def digital_uptake(org_path: str, start: date, end: date) -> Evidence:
    """10.3.3 technical innovation in service, as HIQC can see it: the online claim channel
    (5.1.2(1)) is taken up — its share of the claims received holds or grows against the period
    of the same length before. Records: the claims received; failing: those not online when the
    share fell (partly) or no claim came online (not conforming)."""
    total, online = _online_share(org_path, start, end)
    url = reverse("claims:list")
    if total == 0:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, "no claims")
    before_total, before_online = _online_share(org_path, start - (end - start), start)
    note = f"online {online}/{total}; before {before_online}/{before_total}"
    if online == 0:
        return Evidence(EvidenceStatus.NOT_CONFORMING, total, total, url, note)
    fell = before_total > 0 and online * before_total < before_online * total
    status = EvidenceStatus.PARTLY if fell else EvidenceStatus.CONFORMING
    return Evidence(status, total, total - online if fell else 0, url, note)


@evidence_rule(
    "claims.notice_on_time", clauses=("5.1.2(2)",), kind=INDICATOR,
    name=gettext_noop("补充材料通知及时率达标"),
    description=gettext_noop("资料审核后按时一次性通知补充材料的比例对照目标（保险法第二十二条）。"),
)  # fmt: skip
def notice_on_time(org_path: str, start: date, end: date) -> Evidence:
    """5.1.2(2) efficient document review: ``claims.notice_on_time_rate`` vs its target."""
    return indicator_evidence("claims.notice_on_time_rate", org_path, start, end)


@evidence_rule(
    "claims.documents_asked_once", clauses=("5.1.2(2)",), kind=RECORD,
    name=gettext_noop("补充材料一次性告知"),
    description=gettext_noop("本期发出的补充材料通知均为首次（一次性列明全部缺失材料）；"
                             "再次通知即资料审核不完整。"),
)  # fmt: skip
def documents_asked_once(org_path: str, start: date, end: date) -> Evidence:
    """5.1.2(2) complete and accurate review: the notices of missing documents sent in the
    period; a second notice for the same claim (even with a supervisor's override) counts
    against it — the first review missed a document."""
    from .models import SupplementRequest

    lo, hi = beijing_bounds(start, end)
    notices = SupplementRequest.objects.filter(
        claim__org_unit__path__startswith=org_path, requested_at__gte=lo, requested_at__lt=hi
    )
    return record_evidence(notices, Q(first=False), url=reverse("claims:list"))


@evidence_rule(
    "claims.timeliness_statistics", clauses=("5.2.2(1)",), kind=INDICATOR,
    name=gettext_noop("理赔时效统计（平均、中位数、90分位）达标"),
    description=gettext_noop("按月统计的申请至给付天数（平均数、中位数与90分位数）对照目标。"),
)  # fmt: skip
def timeliness_statistics(org_path: str, start: date, end: date) -> Evidence:
    """5.2.2(1) regular statistics: the mean, median and 90th percentile days to payment,
    computed every month per unit, against their targets (those without a target not counted)."""
    codes = ("claims.days_to_payment", "claims.median_days_to_payment",
             "claims.p90_days_to_payment")  # fmt: skip
    return indicators_evidence(codes, org_path, start, end, url=reverse("claims:timeliness"))


def step_indicators() -> list[str]:
    return sorted(c for c in INDICATORS if c.startswith("claims.step."))


@evidence_rule(
    "claims.slow_steps", clauses=("5.2.2(2)",), kind=INDICATOR,
    name=gettext_noop("理赔各环节时效达标"),
    description=gettext_noop("理赔各环节（受理、审核、核定、协议、支付）的工作日与等待时间对照目标；"
                             "未达标的环节即需重点关注的慢环节。"),
)  # fmt: skip
def slow_steps(org_path: str, start: date, end: date) -> Evidence:
    """5.2.2(2) focus on the slow steps: each step's time indicators with a target; a step
    missing its target counts against it (and opens a nonconformity, quality 10.1)."""
    return indicators_evidence(step_indicators(), org_path, start, end,
                               url=reverse("claims:timeliness"))  # fmt: skip


@evidence_rule(
    "claims.quality_indicators", clauses=("5.3.1",), kind=INDICATOR,
    name=gettext_noop("理赔服务质量指标（准确性、时效性、满意度）达标"),
    description=gettext_noop("理赔准确率、按时核定率与理赔满意度对照各自目标。"),
)  # fmt: skip
def quality_indicators(org_path: str, start: date, end: date) -> Evidence:
    """5.3.1 the claims-quality indicator system: accuracy (audit sampling), timeliness
    (decided on time) and satisfaction, each against its target."""
    codes = ("claims.accuracy_rate", "claims.decided_on_time_rate", "claims.satisfaction")
    return indicators_evidence(codes, org_path, start, end, url=reverse("claims:timeliness"))


@evidence_rule(
    "claims.satisfaction_surveyed", clauses=("5.3.2(2)",), kind=INDICATOR,
    name=gettext_noop("理赔客户满意度调查结果达标"),
    description=gettext_noop("理赔结案后问卷调查收集的客户满意度对照目标。"),
)  # fmt: skip
def satisfaction_surveyed(org_path: str, start: date, end: date) -> Evidence:
    """5.3.2(2) satisfaction collected by questionnaire: ``claims.satisfaction`` vs its target."""
    return indicator_evidence("claims.satisfaction", org_path, start, end)
