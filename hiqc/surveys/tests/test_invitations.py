"""Plans, invitations and answers (issue 6 §1–§3): sampling, fatigue, opt-out, quotas, the token
lifecycle, conditional questions and frozen versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import TestCase

from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.surveys.enums import InvitationStatus, PlanStatus, QuestionKind
from hiqc.surveys.models import Invitation, OptOut, SurveyPlan, SurveyResponse
from hiqc.surveys.questionnaires import (
    Q,
    clean_answers,
    question_add,
    questionnaire_new_version,
    visible_codes,
)
from hiqc.surveys.services import (
    LinkState,
    invitation_for_token,
    invitation_opt_out,
    invitations_issue,
    invitations_remind_and_expire,
    link_state,
    plan_create,
    plan_design,
    plan_set_status,
    response_save,
    selected,
)

from .conftest import T0

pytestmark = pytest.mark.django_db


def link(token: str) -> Invitation:
    """The invitation behind a link that must exist."""
    found = invitation_for_token(token)
    assert found is not None
    return found


def link_of(invitation: Invitation | None) -> Invitation:
    assert invitation is not None
    return invitation


def make_plan(actors, org, questionnaire, **data):
    fields = {"name": "理赔满意度（持续）", "goal": "评价理赔服务", "frame": "claims_paid",
              "method": "online", "start_date": date(2026, 3, 1), "sampling_percent": 100,
              "delay_days": 3, "fatigue_days": 90, "valid_days": 14, "reminder_days": 5, **data}  # fmt: skip
    plan = plan_create(actors["quality_lead"], org_unit_id=org["HO"].pk,
                       questionnaire_id=questionnaire.pk, data=fields)  # fmt: skip
    return plan_set_status(actors["quality_lead"], plan, PlanStatus.ACTIVE)


@pytest.fixture
def answer_day():
    """Five days after the first payment, inside the invitations' validity (stopped after)."""
    traveller = time_machine.travel(T0 + timedelta(days=5), tick=False)
    yield traveller
    traveller.stop()


def issue(plan, now):
    sent = []
    with time_machine.travel(now, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        report = invitations_issue(now=now, plan=SurveyPlan.objects.get(pk=plan.pk),
                                   send=lambda i, t, r: sent.append((i.pk, t, r)))  # fmt: skip
    return report, sent


# --- design ---------------------------------------------------------------------------------------


def test_plan_sample_size_follows_the_margin_and_the_frame(actors, org, questionnaire, paid_claims):
    plan = SurveyPlan(org_unit=org["HO"], frame="claims_paid", method="online",
                      start_date=date(2026, 4, 1), end_date=date(2026, 6, 29), margin=0.05,
                      confidence=95, expected_response_percent=50, stratify_by="org_unit")  # fmt: skip
    design = plan_design(plan, now=T0 + timedelta(days=20))
    # 10 paid claims in the latest 90 days, plan period 90 days: N = 10, so everyone
    assert design.population == 10
    assert design.completes == 10
    assert design.invitations == 10
    assert design.quotas == {org["C1"].path: 10}


def test_plan_without_goal_or_questionnaire_is_refused_field_by_field(actors, org):
    with pytest.raises(ValidationFailed) as exc:
        plan_create(actors["quality_lead"], org_unit_id=org["HO"].pk, questionnaire_id=None,
                    data={"name": "x", "frame": "claims_paid", "method": "online",
                          "start_date": date(2026, 3, 1), "margin": 0.7})  # fmt: skip
    assert {"goal", "questionnaire", "margin"} <= set(exc.value.fields)


def test_branch_manager_cannot_plan_surveys(actors, org, questionnaire):
    from hiqc.core.errors import Forbidden

    with pytest.raises(Forbidden):
        make_plan({"quality_lead": actors["branch_manager"]}, org, questionnaire)


# --- invitations ----------------------------------------------------------------------------------


def test_invitations_go_out_delay_days_after_the_payment_and_only_once(actors, org, questionnaire,
                                                                       paid_claims):  # fmt: skip
    plan = make_plan(actors, org, questionnaire)
    early, _sent = issue(plan, T0 + timedelta(days=2))
    assert early.invited == 0  # payments are not 3 days old yet
    report, sent = issue(plan, T0 + timedelta(days=3, hours=12))
    assert report.invited == 10 and len(sent) == 10
    again, _ = issue(plan, T0 + timedelta(days=4))
    assert again.invited == 0
    inv = Invitation.objects.get(case_number="LP-T-0003")
    assert (inv.org_unit_id, inv.product_code, inv.channel) == (org["C1"].pk, "MED-1", "counter")
    assert inv.destination.startswith("138") and "*" in inv.destination


def test_sampling_rate_selects_the_same_cases_on_every_run(actors, org, questionnaire, paid_claims):
    plan = make_plan(actors, org, questionnaire, sampling_percent=30)
    report, _ = issue(plan, T0 + timedelta(days=4))
    chosen = set(Invitation.objects.values_list("case_id", flat=True))
    from hiqc.surveys.frames import frame_candidates

    frame = frame_candidates("claims_paid", org_path="", start=T0 - timedelta(days=1),
                             end=T0 + timedelta(days=1))  # fmt: skip
    assert chosen == {c.case_id for c in frame if selected(plan.pk, c, 30)}
    assert report.invited == len(chosen) < 10


def test_contact_fatigue_skips_a_customer_surveyed_within_the_window(actors, org, questionnaire,
                                                                     paid_claims):  # fmt: skip
    first = make_plan(actors, org, questionnaire)
    issue(first, T0 + timedelta(days=4))
    second = make_plan(actors, org, questionnaire, name="第二个方案", fatigue_days=90)
    report, _ = issue(second, T0 + timedelta(days=5))
    assert report.invited == 0 and report.skipped["fatigue"] == 10


def test_opted_out_customer_is_never_invited_again(actors, org, questionnaire, paid_claims):
    plan = make_plan(actors, org, questionnaire)
    _report, sent = issue(plan, T0 + timedelta(days=4))
    inv = Invitation.objects.get(pk=sent[0][0])
    invitation_opt_out(inv)
    assert OptOut.objects.filter(customer_id=inv.customer_id).exists()
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.OPTED_OUT
    other = make_plan(actors, org, questionnaire, name="另一个方案", fatigue_days=0)
    report, _ = issue(other, T0 + timedelta(days=5))
    assert report.skipped["opted_out"] == 1 and report.invited == 9


def test_quota_per_stratum_caps_the_invitations(actors, org, questionnaire, paid_claims):
    plan = make_plan(actors, org, questionnaire)
    SurveyPlan.objects.filter(pk=plan.pk).update(quotas={org["C1"].path: 4})
    report, _ = issue(plan, T0 + timedelta(days=4))
    assert report.invited == 4 and report.skipped["quota_full"] == 6


def test_invitation_message_goes_through_the_notification_backend(actors, org, questionnaire,
                                                                   paid_claims):  # fmt: skip
    plan = make_plan(actors, org, questionnaire)
    now = T0 + timedelta(days=4)
    with time_machine.travel(now, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        invitations_issue(now=now, plan=plan)
    assert len(mail.outbox) == 10
    message = mail.outbox[0]
    assert message.to[0].endswith("@sms.localhost") and "/s/" in message.body


# --- the token ------------------------------------------------------------------------------------


def test_token_is_single_use_and_expires(actors, org, questionnaire, paid_claims):
    plan = make_plan(actors, org, questionnaire)
    report, _ = issue(plan, T0 + timedelta(days=4))
    inv_id, token = report.tokens[0]
    inv = invitation_for_token(token)
    assert inv is not None and inv.pk == inv_id
    assert invitation_for_token(token[:-2] + "xx") is None
    assert link_state(inv, T0 + timedelta(days=5)) == LinkState.OPEN
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        response_save(link_of(inv), {"overall": 5, "nps": 9}, submit=True)
        assert link_state(invitation_for_token(token)) == LinkState.ANSWERED
        with pytest.raises(Conflict):
            response_save(link(token), {"overall": 1}, submit=True)
    late = invitation_for_token(report.tokens[1][1])
    assert link_state(late, T0 + timedelta(days=4 + 14)) == LinkState.EXPIRED
    with time_machine.travel(T0 + timedelta(days=19), tick=False):
        assert (
            invitations_remind_and_expire(now=T0 + timedelta(days=19), send=lambda *a: None)[
                "expired"
            ]
            == 9
        )


def test_reminder_repeats_the_same_link_once(actors, org, questionnaire, paid_claims):
    plan = make_plan(actors, org, questionnaire)
    report, _ = issue(plan, T0 + timedelta(days=4))
    tokens = dict(report.tokens)
    sent = []
    now = T0 + timedelta(days=9, hours=1)
    with time_machine.travel(now, tick=False):
        counts = invitations_remind_and_expire(
            now=now, send=lambda i, t, r: sent.append((i.pk, t, r))
        )
        assert counts["reminded"] == 10
        assert all(tokens[pk] == token and reminder for pk, token, reminder in sent)
        assert invitations_remind_and_expire(now=now, send=lambda *a: None)["reminded"] == 0


# --- answers --------------------------------------------------------------------------------------


def test_partial_answers_are_kept_and_submission_checks_required_questions(
    actors, org, questionnaire, paid_claims, answer_day
):
    plan = make_plan(actors, org, questionnaire)
    report, _ = issue(plan, T0 + timedelta(days=4))
    inv = invitation_for_token(report.tokens[0][1])
    answer_day.start()
    response_save(link_of(inv), {"speed": 2}, submit=False)
    assert SurveyResponse.objects.get(invitation=inv).answers == {"speed": 2}
    with pytest.raises(ValidationFailed) as exc:
        response_save(link_of(inv), {"speed": 2, "overall": 2}, submit=True)
    assert set(exc.value.fields) == {"why"}  # shown because overall ≤ 2, and required
    saved = response_save(link_of(inv), {"speed": 2, "overall": 2, "why": ["slow"], "comment": "太慢了"},
                          submit=True)  # fmt: skip
    assert (saved.satisfaction, saved.recommend) == (2, None)
    assert saved.texts == {"comment": "太慢了"} and "comment" not in saved.answers


def test_answer_to_a_hidden_question_is_dropped():
    questions = [Q("overall", QuestionKind.SCALE, "总体", required=True),
                 Q("why", QuestionKind.SINGLE, "原因", required=True, options=("a", "b"),
                   show_if=("overall", (1, 2)))]  # fmt: skip
    assert visible_codes(questions, {"overall": 5}) == {"overall"}
    clean, errors = clean_answers(questions, {"overall": "5", "why": "a"}, final=True)
    assert clean == {"overall": 5} and errors == {}
    clean, errors = clean_answers(questions, {"overall": 9}, final=True)
    assert errors == {"overall": ["请选择 1 到 5 分。"]}


def test_published_questionnaire_is_frozen_and_answers_keep_their_version(
    actors, org, questionnaire, paid_claims, answer_day
):
    lead = actors["quality_lead"]
    with pytest.raises(Conflict):
        question_add(lead, questionnaire, code="extra", kind=QuestionKind.SCALE, text="新题")
    plan = make_plan(actors, org, questionnaire)
    report, _ = issue(plan, T0 + timedelta(days=4))
    inv = invitation_for_token(report.tokens[0][1])
    answer_day.start()
    response_save(link_of(inv), {"overall": 4}, submit=False)
    v2 = questionnaire_new_version(lead, "claims-csat")
    assert v2.number == 2 and v2.questions.count() == questionnaire.questions.count()
    question_add(lead, v2, code="extra", kind=QuestionKind.SCALE, text="新题")
    SurveyPlan.objects.filter(pk=plan.pk).update(questionnaire=v2)
    saved = response_save(link(report.tokens[0][1]), {"overall": 4}, submit=True)
    assert saved.questionnaire_id == questionnaire.pk


def test_answers_past_the_plans_retention_are_deleted(actors, org, questionnaire, paid_claims):
    plan = make_plan(actors, org, questionnaire)
    SurveyPlan.objects.filter(pk=plan.pk).update(retention_days=30)
    report, _ = issue(plan, T0 + timedelta(days=4))
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        response_save(link(report.tokens[0][1]), {"overall": 5}, submit=True)
    from hiqc.core.calendar import BEIJING
    from hiqc.core.retention import retention_daily
    from hiqc.surveys.services import answers_due

    def day(n: int):
        return (T0 + timedelta(days=n)).astimezone(BEIJING).date()

    # the invitations sent on day 4 are due once their 30 days have passed, not before
    assert answers_due(day(30)).count() == 0
    assert answers_due(day(40)).count() == 10
    # the kernel's retention job lists them a notice period ahead (7 days), then deletes them
    first = retention_daily(now=T0 + timedelta(days=33))
    assert first["report"]["listed"] >= 10 and SurveyResponse.objects.exists()
    done = retention_daily(now=T0 + timedelta(days=40))
    assert done["applied"]["surveys.answers"] == 10
    assert not SurveyResponse.objects.exists()


def test_a_decided_complaint_is_attributed_to_the_product_of_the_policy_it_names(paid_claims, org):
    # given two complaints decided at C1: one naming policy P-0001 (product MED-1), one naming none
    from hiqc.complaints.models import Complaint
    from hiqc.surveys.frames import frame_candidates

    holder = paid_claims[1].claimant
    for i, ref in enumerate(("P-0001", "")):
        Complaint.objects.create(
            status="closed", reference=f"TS-FRAME-{i}", org_unit=org["C1"], complainant=holder,
            channel="phone", source="direct", received_at=T0 - timedelta(days=5),
            decided_at=T0 + timedelta(hours=i), respondent_kind="branch", request="r", facts="f",
            dispute_type="claims", product_line="medical", nature="contract_dispute",
            policy_ref=ref,
        )  # fmt: skip
    # when the complaints frame is drawn
    got = frame_candidates("complaints_decided", org_path=org["HO"].path,
                           start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))  # fmt: skip
    # then the first carries the policy's product code, the other no product (its line is not one)
    assert sorted(c.product_code for c in got) == ["", "MED-1"]
    # and a plan for MED-1 draws only the first
    mine = frame_candidates("complaints_decided", org_path=org["HO"].path, products=["MED-1"],
                            start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))  # fmt: skip
    assert [c.case_number for c in mine] == ["TS-FRAME-0"]
