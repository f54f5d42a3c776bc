"""Mystery-shopping demo data (issue 6 §4): two published scenarios — an outlet counter visit and
a call to the claims hotline queue — a head-office mystery-shopping plan, about 60 scored visits
over the last six months across the branches, and a few visits still assigned to the shoppers.

Scores come from each unit's latent service quality plus item noise, so most visits pass, a few
fall below the pass mark and one outlet hits the fatal item (a promised payout). The Chengdu
outlets explain the claim documents less completely (the same slow document review the claims
demo builds in), which the "weakest items" table shows without it being written anywhere.
Every visit goes through the services the pages use (issue 15 §3): the quality lead assigns it
(``visit_assign``, dated three days before the planned date), the daily job starts its result
clock on the planned date (``result_clocks_start``), and the shopper persona records the result
an hour after the visit (``visit_record``: the engine's ``record`` step stops the clock, failed
visits open their findings). Idempotent: nothing happens when a scenario exists.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_opened
from hiqc.core.models import CaseEvent, Finding
from hiqc.core.rules import rule_value
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from ..enums import Frame, Frequency, Method
from ..models import SurveyPlan
from ..services import PLAN_KIND, plan_act
from .models import EvidenceKind, MysteryScenario, MysteryVisit, ScenarioKind
from .selectors import MANAGE, shoppers
from .services import (
    VISIT_KIND,
    ItemSpec,
    Line,
    result_clocks_start,
    scenario_create,
    scenario_publish,
    visit_assign,
    visit_record,
    weighted_total,
)

DAYS = 182
OUTLET_VISITS, CALL_VISITS, OPEN_VISITS = 40, 20, 4
HOTLINE = "400-812-3456"  # the demo insurer's service hotline
WEAK_CITY = "SC-CD"  # the claims demo's slow document review
DOCS_ITEM = 6  # position of "explains every document at once" in the outlet checklist

# (category, text, weight; 0 = fatal)
OUTLET_ITEMS = [
    ("环境", "营业场所整洁，服务标识与营业时间公示清晰", 10),
    ("环境", "公示服务承诺、投诉电话及理赔流程", 10),
    ("接待", "客户进门 30 秒内有人主动接待或引导取号", 10),
    ("接待", "等候办理时间不超过 15 分钟", 10),
    ("服务礼仪", "着装规范、佩戴工号牌，使用礼貌用语", 10),
    ("业务能力", "一次性完整告知理赔所需材料（一次性告知）", 20),
    ("业务能力", "主动说明理赔时效及进度查询方式", 15),
    ("结束", "询问是否还有其他需要，告知投诉渠道", 15),
    ("合规", "承诺保证赔付、夸大保障范围或诋毁同业", 0),
]
CALL_ITEMS = [
    ("接通", "人工服务在 20 秒内接通", 15),
    ("开场", "使用规范开场白并报工号", 10),
    ("身份核实", "按规定核实来电人身份后再提供保单信息", 15),
    ("业务能力", "准确说明理赔报案流程与所需材料", 25),
    ("业务能力", "告知理赔时效及进度查询方式", 15),
    ("服务态度", "语气耐心，不打断客户，不推诿", 10),
    ("结束", "总结确认并礼貌结束通话", 10),
    ("合规", "未核实身份即透露客户保单或个人信息", 0),
]
COMMENTS_GOOD = [
    "整体服务规范，接待热情。",
    "业务解答准确，流程清楚。",
    "等候时间短，服务人员专业。",
]
COMMENTS_BAD = ["等候时间较长，材料说明不完整，需要再跑一趟。", "未主动告知理赔时效，态度一般。",
                "接待人员对理赔材料要求不熟悉，多次查询系统。"]  # fmt: skip
FATAL_NOTE = "客户经理称“这个病肯定能赔，不用担心”，属于承诺保证赔付。"


def _scenario(code: str, name: str, kind: str, items: list[tuple[str, str, int]], *,
              instructions: str, queue: str = "", outlet_type: str = "",
              at: datetime, actor: Actor) -> MysteryScenario:  # fmt: skip
    """Created and published through the engine (two scenarios: a few events)."""
    draft = scenario_create(
        actor, code=code, name=name, kind=kind, instructions=instructions, queue=queue,
        outlet_type=outlet_type,
        items=[{"category": c, "text": t, "weight": w, "fatal": w == 0} for c, t, w in items],
    )  # fmt: skip
    return scenario_publish(actor, draft.pk, at=at, source=CaseEvent.Source.SYSTEM)


def _visit_time(rng: random.Random, today: datetime) -> datetime:
    """A working day in the last ``DAYS`` days, between 09:30 and 16:30 Beijing time."""
    while True:
        day = (today - timedelta(days=rng.randint(1, DAYS))).date()
        if day.weekday() < 5:
            break
    minutes = rng.randint(9 * 60 + 30, 16 * 60 + 30)
    return datetime.combine(day, time(minutes // 60, minutes % 60), BEIJING)


def _points(rng: random.Random, weight: int, quality: float) -> int:
    """Full marks most of the time at a good unit; otherwise a partial or no score."""
    draw = rng.gauss(quality, 0.18)
    if draw >= 0.8:
        return weight
    if draw >= 0.45:
        return max(0, round(weight * rng.choice((0.5, 0.6, 0.7, 0.8))))
    return 0


def mystery_demo_load(*, seed: int, now: datetime, actor: Actor | None = None) -> dict[str, int]:
    if MysteryScenario.objects.exists():
        return {}
    actor = actor or Actor.system("demo")
    rng = random.Random(seed * 11 + 4)
    root = OrgUnit.objects.filter(parent=None).order_by("path").first()
    people = list(shoppers())
    outlets = list(OrgUnit.objects.filter(level=OrgLevel.OUTLET, is_active=True).order_by("path"))
    sites = list(OrgUnit.objects.filter(level=OrgLevel.CITY, is_active=True).order_by("path"))
    if root is None or not people or not outlets or not sites:
        return {}
    local_now = now.astimezone(BEIJING)
    start = local_now - timedelta(days=DAYS + 7)
    pass_mark = min(100, int(rule_value("surveys.mystery_pass_mark")))
    quality = {u.path: min(0.99, max(0.55, rng.gauss(0.9, 0.07))) for u in [*outlets, *sites]}
    weak_path = next((u.path for u in sites if u.code == WEAK_CITY), None)
    counts = {"mystery_scenarios": 0, "mystery_visits": 0, "mystery_findings": 0}
    with transaction.atomic():
        outlet = _scenario(
            "outlet-counter", "营业网点柜面服务暗访", ScenarioKind.OUTLET_VISIT, OUTLET_ITEMS,
            instructions="以准备办理住院医疗理赔的客户身份到柜面咨询：询问需要哪些材料、多久能赔、"
            "怎样查询进度。不出示真实保单，不留真实联系方式；离开后 2 小时内录入结果。",
            outlet_type="营业网点柜面", at=start, actor=actor,
        )  # fmt: skip
        call = _scenario(
            "claims-hotline", "理赔热线电话暗访", ScenarioKind.QUEUE_CALL, CALL_ITEMS,
            instructions="拨打服务热线，选择理赔服务，以家属身份咨询住院医疗理赔的报案流程、"
            "所需材料和时效；全程录音，录音编号填入证据。",
            queue="claims", at=start, actor=actor,
        )  # fmt: skip
        counts["mystery_scenarios"] = 2
        plan = SurveyPlan.objects.create(
            name="神秘客户暗访（网点柜面与理赔热线）",
            goal="以客户身份检查网点柜面和理赔热线的服务是否符合服务标准，发现需要改进的环节（4.3.1）",
            org_unit=root, frame=Frame.SEGMENT, method=Method.MYSTERY, questionnaire=None,
            frequency=Frequency.MONTHLY, start_date=start.date(), place="各营业网点、服务热线",
            created_by="demo", sampling_percent=100,
        )  # fmt: skip
        case_opened(
            kind=PLAN_KIND, case=plan, actor=actor, at=start, source=CaseEvent.Source.SYSTEM
        )
        plan = plan_act(actor, plan.pk, "activate", at=start, source=CaseEvent.Source.SYSTEM)
        manager = next((a for a in map(actor_for_user, people) if a.can_globally(MANAGE)), actor)
        fatal_at = rng.randrange(OUTLET_VISITS)  # the one outlet visit that hits the fatal item
        jobs = [(outlet, rng.choice(outlets)) for _n in range(OUTLET_VISITS)]
        jobs += [(call, rng.choice(sites)) for _n in range(CALL_VISITS)]
        items_of = {s.pk: list(s.items.order_by("position")) for s in (outlet, call)}
        results: list[tuple[MysteryVisit, User, dict[str, Any]]] = []
        for n, (scenario, unit) in enumerate(jobs):
            eligible = [
                p for p in people if not (p.org_unit and p.org_unit.path.startswith(unit.path))
            ]
            shopper = rng.choice(eligible or people)
            at = _visit_time(rng, local_now)
            q = quality[unit.path]
            lines: dict[str, dict[str, Any]] = {}
            for i in items_of[scenario.pk]:
                if i.critical:
                    hit = n == fatal_at
                    lines[str(i.pk)] = {"fatal_hit": hit, "comment": FATAL_NOTE if hit else ""}
                    continue
                quality_here = q - (0.35 if weak_path and unit.path.startswith(weak_path)
                                    and i.position == DOCS_ITEM else 0)  # fmt: skip
                points = _points(rng, i.points, quality_here)
                note = (
                    ""
                    if points == i.points
                    else rng.choice(("未主动说明", "说明不完整", "需客户追问"))
                )
                lines[str(i.pk)] = {"points": points, "comment": note}
            evidence = (
                [{"kind": EvidenceKind.RECORDING.value, "ref": f"REC-{at:%Y%m%d}-{rng.randint(1000, 9999)}",
                  "note": "通话录音"}]
                if scenario is call
                else [{"kind": EvidenceKind.PHOTO.value, "ref": f"IMG_{at:%Y%m%d}_{rng.randint(100, 999)}.jpg",
                       "note": "营业厅公示栏"}]
            )  # fmt: skip
            specs = [ItemSpec(str(i.pk), i.points, i.critical) for i in items_of[scenario.pk]]
            scored = [
                Line(k, v.get("points", 0), v.get("fatal_hit", False)) for k, v in lines.items()
            ]
            _raw, total, fatal = weighted_total(specs, scored)
            passed = not fatal and total >= pass_mark
            # assigned by the quality lead three days before the planned date (the engine's
            # `create`), then scored by the shopper an hour after the visit (`record`)
            planned = datetime.combine(at.date(), time.min, BEIJING)
            visit = visit_assign(
                manager, scenario_id=scenario.pk, org_unit_id=unit.pk, shopper_id=shopper.pk,
                planned_date=at.date(), plan_id=plan.pk,
                phone_number=HOTLINE if scenario is call else "", now=planned - timedelta(days=3),
            )  # fmt: skip
            results.append((visit, shopper, {
                "visited_at": at, "lines": lines, "evidence": evidence,
                "comment": rng.choice(COMMENTS_GOOD if passed else COMMENTS_BAD),
                "now": at + timedelta(hours=1),
            }))  # fmt: skip
        # the daily job starts each result clock on its planned date (catch-up safe)
        result_clocks_start(now=now)
        for visit, shopper, result in results:
            done = visit_record(
                actor_for_user(shopper), visit.pk, source=CaseEvent.Source.SYSTEM, **result
            )
            counts["mystery_findings"] += Finding.objects.filter(
                case_type=VISIT_KIND.label, case_id=str(done.pk)
            ).count()
        # a few visits still to do, for the shoppers' own list
        today = local_now.date()
        for n in range(OPEN_VISITS):
            scenario = outlet if n % 2 == 0 else call
            shopper = people[n % len(people)]
            visit_assign(
                manager, scenario_id=scenario.pk, shopper_id=shopper.pk, plan_id=plan.pk,
                org_unit_id=rng.choice(outlets if scenario is outlet else sites).pk,
                phone_number=HOTLINE if scenario is call else "",
                planned_date=today + timedelta(days=2 + 3 * n), now=now,
            )  # fmt: skip
        counts["mystery_visits"] = len(results) + OPEN_VISITS
    return counts
