"""The information demo (issue 21 §10, this session's slice): last quarter's access
recertification round completed with one revoked role (a former agent's), the current quarter's
round open; a few dormant accounts and one about to become dormant; reveal events of one agent —
an ordinary month by day, then one night of many customers in ten minutes (three anomalies);
security role holders with the head office's data-protection lead vacant; last year's
self-evaluation of the head office with two remediations, one closed and one still open. Dated
from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.core.models import AuditEvent
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .enums import LineDecision, RecertificationStatus, SecurityRole
from .models import AccessRecertification, SecurityEvaluation, SecurityRoleHolder
from .security.services import (
    evaluation_perform,
    holder_assign,
    remediation_act,
    security_checklist,
)
from .services import quarter_of, recertification_act, recertification_open

FORMER = "former_agent_demo"  # the person whose role last quarter's round revoked
DORMANT = (
    ("dormant_demo_1", "钱晓东", 130),
    ("dormant_demo_2", "冯佳怡", 97),
    ("dormant_demo_3", "陈子轩", 81),
)  # fmt: skip  (username, name, days since sign-in)
REVEAL_MARK = "demo-information-reveals"  # the request id of the demo's reveal events


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def demo_load(*, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User],
              actor: Actor) -> dict[str, int]:  # fmt: skip
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    counts: dict[str, int] = {}
    units = sorted(org_units.values(), key=lambda u: u.path)
    head = next((u for u in units if u.level == OrgLevel.HEAD_OFFICE), None)
    compliance, lead = users.get("compliance"), users.get("quality_lead")
    agent = users.get("agent_bj")
    if head is None or compliance is None or lead is None:
        return counts
    _recertifications(today, agent, compliance, lead, counts)
    _dormant(now, agent.org_unit if agent else head, counts)
    if agent is not None:
        _reveals(today, agent, counts)
    _roles(today, head, units, users, compliance, counts)
    _evaluation(today, head, compliance, users.get("admin") or lead, counts)
    # each province evaluates itself too (its own open remediation: the branch's work)
    provinces = [u for u in units if u.level == OrgLevel.PROVINCE]
    for n, province in enumerate(provinces):
        _province_evaluation(today, province, compliance, n, counts)
    # issue 21 §7, §8: sharing agreements, shares, incoming exchanges and PIAs
    from .sharing.demo import demo_load as sharing_demo

    for key, n in sharing_demo(org_units=org_units, users=users).items():
        counts[f"sharing_{key}"] = n
    return {k: v for k, v in counts.items() if v}


def _recertifications(today: date, agent: User | None, compliance: User, lead: User,
                      counts: dict[str, int]) -> None:  # fmt: skip
    _q, start, _end = quarter_of(today)
    last_start = quarter_of(start - timedelta(days=1))[1]
    former = None
    if agent is not None and agent.org_unit is not None:
        former, created = User.objects.get_or_create(username=FORMER, defaults={
            "display_name": "韩立", "org_unit": agent.org_unit,
            "date_joined": timezone.now() - timedelta(days=400)})  # fmt: skip
        if created:
            former.set_unusable_password()
            former.save(update_fields=["password"])
            Membership.objects.create(user=former, role=Role.CONSULTATION_AGENT,
                                      org_unit=agent.org_unit)  # fmt: skip
    opened = _at(last_start, 6)
    made = recertification_open(at=opened)
    counts["recertification_cases"] = made["cases"]
    quarter = quarter_of(last_start)[0]
    by_compliance, by_lead = actor_for_user(compliance), actor_for_user(lead)
    for case in AccessRecertification.objects.filter(round__quarter=quarter,
                                                     status=RecertificationStatus.OPEN):  # fmt: skip
        at = _at(last_start + timedelta(days=3), 10)
        line = case.lines.filter(user=former, decision=LineDecision.PENDING).first()
        if line is not None:
            case = recertification_act(actor=by_compliance, case_id=case.pk, action="decide", data={
                "line": str(line.pk), "decision": "revoke", "reason": "已调离坐席岗位，不再需要客户信息查询权限。"},
                version=case.version, at=at)  # fmt: skip
            counts["revoked"] = counts.get("revoked", 0) + 1
        for who, person in ((by_compliance, compliance), (by_lead, lead)):
            pending = case.lines.filter(decision=LineDecision.PENDING)
            if pending.exclude(user=person).exists():
                case = recertification_act(actor=who, case_id=case.pk, action="confirm_rest",
                                           data={}, version=case.version, at=at)  # fmt: skip
        recertification_act(actor=by_compliance, case_id=case.pk, action="submit", data={},
                            version=case.version, at=_at(last_start + timedelta(days=6), 16))  # fmt: skip
    counts["recertification_cases"] += recertification_open()["cases"]


def _dormant(now: datetime, unit: Any, counts: dict[str, int]) -> None:
    for username, name, days in DORMANT:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username=username, password=secrets.token_urlsafe(24),
                                        display_name=name, org_unit=unit)  # fmt: skip
        User.objects.filter(pk=user.pk).update(last_login=now - timedelta(days=days),
                                               date_joined=now - timedelta(days=days + 300))  # fmt: skip
        Membership.objects.create(user=user, role=Role.CONSULTATION_AGENT, org_unit=unit)
        counts["dormant_accounts"] = counts.get("dormant_accounts", 0) + 1


def _reveals(today: date, agent: User, counts: dict[str, int]) -> None:
    """An ordinary month of daytime reveals (2–4 a working day), then, two days ago, 26
    customers between 23:05 and 23:14 (above the usual rate, at night, many in ten minutes)."""
    if AuditEvent.objects.filter(request_id=REVEAL_MARK).exists():
        return
    who = Actor(user_id=agent.pk, username=agent.username, request_id=REVEAL_MARK,
                home_path=agent.org_unit.path if agent.org_unit else "")  # fmt: skip
    path = who.home_path

    def reveal(at: datetime, n: int) -> None:
        customer = uuid.uuid5(uuid.NAMESPACE_URL, f"hiqc-demo-customer-{n}")
        audit_record(actor=who, action="customer.reveal", subject_type="customers.customer",
                     subject_id=str(customer), org_path=path, fields=["mobile"],
                     data={"purpose": "核实客户来电身份"}, at=at)  # fmt: skip

    night = today - timedelta(days=2)
    n = 0
    for back in range(32, 2, -1):
        day = night - timedelta(days=back - 2)
        if day.weekday() >= 5:
            continue
        for k in range(2 + back % 3):
            reveal(_at(day, 10 + k, 15), n % 40)
            n += 1
    for k in range(26):
        reveal(_at(night, 23, 5) + timedelta(seconds=20 * k), 100 + k)
        n += 1
    counts["reveal_events"] = n


def _roles(today: date, head: OrgUnit, units: list[OrgUnit], users: Mapping[str, User],
           compliance: User, counts: dict[str, int]) -> None:  # fmt: skip
    if SecurityRoleHolder.objects.exists():
        return
    system = Actor.system("demo")
    since = today - timedelta(days=200)
    wanted = [(head, SecurityRole.SECURITY_LEAD, compliance),
              (head, SecurityRole.SYSTEM_ADMIN, users.get("admin")),
              (head, SecurityRole.SECURITY_AUDITOR, users.get("auditor"))]  # fmt: skip
    managers = {u.org_unit_id: u for name, u in users.items() if name.startswith("branch_manager")}
    for unit in (u for u in units if u.level == OrgLevel.PROVINCE):
        holder = managers.get(unit.pk, compliance)
        wanted += [(unit, SecurityRole.SECURITY_LEAD, holder),
                   (unit, SecurityRole.DATA_PROTECTION, holder)]  # fmt: skip
    for unit, role, user in wanted:  # the head office's data-protection lead stays vacant
        if user is None:
            continue
        holder_assign(actor=system, data={"org_unit": unit.pk, "role": role, "user": user.pk,
                                          "starts_on": since.isoformat()})  # fmt: skip
        counts["security_roles"] = counts.get("security_roles", 0) + 1


def _province_evaluation(today: date, unit: OrgUnit, compliance: User, n: int,
                         counts: dict[str, int]) -> None:  # fmt: skip
    """Last year's self-evaluation of a province: one non-critical item failed (a different one
    in each), its remediation open."""
    year = today.year - 1
    if SecurityEvaluation.objects.filter(org_unit=unit, year=year).exists():
        return
    items = checklist_items(security_checklist())
    plain = [i for i in items if not i.critical] or list(items)
    failed = plain[n % len(plain)].pk
    evaluation = evaluation_perform(
        actor=actor_for_user(compliance), org_unit_id=unit.pk, year=year,
        marks={str(i.pk): (0 if i.pk == failed else i.points) for i in items},
        notes={str(failed): "分公司年度自评估发现未达要求。"},
        summary="分公司年度信息安全自评估。", at=_at(date(year, 12, 12 + n % 10), 15),
    )  # fmt: skip
    counts["evaluations"] = counts.get("evaluations", 0) + 1
    counts["remediations"] = counts.get("remediations", 0) + evaluation.remediations.count()


def _evaluation(today: date, head: OrgUnit, compliance: User, fixer: User,
                counts: dict[str, int]) -> None:  # fmt: skip
    year = today.year - 1
    if SecurityEvaluation.objects.filter(org_unit=head, year=year).exists():
        return
    items = checklist_items(security_checklist())
    failed = {i.pk for i in items if i.clause in ("6.2.3(2)", "6.2.2(3)")}
    at = _at(date(year, 12, 10), 10)
    evaluation = evaluation_perform(
        actor=actor_for_user(compliance), org_unit_id=head.pk, year=year,
        marks={str(i.pk): (0 if i.pk in failed else i.points) for i in items},
        notes={str(pk): "年度自评估发现未达要求。" for pk in failed},
        summary="年度信息安全自评估。", at=at,
    )  # fmt: skip
    counts["evaluations"] = 1
    remediations = list(evaluation.remediations.order_by("item__position"))
    counts["remediations"] = len(remediations)
    if remediations:
        first = remediations[0]
        remediation_act(actor=actor_for_user(fixer), case_id=first.pk, action="rectify",
                        data={"correction": "已完成漏洞扫描并修复高危漏洞。"}, version=first.version,
                        at=at + timedelta(days=12))  # fmt: skip
        remediation_act(actor=actor_for_user(compliance), case_id=first.pk, action="verify",
                        data={"verification": "复查扫描报告，无遗留高危漏洞。"},
                        version=first.version + 1, at=at + timedelta(days=15))  # fmt: skip
