"""Promotion demo (issue 18 §9): in the Beijing branch, 刘婷 (complaint_handler_bj) recommended
by 王建国 (branch_manager_bj) as 投诉处理组组长, evaluated and in her public notice since
yesterday with an objection from 张晓燕 (agent_bj, a sub-branch below); and 陈磊
(claims_handler_bj), recommended two months ago, whose notice ran out without objection and who
was appointed a month ago. Every date is derived from today; a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .models import Promotion
from .services import notice_deadline, objection_lodge, promotion_act, promotion_create

MANAGER, IN_NOTICE, APPOINTED, OBJECTOR = (
    "branch_manager_bj", "complaint_handler_bj", "claims_handler_bj", "agent_bj",
)  # fmt: skip


def _steps(manager: Actor, candidate: User, *, position: str, grade: str, current: str,
           reason: str, scores: Mapping[str, str], start: datetime) -> Promotion:  # fmt: skip
    p = promotion_create(actor=manager, at=start, data={
        "route": "department", "candidate": candidate.username, "position": position,
        "grade": grade, "current_position": current, "reason": reason,
    })  # fmt: skip
    promotion_act(actor=manager, promotion_id=p.pk, action="evaluate", data=scores,
                  at=start + timedelta(hours=3))  # fmt: skip
    return promotion_act(actor=manager, promotion_id=p.pk, action="publish",
                         at=start + timedelta(days=1),
                         data={"notice_text": f"拟任{position}，公示期间欢迎监督。"})  # fmt: skip


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    manager_user = users.get(MANAGER)
    if manager_user is None or Promotion.objects.exists():
        return {}
    manager = actor_for_user(manager_user)
    now = timezone.now()
    made = objections = 0
    earlier = users.get(APPOINTED)
    if earlier is not None:
        start = (now - timedelta(days=60)).astimezone(BEIJING).replace(hour=9, minute=0,
                                                                       second=0, microsecond=0)  # fmt: skip
        p = _steps(manager, earlier, position="理赔审核岗", grade="P5", current="理赔专员",
                   reason="理赔差错率全年最低，熟悉医疗险条款。", start=start,
                   scores={"performance": "90", "ability": "86", "conduct": "88",
                           "assessment_ref": "上半年考核：优秀"})  # fmt: skip
        ends = notice_deadline(p).due_at  # type: ignore[union-attr]
        promotion_act(
            actor=Actor.system("people"), promotion_id=p.pk, action="end_notice", at=ends
        )  # what the sweep does when the notice runs out
        promotion_act(actor=manager, promotion_id=p.pk, action="appoint",
                      data={"effective_on": ends.astimezone(BEIJING).date().isoformat(),
                            "note": "公示期满无异议，正式任命。"},
                      at=ends + timedelta(hours=10))  # fmt: skip
        made += 1
    current = users.get(IN_NOTICE)
    if current is not None:
        start = now - timedelta(days=2)
        p = _steps(manager, current, position="投诉处理组组长", grade="P6",
                   current="投诉处理专员", reason="连续四个季度投诉办结及时率 100%，带教新人。",
                   start=start, scores={"performance": "92", "ability": "85", "conduct": "80"})  # fmt: skip
        made += 1
        objector = users.get(OBJECTOR)
        if objector is not None:
            objection_lodge(actor=actor_for_user(objector), promotion_id=p.pk,
                            text="其带教期间曾多次缺席周例会，建议核实。",
                            at=now - timedelta(hours=2))  # fmt: skip
            objections += 1
    return {"promotions": made, "promotion_objections": objections} if made else {}
