"""The conformance demo (issue 22 §7; ADR 0035): a signed-off self-assessment round for the last
complete quarter at head office and at 北京分公司. Every automatic status is computed from the
other domains' demo data (this hook runs after all of them: ``RUN_LAST``), never seeded; the
assessors override a few clauses the evidence rules cannot yet see, each with its reason — 北京's
overdue emergency drill (9.3.2, not conforming) and its slow claims follow-up found by the
compliance inspection (5.2.2(2), partly), head office's monthly claims-timeliness analysis
(5.2.2(1), conforming). Sign-off opens a nonconformity for every leaf judged not conforming.
广东分公司's round for the same quarter is still in progress (its assessor at work, the sign-off
clock running); head office's round of the quarter before is signed off, so the management-review
pack shows a trend.

Times run from the quarter's end (or ten days ago, whichever is later) to now: nothing is stamped
after now. A rerun adds nothing (one round per unit and quarter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from . import selectors
from .periods import last_complete_quarter, quarter_of
from .services import clause_judge, round_act, round_create

RUN_LAST = True  # reads every other domain's demo data (hiqc.demo.domains)

# unit code → (assessor persona, [(clause, judgement, reason)], summary)
ROUNDS: dict[str, tuple[str, list[tuple[str, str, str]], str]] = {
    "HO": (
        "",
        [
            (
                "5.2.2(1)",
                "conforming",
                "总公司每月在质量指标页统计理赔时效（决定及时率、支付及时率、支付天数），"
                "季度质量分析会纪要已归档；该项暂无自动证据规则，按人工核查评定。",
            ),
        ],
        "总公司本季度自评估完成：自动证据未覆盖的条款按人工核查评定，尚无证据记录的条款保持“尚不能评估”。",
    ),
    "BJ": (
        "branch_manager_bj",
        [
            (
                "9.3.2",
                "not_conforming",
                "北京分公司本年度应急预案演练已逾期未开展（见应急管理的演练计划），须尽快组织演练。",
            ),
            (
                "5.2.2(2)",
                "partly",
                "本季度合规检查抽查理赔 40 件，2 件核定超过 30 日；已查找原因并布置整改，整改尚未完成。",
            ),
        ],
        "北京分公司本季度自评估完成：应急演练逾期、理赔时效整改未完成，已如实评定。",
    ),
}
IN_PROGRESS = ("GD", "branch_manager_gd")  # a round still being judged
# head office's round of the quarter before, signed off: the management-review pack's trend
PREVIOUS = ("HO", "总公司上季度自评估完成：自动状态经核对后确认。")


def demo_load(*, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User],
              actor: Actor) -> dict[str, int]:  # fmt: skip
    now = timezone.now()
    period = last_complete_quarter(now)
    ended = datetime.combine(period.end, time(), BEIJING)
    span = min(now - ended, timedelta(days=10))
    lead = users.get("quality_lead")
    signer = actor_for_user(lead) if lead is not None else Actor.system("demo.sign_off")
    rounds = ncs = 0
    for code, (assessor_name, overrides, summary) in ROUNDS.items():
        unit = org_units.get(code)
        if unit is None or selectors.round_exists(unit, period.label) is not None:
            continue
        person = users.get(assessor_name) if assessor_name else None
        assessor = actor_for_user(person) if person is not None else actor
        case = round_create(actor=assessor, at=now - span,
                            data={"org_unit": str(unit.pk), "period": period.label})  # fmt: skip
        for clause, judgement, reason in overrides:
            clause_judge(actor=assessor, round_id=case.pk, code=clause, at=now - span * 0.7,
                         data={"judgement": judgement, "reason": reason})  # fmt: skip
        case = round_act(actor=assessor, round_id=case.pk, action="submit", source="system",
                         data={"summary": summary}, version=case.version, at=now - span * 0.5)  # fmt: skip
        case = round_act(actor=signer, round_id=case.pk, action="sign_off", source="system",
                         data={}, version=case.version, at=now - span * 0.25)  # fmt: skip
        rounds += 1
        ncs += case.clauses.filter(nonconformity__isnull=False).count()
    code, summary = PREVIOUS
    unit, before = org_units.get(code), quarter_of(period.start - timedelta(days=1))
    if unit is not None and selectors.round_exists(unit, before.label) is None:
        opened = datetime.combine(before.end, time(10), BEIJING) + timedelta(days=5)
        case = round_create(actor=actor, at=opened,
                            data={"org_unit": str(unit.pk), "period": before.label})  # fmt: skip
        case = round_act(actor=actor, round_id=case.pk, action="submit", source="system",
                         data={"summary": summary}, version=case.version,
                         at=opened + timedelta(days=5))  # fmt: skip
        case = round_act(actor=signer, round_id=case.pk, action="sign_off", source="system",
                         data={}, version=case.version, at=opened + timedelta(days=7))  # fmt: skip
        rounds += 1
        ncs += case.clauses.filter(nonconformity__isnull=False).count()
    code, assessor_name = IN_PROGRESS
    unit, person = org_units.get(code), users.get(assessor_name)
    if unit is not None and selectors.round_exists(unit, period.label) is None:
        assessor = actor_for_user(person) if person is not None else actor
        round_create(actor=assessor, at=now - span * 0.5,
                     data={"org_unit": str(unit.pk), "period": period.label})  # fmt: skip
        rounds += 1
    return {"rounds": rounds, "nonconformities": ncs} if rounds else {}
