"""Complaints' evidence for the standard (issue 22 §2; ADR 0034): 4.2.1(4) complaints classified,
registered, analysed (root cause) and fed back; 4.2.3(2) decided on time (the statutory clock);
4.2.1(1) every complaint has a responsible handler; 4.2.1(2) a complaint process in force;
4.2.1(3) complaints received by the hotline and online."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import (
    INDICATOR,
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    indicator_evidence,
    ratio_evidence,
    record_evidence,
)
from hiqc.core.processes import process_version_in_force
from hiqc.customers.enums import Channel

from .enums import Status

ONLINE = (Channel.ONLINE_CHAT, Channel.EMAIL, Channel.WEBSITE, Channel.WECHAT)


@evidence_rule(
    "complaints.decided_on_time", clauses=("4.2.3(2)",), kind=INDICATOR,
    name=gettext_noop("投诉按时处理率达标"),
    description=gettext_noop("投诉按时处理率（15日/延长后30日内作出决定）对照本机构的目标。"),
)  # fmt: skip
def decided_on_time(org_path: str, start: date, end: date) -> Evidence:
    """4.2.3(2) timely handling: the indicator ``complaints.decided_on_time_rate`` vs its target."""
    return indicator_evidence("complaints.decided_on_time_rate", org_path, start, end)


@evidence_rule(
    "complaints.analysed", clauses=("4.2.1(4)",), kind=RECORD,
    name=gettext_noop("已决定的投诉均完成分类与原因分析"),
    description=gettext_noop("本期作出决定的投诉均已登记争议类型并认定根本原因。"),
)  # fmt: skip
def analysed(org_path: str, start: date, end: date) -> Evidence:
    """4.2.1(4) classify, register, analyse: every complaint decided in the period names its root
    cause (the classification is required at registration)."""
    from .models import Complaint

    lo, hi = beijing_bounds(start, end)
    decided = Complaint.objects.filter(
        org_unit__path__startswith=org_path, decided_at__gte=lo, decided_at__lt=hi
    )
    return record_evidence(decided, Q(root_cause__isnull=True), url=reverse("complaints:list"))


@evidence_rule(
    "complaints.handler_assigned", clauses=("4.2.1(1)",), kind=RECORD,
    name=gettext_noop("每件投诉均有明确的处理责任人"),
    description=gettext_noop("本期接收的投诉（撤回、合并的除外）均已指定处理人。"),
)  # fmt: skip
def handler_assigned(org_path: str, start: date, end: date) -> Evidence:
    """4.2.1(1) responsible department and staff: the complaint belongs to its unit on
    registration; each complaint received in the period (bar withdrawn or merged ones) has a
    handler assigned."""
    from .models import Complaint

    lo, hi = beijing_bounds(start, end)
    received = Complaint.objects.filter(
        org_unit__path__startswith=org_path, received_at__gte=lo, received_at__lt=hi
    ).exclude(status__in=(Status.WITHDRAWN, Status.MERGED))
    return record_evidence(received, Q(assignee__isnull=True), url=reverse("complaints:list"))


@evidence_rule(
    "complaints.process_in_force", clauses=("4.2.1(2)",), kind=RECORD,
    name=gettext_noop("投诉处理流程已制定并生效"),
    description=gettext_noop("期末本机构适用已发布生效的投诉处理流程版本（步骤、责任角色与时限）。"),
)  # fmt: skip
def process_in_force(org_path: str, start: date, end: date) -> Evidence:
    """4.2.1(2): a published version of the complaint process in force for the unit at the end
    of the period (the engine enforces its steps, roles and clocks)."""
    version = process_version_in_force("complaints.complaint", org_path, end - timedelta(days=1))
    return ratio_evidence(1, 0 if version is not None else 1,
                          url=reverse("process_management:handbook", args=["complaints.complaint"]),
                          note=f"v{version.number}" if version is not None else "")  # fmt: skip


@evidence_rule(
    "complaints.channels_open", clauses=("4.2.1(3)",), kind=RECORD,
    name=gettext_noop("投诉电话与在线投诉渠道均在使用"),
    description=gettext_noop("本期既有经电话、也有经在线渠道（在线客服、电子邮件、网站、微信）接收的投诉。"),
)  # fmt: skip
def channels_open(org_path: str, start: date, end: date) -> Evidence:
    """4.2.1(3) a complaint hotline and online channels: both kinds received complaints in the
    period (the two channels are the records; one without complaints counts against it). No
    complaint at all → not yet assessable."""
    from .models import Complaint

    lo, hi = beijing_bounds(start, end)
    used = set(
        Complaint.objects.filter(
            org_unit__path__startswith=org_path, received_at__gte=lo, received_at__lt=hi
        )
        .order_by()
        .values_list("channel", flat=True)
        .distinct()
    )
    if not used:
        return ratio_evidence(0, 0, url=reverse("complaints:list"))
    missing = [name for name, channels in (("phone", {Channel.PHONE}), ("online", set(ONLINE)))
               if not used & channels]  # fmt: skip
    return ratio_evidence(2, len(missing), url=reverse("complaints:statistics"),
                          note=", ".join(missing))  # fmt: skip
