"""Assessment demo (issue 18 §4, §9): the Beijing branch's assessment of the last full quarter,
its scheme published a week before the quarter began, computed from the demo's real service
records (complaints and their clocks, consultations, QA scores, survey answers, claim audits),
with 360° ratings — 刘婷's superiors (three: shown) and peers (two: hidden) — and 刘婷's appeal,
waiting for a decision by someone other than 王建国, who computed the results. Every date comes
from today; a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .models import AssessmentCycle, AssessmentResult, Rating
from .services import appeal_file, cycle_act, cycle_create, raters_assign, rating_submit

BRANCH = "BJ"
MANAGER = "branch_manager_bj"
APPELLANT = "complaint_handler_bj"
SCHEME = {  # role → (measure code, weight, target)
    "complaint_handler": [("complaints.on_time", 40, 95), ("complaints.handled", 20, 150),
                          ("inspection.qa_score", 20, 90), ("surveys.satisfaction", 20, 85)],
    "consultation_agent": [("consultations.fcr", 40, 80), ("consultations.handled", 20, 600),
                           ("inspection.qa_score", 20, 90), ("surveys.satisfaction", 20, 85)],
    "claims_handler": [("claimaudit.accuracy", 60, 98), ("surveys.satisfaction", 40, 85)],
}  # fmt: skip
RATINGS = (  # subject, group, raters, teamwork, ethics
    ("complaint_handler_bj", "superior", ("branch_manager_bj", "quality_lead", "cc_supervisor"),
     (88, 92, 85), (95, 90, 93)),
    ("complaint_handler_bj", "peer", ("agent_bj", "claims_handler_bj"), (70, 75), (80, 85)),
    ("agent_bj", "superior", ("branch_manager_bj", "cc_supervisor", "quality_lead"),
     (82, 86, 80), (90, 88, 92)),
    ("agent_bj", "peer", ("complaint_handler_bj", "claims_handler_bj", "facility_bj"),
     (85, 78, 90), (88, 86, 91)),
)  # fmt: skip


def last_full_quarter(today: date) -> tuple[date, date, int]:
    """(first day, last day, quarter number) of the last quarter that has ended by ``today``."""
    this_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_start - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end, (end.month - 1) // 3 + 1


def assessment_demo_load(
    *, org_units: Mapping[str, OrgUnit], users: Mapping[str, User]
) -> dict[str, int]:
    branch, manager = org_units.get(BRANCH), users.get(MANAGER)
    if branch is None or manager is None:
        return {}
    today = timezone.now().astimezone(BEIJING).date()
    start, end, quarter = last_full_quarter(today)
    title = f"{end.year} 年第{quarter}季度服务岗位考核"
    if AssessmentCycle.objects.filter(org_unit=branch, title=title).exists():
        return {}
    boss = actor_for_user(manager)
    drawn_up = datetime.combine(start - timedelta(days=14), time(10), BEIJING)
    cycle = cycle_create(actor=boss, at=drawn_up, data={
        "org_unit": branch.pk, "title": title, "kind": "quarterly",
        "period_start": start, "period_end": end, "w_ability": "20", "w_performance": "50",
        "w_teamwork": "15", "w_ethics": "15",
        "measures": {role: [{"code": c, "weight": w, "target": t} for c, w, t in rows]
                     for role, rows in SCHEME.items()},
    })  # fmt: skip
    cycle_act(actor=boss, cycle_id=cycle.pk, action="publish", at=drawn_up + timedelta(days=7))
    ratings = 0
    for subject, group, raters, teamwork, ethics in RATINGS:
        who = users.get(subject)
        present = [(users[r], t, e) for r, t, e in zip(raters, teamwork, ethics, strict=True)
                   if r in users]  # fmt: skip
        if who is None or not present:
            continue
        raters_assign(actor=boss, cycle_id=cycle.pk, rows=[
            {"subject": str(who.pk), "rater": str(u.pk), "group": group} for u, _t, _e in present
        ])  # fmt: skip
        for rater, t, e in present:
            rating = Rating.objects.get(cycle=cycle, subject=who, rater=rater)
            rating_submit(actor=actor_for_user(rater), rating_id=rating.pk,
                          data={"teamwork": t, "ethics": e})  # fmt: skip
            ratings += 1
    cycle_act(actor=boss, cycle_id=cycle.pk, action="compute")
    appeals = 0
    appellant = users.get(APPELLANT)
    result = AssessmentResult.objects.filter(cycle=cycle, user=appellant).first()
    if appellant is not None and result is not None:
        appeal_file(actor=actor_for_user(appellant), result_id=result.pk, data={
            "reason": "本季度有两件投诉在转办途中超时，超时环节不在本人，请核实后调整及时率。"})  # fmt: skip
        appeals = 1
    return {"assessment_cycles": 1, "assessment_results": cycle.results.count(),
            "assessment_ratings": ratings, "assessment_appeals": appeals}  # fmt: skip
