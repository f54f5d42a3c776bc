"""Promotion with public notice (standard 7.3.2–7.3.3; issue 18 §6): the workflow as data, the
notice clock in working days across 国庆, objections inside and after the window, an upheld
objection stopping the promotion, wrong role and wrong state refused, the notice seen by the unit
only (with the objector hidden from all but the handlers) and the API's identical 404s."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent, CaseEvent, Deadline, RuleOverride
from hiqc.organisations.models import Membership
from hiqc.organisations.services import actor_for_user
from hiqc.people.promotion.models import Objection, ObjectionStatus, PromotionStatus
from hiqc.people.promotion.services import (
    access_notice,
    access_promotion,
    objection_lodge,
    promotion_act,
    promotion_create,
)
from hiqc.people.promotion.services import notice_deadline as _notice_deadline
from hiqc.people.promotion.workflow import NOTICE, PROMOTION

from .conftest import client_for


def notice_deadline(p) -> Deadline:
    clock = _notice_deadline(p)
    assert clock is not None
    return clock


pytestmark = pytest.mark.django_db
API = "/api/v1"
SCORES = {"performance": "88", "ability": "82", "conduct": "90",
          "assessment_ref": "2026 上半年考核：优秀"}  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def recommended(actors, *, when: datetime | None = None):
    """branch_manager (P1) recommends handler (C1) to 投诉处理组组长."""
    return promotion_create(actor=actors["branch_manager"], at=when, data={
        "route": "department", "candidate": "handler", "position": "投诉处理组组长",
        "grade": "P5", "current_position": "投诉处理专员", "reason": "连续四个季度考核优秀。",
    })  # fmt: skip


def published(actors, *, when: datetime | None = None):
    p = recommended(actors, when=when)
    manager = actors["branch_manager"]
    promotion_act(actor=manager, promotion_id=p.pk, action="evaluate", data=SCORES, at=when)
    return promotion_act(actor=manager, promotion_id=p.pk, action="publish", at=when,
                         data={"notice_text": "拟任投诉处理组组长，公示期间欢迎监督。"})  # fmt: skip


def test_the_workflow_is_data_with_a_working_day_window_clock():
    assert PROMOTION.initial == PromotionStatus.NOMINATED
    assert set(PROMOTION.final) == {"appointed", "stopped", "rejected"}
    assert NOTICE.window and NOTICE.unit == "working_days" and NOTICE.amount == 5
    assert PROMOTION.step("appoint", from_state="review").perm == "promotions.decide"


def test_the_notice_runs_five_working_days_across_national_day(actors):
    # published Mon 2025-09-29: working days are 09-30, then (国庆 10-01…10-08) 10-09, 10-10,
    # 10-11 (a Saturday worked, 调休) and 10-13 — the notice ends with 2025-10-13
    p = published(actors, when=at("2025-09-29 10:00"))
    clock = notice_deadline(p)
    assert clock is not None and clock.unit == "working_days" and clock.amount == 5
    assert clock.last_day == date(2025, 10, 13)
    assert clock.due_at == at("2025-10-14 00:00")
    assert p.notice_days == 5 and p.notice_until == clock.due_at
    assert p.notice_last_day == date(2025, 10, 13)


def test_the_notice_length_is_the_rule_in_force(actors):
    RuleOverride.objects.create(key="people.promotion_notice_days", value="7")
    p = published(actors, when=at("2026-06-01 09:00"))  # Monday
    assert notice_deadline(p).last_day == date(2026, 6, 10)  # 06-02…06-05, 06-08…06-10
    assert p.notice_days == 7


def test_objection_in_the_window_accepted_after_it_refused(actors):
    p = published(actors, when=at("2025-09-29 10:00"))
    inside = objection_lodge(actor=actors["agent"], promotion_id=p.pk,
                             text="其在投诉处理中曾有推诿。", at=at("2025-10-13 23:00"))  # fmt: skip
    assert inside.outcome == ObjectionStatus.PENDING
    assert Objection.objects.get().text == "其在投诉处理中曾有推诿。"
    with pytest.raises(Conflict) as refused:
        objection_lodge(actor=actors["claims"], promotion_id=p.pk, text="补充异议",
                        at=at("2025-10-14 00:00"))  # fmt: skip
    assert refused.value.code == "notice_closed"
    with pytest.raises(ValidationFailed) as empty:
        objection_lodge(actor=actors["claims"], promotion_id=p.pk, text="  ",
                        at=at("2025-10-01 09:00"))  # fmt: skip
    assert "text" in empty.value.fields
    with pytest.raises(Conflict):  # the candidate does not object to themself
        objection_lodge(actor=actors["handler"], promotion_id=p.pk, text="x",
                        at=at("2025-10-01 09:00"))  # fmt: skip


def test_the_notice_ends_by_the_sweep_then_objections_are_answered_and_appointment_follows(actors):
    p = published(actors, when=at("2025-09-29 10:00"))
    objection_lodge(
        actor=actors["agent"], promotion_id=p.pk, text="有异议", at=at("2025-10-09 10:00")
    )
    manager = actors["branch_manager"]
    with pytest.raises(Conflict) as early:  # the notice still runs
        promotion_act(
            actor=manager, promotion_id=p.pk, action="end_notice", at=at("2025-10-10 10:00")
        )
    assert early.value.code == "action_refused"
    deadlines_sweep(at("2025-10-14 00:30"))
    p.refresh_from_db()
    assert p.status == PromotionStatus.REVIEW
    assert notice_deadline(p).state == Deadline.State.CANCELLED
    with pytest.raises(Conflict) as pending:
        promotion_act(actor=manager, promotion_id=p.pk, action="appoint",
                      data={"effective_on": "2025-10-20"}, at=at("2025-10-14 09:00"))  # fmt: skip
    assert "异议" in pending.value.message
    objection = Objection.objects.get()
    with pytest.raises(ValidationFailed) as no_reasons:
        promotion_act(actor=manager, promotion_id=p.pk, action="dismiss_objection",
                      data={"objection": str(objection.pk)}, at=at("2025-10-14 09:00"))  # fmt: skip
    assert "reasons" in no_reasons.value.fields
    promotion_act(actor=manager, promotion_id=p.pk, action="dismiss_objection",
                  data={"objection": str(objection.pk), "reasons": "经核实，所称推诿不属实。"},
                  at=at("2025-10-14 09:30"))  # fmt: skip
    objection.refresh_from_db()
    assert (
        objection.outcome == ObjectionStatus.DISMISSED and objection.answered_by == "branch_manager"
    )
    done = promotion_act(actor=manager, promotion_id=p.pk, action="appoint",
                         data={"effective_on": "2025-10-20"}, at=at("2025-10-14 10:00"))  # fmt: skip
    assert done.status == PromotionStatus.APPOINTED and done.effective_on == date(2025, 10, 20)
    activities = list(CaseEvent.objects.filter(case_id=str(p.pk)).order_by("at", "id")
                      .values_list("activity", flat=True))  # fmt: skip
    assert activities == ["create", "evaluate", "publish", "end_notice", "dismiss_objection",
                          "appoint"]  # fmt: skip
    assert AuditEvent.objects.filter(action="people.promotion.objection").count() == 1
    assert AuditEvent.objects.filter(action="people.promotion.appoint").count() == 1


def test_an_upheld_objection_stops_the_promotion(actors):
    p = published(actors, when=at("2025-09-29 10:00"))
    objection_lodge(actor=actors["agent"], promotion_id=p.pk, text="曾受纪律处分未满一年。",
                    at=at("2025-09-30 10:00"))  # fmt: skip
    manager = actors["branch_manager"]
    promotion_act(actor=manager, promotion_id=p.pk, action="end_notice", at=at("2025-10-14 08:00"))
    objection = Objection.objects.get()
    stopped = promotion_act(actor=manager, promotion_id=p.pk, action="uphold_objection",
                            data={"objection": str(objection.pk), "reasons": "经核实属实。"},
                            at=at("2025-10-14 09:00"))  # fmt: skip
    assert stopped.status == PromotionStatus.STOPPED
    with pytest.raises(Conflict) as after:
        promotion_act(actor=manager, promotion_id=p.pk, action="appoint",
                      data={"effective_on": "2025-10-20"})  # fmt: skip
    assert after.value.code == "action_not_allowed"


def test_wrong_role_and_wrong_state_are_refused(actors, personas, org):
    p = recommended(actors)
    # the candidate sees their own case but may not act on it, even with the permission
    with pytest.raises(Forbidden):
        promotion_act(actor=actors["handler"], promotion_id=p.pk, action="evaluate", data=SCORES)
    # a supervisor may recommend but not evaluate
    with pytest.raises(Forbidden):
        promotion_act(actor=actors["supervisor"], promotion_id=p.pk, action="evaluate", data=SCORES)
    # the wrong state: nothing is published before the evaluation
    with pytest.raises(Conflict) as state:
        promotion_act(actor=actors["branch_manager"], promotion_id=p.pk, action="publish")
    assert state.value.code == "action_not_allowed"
    assert list(state.value.allowed_actions) == ["evaluate", "reject"]
    with pytest.raises(ValidationFailed) as bad:
        promotion_act(actor=actors["branch_manager"], promotion_id=p.pk, action="evaluate",
                      data={**SCORES, "ability": "120"})  # fmt: skip
    assert bad.value.fields == {"ability": ["评分为 0 至 100 的整数。"]}
    # a candidate acting on themself, even holding the decision permission
    Membership.objects.create(user=personas["handler"], role="branch_manager", org_unit=org["C1"])
    with pytest.raises(Conflict) as own:
        promotion_act(actor=actor_for_user(personas["handler"]), promotion_id=p.pk,
                      action="evaluate", data=SCORES)  # fmt: skip
    assert "本人" in own.value.message
    # recommending someone outside one's scope, or oneself as a department
    with pytest.raises(ValidationFailed) as out:
        promotion_create(actor=actors["branch_manager"], data={
            "route": "department", "candidate": "outsider_agent", "position": "组长",
            "reason": "x"})  # fmt: skip
    assert "candidate" in out.value.fields
    with pytest.raises(Forbidden):  # an agent does not recommend
        promotion_create(
            actor=actors["agent"],
            data={"route": "department", "candidate": "handler", "position": "组长", "reason": "x"},
        )


def test_self_nomination(actors):
    p = promotion_create(actor=actors["agent"], data={
        "route": "self", "position": "咨询组组长", "reason": "希望承担更多责任。"})  # fmt: skip
    assert p.candidate.username == "agent" and p.org_unit.code == "C1"
    assert access_promotion(actors["agent"], p.pk) == p  # their own
    with pytest.raises(ValidationFailed) as again:
        promotion_create(actor=actors["agent"], data={
            "route": "self", "position": "咨询组组长", "reason": "再次"})  # fmt: skip
    assert "position" in again.value.fields


def test_the_notice_is_for_the_unit_only(actors, personas, org):
    p = published(actors)
    # C1 and below read it (handler's unit is C1), and the handlers over it; nobody else
    assert access_notice(actors["agent"], p.pk) == p  # agent@C1
    Membership.objects.create(
        user=personas["nobody"], role="consultation_agent", org_unit=org["O1"]
    )
    personas["nobody"].org_unit = org["O1"]
    personas["nobody"].save(update_fields=["org_unit"])
    assert access_notice(actor_for_user(personas["nobody"]), p.pk) == p  # O1, below C1
    assert access_notice(actors["supervisor"], p.pk) == p  # promotions.view over P1
    for outsider in ("outsider_agent", "reviewer", "compliance"):  # P2; HO without the view
        with pytest.raises(NotFound):
            access_notice(actors[outsider], p.pk)
    with pytest.raises(NotFound):
        access_promotion(actors["outsider_agent"], p.pk)
    with pytest.raises(NotFound):
        access_promotion(actors["agent"], p.pk)  # the unit reads the notice, not the case


def test_the_api_hides_the_objector_and_answers_outsiders_as_missing(actors, personas):
    p = published(actors)
    agent = client_for(personas["agent"])
    lodged = agent.post(f"{API}/promotion-notices/{p.pk}/objections",
                        data=json.dumps({"text": "考勤记录有疑问。"}), content_type="application/json")  # fmt: skip
    assert lodged.status_code == 201, lodged.content
    assert lodged.json()["my_objections"][0]["objector"] is None
    manager = client_for(personas["branch_manager"]).get(f"{API}/promotions/{p.pk}").json()
    assert manager["objections"][0]["objector"] == "agent"
    assert manager["deadlines"][0]["clock"] == "people.promotion_notice"
    candidate = client_for(personas["handler"]).get(f"{API}/promotions/{p.pk}")
    assert candidate.status_code == 200
    assert candidate.json()["objections"][0]["objector"] is None
    assert candidate.json()["allowed_actions"] == []
    assert "agent" not in candidate.content.decode()
    outsider = client_for(personas["outsider_agent"])
    for path in (f"promotion-notices/{p.pk}", f"promotions/{p.pk}"):
        theirs = outsider.get(f"{API}/{path}")
        missing = outsider.get(f"{API}/{path.split('/')[0]}/{uuid.uuid4()}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    refused = outsider.post(f"{API}/promotion-notices/{p.pk}/objections",
                            data=json.dumps({"text": "x"}), content_type="application/json")  # fmt: skip
    assert refused.status_code == 404
    listed = outsider.get(f"{API}/promotion-notices").json()
    assert listed["count"] == 0
    assert agent.get(f"{API}/promotion-notices?current=true").json()["count"] == 1
    # wrong role through the API: the agent is not a handler (the case is not theirs to see)
    act = agent.post(f"{API}/promotions/{p.pk}/actions/appoint",
                     data=json.dumps({"version": p.version, "data": {}}),
                     content_type="application/json")  # fmt: skip
    assert act.status_code == 404
    trainer = client_for(personas["trainer"])  # sees (promotions.view over HO), may not decide
    forbidden = trainer.post(f"{API}/promotions/{p.pk}/actions/reject",
                             data=json.dumps({"version": p.version, "data": {"reasons": "x"}}),
                             content_type="application/json")  # fmt: skip
    assert forbidden.status_code == 403


def test_the_api_creates_and_acts_on_the_house_contract(personas):
    manager = client_for(personas["branch_manager"])
    made = manager.post(f"{API}/promotions", content_type="application/json", data=json.dumps({
        "route": "department", "candidate": "handler", "position": "投诉处理组组长",
        "reason": "表现突出"}))  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "nominated" and body["allowed_actions"] == ["evaluate", "reject"]
    bad = manager.post(f"{API}/promotions", content_type="application/json",
                       data=json.dumps({"route": "x", "position": "", "reason": ""}))  # fmt: skip
    assert bad.status_code == 422 and {"route", "position", "reason"} <= bad.json()["fields"].keys()
    url = f"{API}/promotions/{body['id']}/actions/evaluate"
    stale = manager.post(url, content_type="application/json",
                         data=json.dumps({"version": 9, "data": SCORES}))  # fmt: skip
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    done = manager.post(url, content_type="application/json",
                        data=json.dumps({"version": body["version"], "data": SCORES}))  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["overall"] == "86.7" or float(done.json()["overall"]) == 86.7
    listed = manager.get(f"{API}/promotions").json()
    assert listed["count"] == 1 and listed["items"][0]["candidate"] == "handler"


def test_pages_in_chinese_and_an_objection_lodged_on_the_notice_page(actors, personas):
    p = published(actors)
    agent = client_for(personas["agent"])
    notices = agent.get(reverse("people:notices"))
    assert notices.status_code == 200 and "晋升公示" in notices.content.decode()
    page = agent.get(reverse("people:notice", args=[p.pk]))
    assert "提出异议" in page.content.decode()
    empty = agent.post(reverse("people:notice_objection", args=[p.pk]), {"text": ""})
    assert empty.status_code == 422 and "此项必填" in empty.content.decode()
    sent = agent.post(reverse("people:notice_objection", args=[p.pk]), {"text": "有不同意见"})
    assert sent.status_code == 302
    handler_page = client_for(personas["branch_manager"]).get(reverse("people:promotion",
                                                                      args=[p.pk]))  # fmt: skip
    assert "有不同意见" in handler_page.content.decode()
    candidate_page = client_for(personas["handler"]).get(reverse("people:promotion", args=[p.pk]))
    assert candidate_page.status_code == 200 and "（不公开）" in candidate_page.content.decode()
    outsider = client_for(personas["outsider_agent"]).get(reverse("people:notice", args=[p.pk]))
    assert outsider.status_code == 404
    listing = client_for(personas["branch_manager"]).get(reverse("people:promotions"))
    assert listing.status_code == 200 and "投诉处理组组长" in listing.content.decode()
    new = client_for(personas["branch_manager"]).get(reverse("people:promotion_new"))
    assert new.status_code == 200


def test_a_page_action_refused_comes_back_with_the_field_named(actors, personas):
    p = recommended(actors)
    manager = client_for(personas["branch_manager"])
    answer = manager.post(reverse("people:promotion_action", args=[p.pk, "evaluate"]),
                          {"version": p.version, "performance": "200", "ability": "80",
                           "conduct": "80"})  # fmt: skip
    assert answer.status_code == 422
    assert "ev-performance-error" in answer.content.decode()


def test_the_system_ends_the_notice_only_through_the_engine(actors):
    p = published(actors, when=at("2025-09-29 10:00"))
    with time_machine.travel(at("2025-10-15 09:00"), tick=False):
        deadlines_sweep()
        deadlines_sweep()  # idempotent
    p.refresh_from_db()
    assert p.status == PromotionStatus.REVIEW
    ended = CaseEvent.objects.get(case_id=str(p.pk), activity="end_notice")
    assert ended.at == at("2025-10-14 00:00") and ended.actor_name == "people"
    assert Actor.system("x").can("promotions.decide")
    assert timedelta(0) == ended.at - notice_deadline(p).due_at


def test_an_agent_nominates_themself_from_the_notices_page(personas):
    agent = client_for(personas["agent"])
    assert 'id="self-nominate"' in agent.get(reverse("people:notices")).content.decode()
    form = agent.get(reverse("people:promotion_new"))
    assert form.status_code == 200 and "员工自荐" in form.content.decode()
    assert "部门推荐" not in form.content.decode()  # only those who may recommend see it
    sent = agent.post(reverse("people:promotion_new"), {
        "route": "self", "position": "咨询组组长", "reason": "希望承担更多责任。"})  # fmt: skip
    assert sent.status_code == 302
    mine = agent.get(sent["Location"])
    assert mine.status_code == 200 and "咨询组组长" in mine.content.decode()
    auditor = client_for(personas["auditor"])  # read-only: no nomination, no objection
    assert auditor.get(reverse("people:promotion_new")).status_code == 403


def test_the_evaluation_keeps_the_candidates_current_certificates(actors, personas, org):
    from hiqc.people.services import certificate_issue

    today = timezone.localdate()
    certificate_issue(actor=actors["trainer"], data={
        "user": str(personas["handler"].pk), "qualification": "complaint_handler",
        "issued_on": today - timedelta(days=30), "expires_on": today + timedelta(days=300)})  # fmt: skip
    p = recommended(actors)
    page = client_for(personas["branch_manager"]).get(reverse("people:promotion", args=[p.pk]))
    assert "投诉处理上岗资格" in page.content.decode()  # shown before scoring
    done = promotion_act(actor=actors["branch_manager"], promotion_id=p.pk, action="evaluate",
                         data=SCORES)  # fmt: skip
    assert [x["name"] for x in done.ability_evidence] == ["投诉处理上岗资格"]
    assert done.overall == Decimal("86.7") and done.assessment_ref == SCORES["assessment_ref"]


def test_the_evaluation_keeps_the_candidates_latest_assessment_results(actors, personas, org):
    # given the candidate's computed result in last quarter's assessment cycle (7.3.2(1):
    # performance is judged from the assessments)
    from hiqc.people.assessment.models import AssessmentCycle, AssessmentResult

    cycle = AssessmentCycle.objects.create(
        org_unit=org["P1"], title="2026 年第2季度考核", kind="quarterly", status="computed",
        period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), w_ability=20,
        w_performance=50, w_teamwork=15, w_ethics=15, created_by="branch_manager",
    )  # fmt: skip
    AssessmentResult.objects.create(cycle=cycle, user=personas["handler"], org_unit=org["C1"],
                                    role="complaint_handler", total=Decimal("91.5"), grade="A")  # fmt: skip
    p = recommended(actors)
    # when the evaluator scores without naming a result
    got = promotion_act(actor=actors["branch_manager"], promotion_id=p.pk, action="evaluate",
                        data={k: v for k, v in SCORES.items() if k != "assessment_ref"})  # fmt: skip
    # then the result is kept with the evaluation and named as its assessment reference
    (kept,) = [e for e in got.ability_evidence if e["kind"] == "assessment"]
    assert (kept["name"], kept["total"], kept["grade"], kept["final"]) == (
        "2026 年第2季度考核", "91.5", "A", False)  # fmt: skip
    assert got.assessment_ref == "2026 年第2季度考核：91.5 分，A 级"
    # and the case page shows it beside the ability evidence
    html = client_for(personas["branch_manager"]).get(
        reverse("people:promotion", args=[p.pk])).content.decode()  # fmt: skip
    assert "2026 年第2季度考核 · 91.5" in html.split('id="assessment-evidence"')[1]
