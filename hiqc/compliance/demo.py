"""The compliance demo (issue 20 §8, this slice): the register is the shipped one (its data
migration); every automatic control run on the demo's own data for the last twelve months and the
month so far — so 成都's slow document review shows as the claims-clock control failing there,
found by the control, not seeded — head office's manual controls attested for the last six
months (one month of the mystery-shopping control not effective), one regulatory change whose impact assessment is in
progress, and the risk register (``risks.demo``: forty risks, KRIs, two treatment plans). Dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User

from .controls import check_get
from .enums import ControlKind
from .models import Control, ControlResult, Obligation, RegulatoryChange
from .risks.demo import demo_load_risks
from .services import (
    assessment_act,
    attestation_record,
    change_record,
    control_run,
    month_after,
    month_start,
)

MONTHS = 12
SICHUAN = "SC"
BRANCH_CONTROL = "CTL-SC-CL2-REVIEW"
CHANGE_TITLE = "投诉处理时限与核查程序调整（演示）"


def demo_load(*, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User],
              actor: Actor) -> dict[str, int]:  # fmt: skip
    counts: dict[str, int] = {}
    results = _results(actor)
    if results:
        counts["control_results"] = results
    if _change(actor):
        counts["regulatory_changes"] = 1
    sichuan = org_units.get(SICHUAN)
    if sichuan is not None:
        counts.update(_branch_control(actor, sichuan))
    head = next((u for u in org_units.values() if u.parent_id is None), None)
    if head is not None:
        attested = _head_office_attestations(actor, head, users)
        if attested:
            counts["attestations"] = counts.get("attestations", 0) + attested
    from .inspections.demo import demo_load as inspections_demo_load  # issue 20 §3

    counts.update(inspections_demo_load(org_units=org_units, users=users, actor=actor))
    # the risk register last: its residual ratings read the controls' results above
    counts.update(demo_load_risks(org_units=org_units, actor=actor))
    return counts


def _branch_control(actor: Actor, branch: OrgUnit) -> dict[str, int]:
    """A manual control of one branch (四川: the branch whose 成都 reviews documents slowly),
    attested for last month with a small evidence image."""
    counts: dict[str, int] = {}
    control = Control.objects.filter(code=BRANCH_CONTROL).first()
    if control is None:
        control = Control.objects.create(
            obligation=Obligation.objects.get(code="CL-2"), code=BRANCH_CONTROL,
            name="四川分公司理赔资料审核月度复核", kind=ControlKind.MANUAL,
            owner_role="branch_manager", unit_path=branch.path, frequency="monthly",
            description="分公司服务经理每月抽查成都、绵阳资料审核超过5个工作日的理赔并声明复核结论。",
        )  # fmt: skip
        counts["branch_controls"] = 1
    last = month_start(month_start(timezone.now().astimezone(BEIJING).date()) - timedelta(days=1))
    if not control.attestations.filter(period_start=last).exists():
        attestation_record(actor=actor, control_id=control.pk, evidence=io.BytesIO(_png()), data={
            "org_unit": str(branch.pk), "period": last.isoformat(), "effective": "false",
            "statement": "抽查成都中心支公司资料审核超时理赔12件，其中2件核定超过30日，已列入整改。"})  # fmt: skip
        counts["attestations"] = 1
    return counts


# head office's manual controls attested by their owners: (control, owner persona, months) —
# monthly ones for each of the last six complete months, quarterly ones for each quarter's last
# month among them; the yearly PI-4 training sheet is attested in December only (not here)
HEAD_OFFICE_CONTROLS = (
    ("CTL-STD-PROCESS", "quality_lead", "monthly"),
    ("CTL-STD-CLAIMAUDIT", "quality_lead", "monthly"),
    ("CTL-STD-MYSTERY", "quality_lead", "monthly"),
    ("CTL-CL8-REVIEW", "compliance", "quarterly"),
    ("CTL-PI8-LOGS", "compliance", "quarterly"),
)
# one honest gap: the mystery-shopping plan missed its visits two months ago
MISSED = ("CTL-STD-MYSTERY", 2)


def _head_office_attestations(actor: Actor, head: OrgUnit, users: Mapping[str, User]) -> int:
    """Head office's manual controls attested month by month with a small evidence image, so the
    conformance evidence of the clauses they serve (4.1, 4.2, 5.3.3, 6.2, 7.1, 9.1.2…) has
    results in the last complete quarter; a rerun adds nothing."""
    from hiqc.organisations.services import actor_for_user

    this = month_start(timezone.now().astimezone(BEIJING).date())
    months, p = [], this
    for _n in range(6):
        p = month_start(p - timedelta(days=1))
        months.append(p)
    made = 0
    for code, owner, frequency in HEAD_OFFICE_CONTROLS:
        control = Control.objects.filter(code=code, kind=ControlKind.MANUAL).first()
        if control is None:
            continue
        person = users.get(owner)
        who = actor_for_user(person) if person is not None else actor
        for i, month in enumerate(months, start=1):
            if frequency == "quarterly" and month.month % 3:
                continue
            if control.attestations.filter(org_unit=head, period_start=month).exists():
                continue
            effective = (code, i) != MISSED
            statement = ("本月按计划执行并复核，记录已归档。" if effective
                         else "本月神秘客户走访未完成计划（完成 4 / 6 次），已补排下月走访。")  # fmt: skip
            attestation_record(actor=who, control_id=control.pk, evidence=io.BytesIO(_png()),
                               data={"org_unit": str(head.pk), "period": month.isoformat(),
                                     "effective": str(effective).lower(),
                                     "statement": statement})  # fmt: skip
            made += 1
    return made


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _periods() -> list[Any]:
    this = month_start(timezone.now().astimezone(BEIJING).date())
    first = this
    for _n in range(MONTHS):
        first = month_start(first - timedelta(days=1))
    out, p = [], first
    while p <= this:
        out.append(p)
        p = month_after(p)
    return out


def _results(actor: Actor) -> int:
    """Run each automatic control on each month that has no result yet; the number created."""
    before = ControlResult.objects.count()
    for control in Control.objects.filter(kind=ControlKind.AUTOMATIC, active=True):
        if check_get(control.check_code) is None:
            continue
        done = set(control.results.values_list("period_start", flat=True).distinct())
        for period in _periods():
            if period not in done:
                control_run(actor=actor, control=control, period=period)
    return ControlResult.objects.count() - before


def _change(actor: Actor) -> bool:
    if RegulatoryChange.objects.filter(title=CHANGE_TITLE).exists():
        return False
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    change = change_record(actor=actor, at=now - timedelta(days=10), data={
        "law": "complaint-measures", "title": CHANGE_TITLE,
        "effective_on": (today + timedelta(days=60)).isoformat(),
        "summary": "监管拟明确：投诉处理决定书须载明核查申请期限的截止日期，核查意见时限自收到申请"
                   "之日起计算。需复核 CP-8、CP-13 及对应的控制措施与规则参数。",
    })  # fmt: skip
    case = change.assessments.get()
    assessment_act(actor=actor, case_id=case.pk, action="start", at=now - timedelta(days=8),
                   data={"analysis": "涉及投诉处理决定书模板（CP-8）与核查意见时限（CP-13）；"
                                     "自动控制“投诉处理决定书载明救济途径”需增加截止日期的检测。"})  # fmt: skip
    assessment_act(actor=actor, case_id=case.pk, action="note", at=now - timedelta(days=5),
                   data={"ref": "CTL-CP8-REMEDY", "note": "检测口径增加“即某年某月某日之前”"})  # fmt: skip
    return True
