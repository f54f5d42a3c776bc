"""Demo consultations (contract in hiqc/demo/domains.py; standard 4.1.1, 4.1.3(2)(3)(4)).

About 1.5 consultations per demo customer over the last 12 months — 30,000 for the default 20,000
customers — across the demo branches and channels, with weekly and daily seasonality, realistic
topics, a first-contact resolution rate of about 70–80 % (lower in Sichuan, so the indicator has
something to show) and a few hundred conversions into suggestions. Cases received in the last
three days may still be open; in 朝阳 (agent_bj) and 广州 (agent_gd) most of them are, assigned to
that agent, so "my work" has something to do — some already past the reply target.

**Through the engine, written in bulk** (ADR 0015, issue 15 §3). Every consultation is opened
and its history — answer, resolve, convert_suggestion, with the original times and the agent of
its unit (else ``demo_load``) — runs through the executor on a batch store of held cases
(``hiqc.core.heldcases``): the same checks, the domain's ``KIND.prepare`` (which sets the answer,
the resolution time, first-contact resolution) and the same clock computations as a live action,
not 30,000 × 3 transactions of ``case_transition``. As ``consultation_capture`` does, opening
starts the reply clock with the target in force for the unit, so every consultation has one
(stopped when it was answered). The held cases are then written in bulk (rows, clocks, events);
the demo run as a whole is audited once by ``demo_load``. Rows are validated by the same
``consultation_clean`` as the capture form.

Suggestions converted from them are held cases of their own kind, run the same way (opened on
conversion, then ``adopt`` / ``decline`` for those already decided).

Deterministic and idempotent: case *i* is ``ZXD`` + 6 digits, drawn from its own random stream
seeded by (seed, i); a re-run creates only the numbers that are missing.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from time import monotonic
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import External
from hiqc.core.heldcases import HeldCase, HeldCases, HeldCaseWriter
from hiqc.core.models import CaseEvent
from hiqc.core.workflow import Clock, Start
from hiqc.customers.models import Customer
from hiqc.customers.selectors import mobile_hash
from hiqc.organisations.services import actor_for_user

from .enums import ConsultationStatus as S
from .models import Consultation, Topic
from .services import (
    FIRST_CONTACT,
    IN_FIRST_CONTACT,
    KIND,
    SUGGESTION_KIND,
    consultation_clean,
    reply_clock,
)
from .workflow import REPLY

PER_CUSTOMER = 1.5
MAX_COUNT = 30_000
DAYS = 365
PREFIX = "ZXD"
ANONYMOUS_SHARE = 0.12
FCR_BY_PROVINCE = {"BJ": 0.78, "GD": 0.76, "SC": 0.68}
CONVERT_SHARE = 0.03
HANDLE_MAX = timedelta(minutes=15)  # the longest an answer takes in the demo
AGENT_UNITS = {"agent_bj": "BJ-CY", "agent_gd": "GD-GZ"}
AGENT_WORK = 16  # the first cases are recent open ones for the demo agents (8 each)

WEEKDAY_WEIGHT = (1.3, 1.15, 1.05, 1.0, 0.95, 0.5, 0.4)  # Monday first
HOUR_WEIGHT = {8: 3, 9: 8, 10: 10, 11: 9, 12: 5, 13: 6, 14: 8, 15: 9, 16: 8, 17: 6, 18: 3, 19: 2,
               20: 2, 21: 1}  # fmt: skip
CHANNEL_WEIGHT = {"phone": 55, "online_chat": 18, "wechat": 12, "website": 5, "email": 4,
                  "counter": 6}  # fmt: skip
CATEGORY_WEIGHT = {"claims": 34, "policy": 22, "product": 16, "payment": 14, "health": 9,
                   "other": 5}  # fmt: skip

QUESTIONS = {
    "product": ["这款医疗险的保障范围包括门诊吗？", "等待期是多久？既往症能不能赔？",
                "60 岁还能投保吗？需要体检吗？", "百万医疗和重疾险有什么区别？"],
    "policy": ["我想把保单受益人改成我女儿，怎么办理？", "手机号换了，怎么更新保单联系方式？",
               "保单到期了怎么续保？", "犹豫期内退保能全额退吗？"],
    "claims": ["住院理赔需要准备哪些材料？", "上周提交的理赔现在到哪一步了？",
               "为什么这次理赔只赔了一部分？", "在外地住院可以直接结算吗？"],
    "payment": ["这个月扣款失败了，保单会失效吗？", "怎么把缴费银行卡换成新卡？",
                "宽限期是多长时间？", "多扣的保费什么时候退回？"],
    "health": ["怎么预约专家门诊绿色通道？", "赠送的体检在哪里预约？",
               "在线问诊每年可以用几次？", "第二诊疗意见服务怎么申请？"],
    "other": ["App 登录不了怎么办？", "你们的个人信息是怎么保护的？",
              "附近的营业网点周末上班吗？", "能帮我查一下我名下有几张保单吗？"],
}  # fmt: skip
ANSWERS = [
    "已向客户说明相关条款和办理方式，客户表示清楚。",
    "已查询系统记录并告知客户当前进度及预计时间。",
    "已告知所需材料清单及提交渠道（App、柜面、邮寄）。",
    "已解释合同约定及计算方式，并发送条款链接短信。",
    "需核实后回复，已约定回电时间。",
]
SUGGESTIONS = [
    "希望理赔进度能通过短信主动推送。",
    "建议在微信公众号增加保单变更的线上办理入口。",
    "希望客服热线晚上 10 点后也有人工服务。",
    "建议简化住院理赔的材料要求。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
SYSTEM = CaseEvent.Source.SYSTEM
DEMO = External("demo", "")  # the events' source system (no external ids)


def _count(customers: int) -> int:
    return min(MAX_COUNT, round(customers * PER_CUSTOMER))


def _days(today: datetime) -> tuple[list[datetime], list[float]]:
    days = [today - timedelta(days=d) for d in range(DAYS, 0, -1)]
    weights = [
        WEEKDAY_WEIGHT[d.weekday()] * (1.15 if d.month in (1, 2, 3) else 1.0) for d in days
    ]  # Q1: renewals and new-year policies
    return days, list(accumulate(weights))


def demo_load(
    *, seed: int, org_units: Mapping[str, Any], users: Mapping[str, Any], actor: Actor
) -> dict[str, int]:
    started = monotonic()
    customers = list(
        Customer.objects.order_by("id_number_hash").values_list("id", "org_unit__path")
    )
    total = _count(len(customers))
    existing = set(
        Consultation.objects.filter(number__startswith=PREFIX).values_list("number", flat=True)
    )
    wanted = [i for i in range(total) if f"{PREFIX}{i:06d}" not in existing]
    if not wanted:
        return {"consultations": 0, "suggestions": 0, "open_cases": 0, "seconds": 0}

    topics: dict[str, list[Topic]] = {}
    for t in Topic.objects.select_related("category").filter(is_active=True):
        topics.setdefault(t.category.code, []).append(t)
    by_id = {str(t.pk): t for ts in topics.values() for t in ts}
    units = [u for code, u in org_units.items() if u.level >= 3]
    unit_by_path = {u.path: u for u in org_units.values()}
    province_of = {u.path: code for code, u in org_units.items() if u.level == 2}
    agent_paths = {
        org_units[code].path: users[name]
        for name, code in AGENT_UNITS.items()
        if code in org_units and name in users
    }
    now = timezone.now()
    agent_work = [n for n in AGENT_UNITS if n in users and AGENT_UNITS[n] in org_units]
    today = datetime.combine(now.astimezone(BEIJING).date(), time.min, tzinfo=BEIJING)
    days, cum = _days(today)
    hours, hour_cum = list(HOUR_WEIGHT), list(accumulate(HOUR_WEIGHT.values()))
    channels, channel_cum = list(CHANNEL_WEIGHT), list(accumulate(CHANNEL_WEIGHT.values()))
    cats = [c for c in CATEGORY_WEIGHT if c in topics]
    cat_cum = list(accumulate(CATEGORY_WEIGHT[c] for c in cats))

    store, suggestion_store = HeldCases(KIND, actor), HeldCases(SUGGESTION_KIND, actor)
    actors = {u.pk: actor_for_user(u) for u in agent_paths.values()}
    replies: dict[tuple[str, date], Clock] = {}  # the reply target in force, by unit and day
    cases: list[HeldCase] = []
    suggestions: list[HeldCase] = []
    for i in wanted:
        rng = random.Random(f"hiqc-demo-consultations:{seed}:{i}")
        day = days[bisect(cum, rng.random() * cum[-1])]
        hour = hours[bisect(hour_cum, rng.random() * hour_cum[-1])]
        received = day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if received >= now:
            received = now - timedelta(minutes=rng.randrange(30, 600))
        channel = channels[bisect(channel_cum, rng.random() * channel_cum[-1])]
        category = cats[bisect(cat_cum, rng.random() * cat_cum[-1])]
        topic = rng.choice(topics[category])
        anonymous = rng.random() < ANONYMOUS_SHARE or not customers
        if anonymous:
            unit = rng.choice(units)
            customer_id = None
        else:
            customer_id, path = customers[rng.randrange(len(customers))]
            unit = unit_by_path[path]
        work_for = agent_work[i % len(agent_work)] if i < AGENT_WORK and agent_work else None
        if work_for is not None:  # a recent open case in a demo agent's own unit
            unit = org_units[AGENT_UNITS[work_for]]
            own = [c for c in customers if c[1].startswith(unit.path)]
            customer_id = rng.choice(own)[0] if own else None
            anonymous = customer_id is None
            hour = hours[bisect(hour_cum, rng.random() * hour_cum[-1])]
            received = (
                today
                - timedelta(days=rng.randrange(3))
                + timedelta(hours=hour, minutes=rng.randrange(60))
            )
            # today's office hours not reached yet (or too late to answer by now): the day before
            while received > now - HANDLE_MAX:
                received -= timedelta(days=1)
        data = {
            "channel": channel,
            "topic_id": str(topic.pk),
            "question": rng.choice(QUESTIONS.get(category, QUESTIONS["other"])),
            "customer_id": str(customer_id or ""),
            "contact_name": f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士'))}"
            if anonymous
            else "",
            "contact_mobile": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            if anonymous and rng.random() < 0.8
            else "",
            "call_id": f"CALL-{received.astimezone(BEIJING):%Y%m%d}-{i:06d}"
            if channel == "phone"
            else "",
            "recording_ref": f"rec://ivr/{received.astimezone(BEIJING):%Y/%m/%d}/{i:06d}.wav"
            if channel == "phone"
            else "",
        }
        values, errors = consultation_clean(data, topics=by_id)
        if errors:  # the generator must produce what the form accepts
            raise ValueError(f"demo consultation {i}: {errors}")
        province = next((code for p, code in province_of.items() if unit.path.startswith(p)), "")
        agent = next((u for p, u in agent_paths.items() if unit.path.startswith(p)), None)
        handle = timedelta(minutes=rng.randint(3, 15))  # ≤ HANDLE_MAX
        who = actors.get(agent.pk, actor) if agent is not None else actor
        case = store.new(unit.path, {
            "number": f"{PREFIX}{i:06d}", "org_unit": unit, "channel": channel,
            "customer_id": customer_id, "contact_name": values.get("contact_name", ""),
            "contact_mobile": values.get("contact_mobile", ""),
            "contact_mobile_hash": mobile_hash(values.get("contact_mobile", "")),
            "topic": topic, "question": values["question"], "received_at": received,
            "call_id": values["call_id"], "recording_ref": values["recording_ref"],
            "assignee": agent,
        })  # fmt: skip
        key = (unit.path, received.astimezone(BEIJING).date())
        reply = replies.get(key) or replies.setdefault(
            key, reply_clock(unit.path, received, versions=store.versions)
        )
        store.create(case, who, received, source=SYSTEM, external=DEMO, effects=[Start(REPLY)],
                     declared={REPLY.code: reply})  # fmt: skip

        def act(action: str, at: datetime, data: dict[str, Any], held: HeldCase = case,
                by: Actor = who) -> None:  # fmt: skip
            store.execute(held, by, action, at, data, source=SYSTEM, external=DEMO)

        age = now - received
        open_chance = 0.7 if agent is not None else 0.25
        roll = rng.random()
        if work_for is not None or (age < timedelta(days=3) and rng.random() < open_chance):
            if rng.random() >= 0.5:  # else still waiting for an answer
                act("answer", received + handle, {"answer": rng.choice(ANSWERS[-1:])})
        elif roll < FCR_BY_PROVINCE.get(province, 0.75):
            answer = rng.choice(ANSWERS[:-1])
            act("answer", received + handle, {"answer": answer})
            act("resolve", received + handle, {FIRST_CONTACT: IN_FIRST_CONTACT})
        else:
            answer = rng.choice(ANSWERS)
            answered = received + timedelta(hours=rng.choice((0.2, 2, 5, 20, 30, 50)))
            answered = min(answered, now - timedelta(minutes=5))
            act("answer", answered, {"answer": answer})
            done = min(answered + timedelta(hours=rng.randint(1, 72)), now)
            if rng.random() < CONVERT_SHARE / (1 - FCR_BY_PROVINCE.get(province, 0.75)):
                decided = rng.random() < 0.6 and now - done > timedelta(days=14)
                # a case of its own, as the engine leaves it: registered on conversion, then
                # (perhaps) adopted or declined by the agent who converted it
                action = rng.choice(("adopt", "decline")) if decided else ""
                content, number = rng.choice(SUGGESTIONS), f"JYD{i:06d}"
                act("convert_suggestion", done, {"content": content, "suggestion_number": number})
                suggestion = suggestion_store.new(unit.path, {
                    "number": number, "org_unit": unit, "consultation": case,
                    "customer_id": customer_id, "content": content, "assignee": agent,
                    "created_at": done,  # registered on conversion
                })  # fmt: skip
                suggestion_store.create(suggestion, who, done, source=SYSTEM, external=DEMO,
                                        data={"consultation_id": str(case.id)})  # fmt: skip
                if action:
                    suggestion_store.execute(suggestion, who, action, done + timedelta(days=10),
                                             {"response": "已纳入服务改进评估。"}, source=SYSTEM,
                                             external=DEMO)  # fmt: skip
                suggestions.append(suggestion)
            else:
                act("resolve", done, {})
        cases.append(case)

    with transaction.atomic():
        HeldCaseWriter(KIND, source=SYSTEM, audit=False).write(cases, actor=actor)
        HeldCaseWriter(SUGGESTION_KIND, source=SYSTEM, audit=False).write(suggestions, actor=actor)
    return {  # not "*_created": the demo's own tests compare those keys exactly
        "consultations": len(cases),
        "suggestions": len(suggestions),
        "open_cases": sum(c.status in (S.RECEIVED, S.ANSWERED) for c in cases),
        "seconds": round(monotonic() - started),
    }
