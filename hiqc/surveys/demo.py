"""Survey demo data (issue 6 §8): three published questionnaires, three continuous plans (claims
paid, complaints decided, consultations closed) and about 15,000 invitations over the demo year,
drawn from the real demo cases by the plans' own rules (delay, sampling rate, contact fatigue), with
realistic response rates and scores.

Scores are generated from what the customer went through, not from where they live: a claimant's
satisfaction falls with the days from application to payment, so the branch whose document review
is slow (the claims demo's slow-review branch) ends up with lower satisfaction — visible in the
breakdowns without being written in. Complaint satisfaction rises with the outcome in the
complainant's favour, consultation satisfaction with first-contact resolution.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_opened
from hiqc.core.crypto import encrypt
from hiqc.core.indicators import indicators_compute
from hiqc.core.models import CaseEvent
from hiqc.customers.masking import mask_mobile
from hiqc.customers.models import Customer
from hiqc.organisations.models import OrgUnit, User

from .enums import Delivery, InvitationStatus, QuestionKind, ResponseMode
from .frames import Candidate, frame_candidates
from .indicators import INDICATORS
from .models import Invitation, Question, Questionnaire, SurveyPlan, SurveyResponse
from .mystery.demo import mystery_demo_load
from .questionnaires import questionnaire_create, questionnaire_publish
from .services import (
    PLAN_KIND,
    TOKEN_CONTEXT,
    plan_act,
    plan_design,
    selected,
    stratum_of,
    token_hash,
)

DAYS = 365
REASONS = [("slow", "理赔/处理速度慢"), ("docs", "材料要求繁琐"), ("unclear", "说明不清楚"),
           ("attitude", "服务态度"), ("amount", "赔付金额")]  # fmt: skip
COMMENTS = {
    "negative": ["理赔太慢了，等了一个多月", "材料要了好几次，非常麻烦", "打了好几次电话都没人回复",
                 "审核太慢，希望提高效率", "补充材料的要求没有一次说清楚", "等待时间太长，体验很差",
                 "客服态度一般，问题没有解决，我的电话是13800138000请回电"],
    "neutral": ["总体还行，速度可以再快一点", "流程有点复杂", "希望进度能及时通知"],
    "positive": ["理赔很快，服务很好", "业务员很耐心，谢谢", "线上办理很方便，到账也快",
                 "处理及时，满意", "服务专业，点赞"],
}  # fmt: skip


def _questionnaire(
    code: str, title: str, intro: str, subject: str, *, actor: Actor, at: datetime
) -> Questionnaire:
    found = Questionnaire.objects.filter(code=code).order_by("-number").first()
    if found is not None:
        return found
    q = questionnaire_create(actor, code=code, title=title, intro=intro, at=at)
    rows = [
        ("overall", QuestionKind.SCALE, f"您对本次{subject}服务的总体满意度？", True, {}, "service", True),
        ("speed", QuestionKind.SCALE, f"您对{subject}处理速度的满意度？", False, {}, "service", False),
        ("clarity", QuestionKind.SCALE, "我们的说明是否清楚易懂？", False, {}, "service", False),
        ("why", QuestionKind.MULTIPLE, "您不满意的主要原因是？（可多选）", True,
         {"question": "overall", "values": [1, 2]}, "", False),
        ("nps", QuestionKind.NPS, "您有多大可能向亲友推荐我们？（0–10 分）", False, {}, "", False),
        ("comment", QuestionKind.TEXT, "您还有什么意见或建议？", False, {}, "", False),
    ]  # fmt: skip
    Question.objects.bulk_create(
        Question(questionnaire=q, position=i + 1, code=c, kind=kind, text=text, required=req,
                 show_if=cond, scale=scale, overall=overall,
                 options=[{"value": v, "label": label} for v, label in REASONS]
                 if kind == QuestionKind.MULTIPLE else [])
        for i, (c, kind, text, req, cond, scale, overall) in enumerate(rows)
    )  # fmt: skip
    return questionnaire_publish(actor, q, at=at, source=CaseEvent.Source.SYSTEM)


def _score(rng: random.Random, latent: float, noise: float) -> int:
    """A 1–5 answer: the respondent's latent satisfaction plus item noise, rounded and clipped."""
    return max(1, min(5, round(latent + rng.gauss(0, noise))))


def _claim_days(cands: list[Candidate]) -> dict[str, float]:
    from hiqc.claims.models import Claim

    ids = [c.case_id for c in cands]
    received = {
        str(pk): at
        for i in range(0, len(ids), 5000)  # SQLite's limit on query parameters
        for pk, at in Claim.objects.filter(pk__in=ids[i : i + 5000]).values_list(
            "pk", "received_at"
        )
    }
    return {
        c.case_id: (c.event_at - received[c.case_id]).total_seconds() / 86400
        for c in cands
        if c.case_id in received and c.event_at is not None
    }


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    now = timezone.now()
    if SurveyPlan.objects.exists():  # surveys already there: mystery shopping is its own step
        return mystery_demo_load(seed=seed, now=now, actor=actor)
    rng = random.Random(seed * 7 + 6)
    today = now.astimezone(BEIJING).date()
    start_day = today - timedelta(days=DAYS)
    root = OrgUnit.objects.filter(parent=None).order_by("path").first()
    if root is None:
        return {}
    specs = [
        ("claims-csat", "理赔服务满意度调查", "理赔", "claims_paid", 33, 3, "理赔结案后满意度调查（支付后 3 天）"),
        ("complaint-csat", "投诉处理满意度调查", "投诉处理", "complaints_decided", 100, 5, "投诉处理决定后满意度回访"),
        ("consult-csat", "咨询服务满意度调查", "咨询", "consultations_closed", 22, 1, "咨询办结后满意度调查"),
    ]  # fmt: skip
    opened = datetime.combine(start_day, datetime.min.time(), BEIJING)
    fatigue: dict[Any, datetime] = {}
    invitations: list[Invitation] = []
    responses: list[SurveyResponse] = []
    counts = {"plans": 0, "invitations": 0, "responses": 0}
    with transaction.atomic():
        for code, title, subject, frame, percent, delay, name in specs:
            q = _questionnaire(
                code, title, "感谢您抽出 2 分钟评价我们的服务。您的回答仅用于改进服务。", subject,
                actor=actor, at=opened,
            )  # fmt: skip
            plan = SurveyPlan.objects.create(
                name=name, goal=f"了解客户对{subject}服务的满意度，找出需要改进的环节（4.3.1）",
                org_unit=root, frame=frame, method="online", questionnaire=q,
                start_date=start_day, frequency="continuous", sampling_percent=percent,
                delay_days=delay, fatigue_days=90, valid_days=14, reminder_days=5,
                expected_response_percent=35, stratify_by="org_unit", created_by="demo",
            )  # fmt: skip
            design = plan_design(plan)
            plan.sample_size, plan.quotas = design.completes, design.quotas
            plan.save(update_fields=["sample_size", "quotas"])
            case_opened(kind=PLAN_KIND, case=plan, actor=actor, at=opened,
                        source=CaseEvent.Source.SYSTEM)  # fmt: skip
            plan = plan_act(actor, plan.pk, "activate", at=opened, source=CaseEvent.Source.SYSTEM)
            counts["plans"] += 1
            window = (datetime.combine(start_day, datetime.min.time(), BEIJING), now)
            cands = [c for c in frame_candidates(frame, org_path=root.path, start=window[0],
                                                 end=window[1] - timedelta(days=delay))
                     if selected(plan.pk, c, percent)]  # fmt: skip
            days = _claim_days(cands) if frame == "claims_paid" else {}
            people = {
                pk: mobile
                for pk, mobile in Customer.objects.filter(
                    pk__in={c.customer_id for c in cands}
                ).values_list("pk", "mobile")
            }
            for c in sorted(cands, key=lambda c: c.event_at or now):
                sent = (c.event_at or now) + timedelta(days=delay, hours=rng.uniform(9, 11) - 10)
                last = fatigue.get(c.customer_id)
                if last is not None and sent - last < timedelta(days=90):
                    continue
                mobile = people.get(c.customer_id)
                if not mobile:
                    continue
                fatigue[c.customer_id] = sent
                token = secrets.token_urlsafe(32)
                inv = Invitation(
                    plan=plan, token_hash=token_hash(token),
                    token_encrypted=encrypt(token, context=TOKEN_CONTEXT),
                    customer_id=c.customer_id, case_type=c.case_type, case_id=c.case_id,
                    case_number=c.case_number, event_at=c.event_at, org_unit_id=c.org_unit_id,
                    org_path=c.org_path, channel=c.channel, product_code=c.product_code,
                    handler_id=c.handler_id, stratum=stratum_of(c, plan.stratify_by),
                    delivery=Delivery.SMS, destination=mask_mobile(str(mobile)), sent_at=sent,
                    expires_at=sent + timedelta(days=14),
                )  # fmt: skip
                if frame == "claims_paid":
                    d = days.get(c.case_id, 10.0)
                    mean = 4.6 - 0.07 * max(0.0, d - 5)
                elif frame == "complaints_decided":
                    mean = 3.2
                else:
                    mean = 4.2
                answers = rng.random() < (0.38 if mean > 3.8 else 0.30)
                if answers:
                    answered_at = sent + timedelta(hours=rng.uniform(0.2, 96))
                    # one latent satisfaction behind the items of the service scale
                    latent = rng.gauss(mean, 0.9)
                    overall = _score(rng, latent, 0.35)
                    extra = {"speed": _score(rng, latent - 0.2, 0.5),
                             "clarity": _score(rng, latent + 0.1, 0.5),
                             "nps": max(0, min(10, round(overall * 2 + rng.gauss(-0.5, 1.3))))}  # fmt: skip
                    answers_json: dict[str, Any] = {"overall": overall, **extra}
                    if overall <= 2:
                        answers_json["why"] = rng.sample(
                            [v for v, _l in REASONS], rng.randint(1, 2)
                        )
                    mood = "negative" if overall <= 2 else "positive" if overall >= 4 else "neutral"
                    text = rng.choice(COMMENTS[mood]) if rng.random() < 0.25 else ""
                    inv.status, inv.answered_at, inv.opened_at = (
                        InvitationStatus.ANSWERED, answered_at, answered_at - timedelta(minutes=3)
                    )  # fmt: skip
                    responses.append(SurveyResponse(
                        invitation=inv, questionnaire=q, answers=answers_json,
                        text_answers=json.dumps({"comment": text}, ensure_ascii=False) if text else "",
                        mode=ResponseMode.ONLINE, submitted_at=answered_at, satisfaction=overall,
                        recommend=answers_json["nps"], org_path=c.org_path,
                    ))  # fmt: skip
                elif inv.expires_at <= now:
                    inv.status = InvitationStatus.EXPIRED
                invitations.append(inv)
        Invitation.objects.bulk_create(invitations, batch_size=1000)
        SurveyResponse.objects.bulk_create(responses, batch_size=1000)
    counts["invitations"], counts["responses"] = len(invitations), len(responses)
    first = datetime.combine(start_day.replace(day=1), datetime.min.time(), BEIJING)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), BEIJING)
    codes = [i.code for i in INDICATORS]
    for granularity in ("day", "month"):
        counts["indicator_rows"] = counts.get("indicator_rows", 0) + indicators_compute(
            codes=codes, granularity=granularity, start=first, end=end
        )
    counts.update(mystery_demo_load(seed=seed, now=now, actor=actor))
    return counts
