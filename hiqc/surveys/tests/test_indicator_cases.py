"""The surveyed cases behind the satisfaction figures (issue 7 §2): the submitted answers with a
score, lowest first, shown as the surveyed case by its number; the invitations behind the response
rate, those not answered first. Never the customer's name or number. The four answer figures come
from one grouped query that agrees with counting each answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import TestCase

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, bucketed, indicators_compute, rolled_up
from hiqc.surveys.enums import InvitationStatus, PlanStatus
from hiqc.surveys.indicators import ANSWERS
from hiqc.surveys.models import Invitation, SurveyResponse
from hiqc.surveys.services import (
    invitation_for_token,
    invitations_issue,
    plan_create,
    plan_set_status,
    response_save,
)

from .conftest import T0

pytestmark = pytest.mark.django_db
MARCH = (datetime(2026, 3, 1, tzinfo=BEIJING), datetime(2026, 4, 1, tzinfo=BEIJING))
NOW = T0 + timedelta(days=4)
# (overall 1–5, recommend 0–10) for the claims LP-T-0000 … LP-T-0006; 0007–0009 are not answered
SCORES = [(5, 10), (4, 9), (3, 7), (2, 6), (1, 0), (5, 8), (4, None)]


def cases(code, org, unit="HO"):
    indicator = INDICATORS[code]
    assert indicator.cases is not None
    return indicator.cases(org[unit].path, *MARCH)


def figure(code, org, unit="HO"):
    indicators_compute(codes=[code], granularity="month", start=MARCH[0], end=MARCH[1])
    rows = rolled_up(code, granularity="month", org_path=org[unit].path, start=MARCH[0],
                     end=MARCH[1])  # fmt: skip
    return sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)


@pytest.fixture
def surveyed(actors, org, questionnaire, paid_claims):
    """Ten paid claims of C1 surveyed on 6 March: seven answered (SCORES), LP-T-0007 left open,
    LP-T-0008 expired, LP-T-0009 never delivered."""
    lead = actors["quality_lead"]
    plan = plan_create(lead, org_unit_id=org["HO"].pk, questionnaire_id=questionnaire.pk, data={
        "name": "理赔满意度", "goal": "评价理赔服务", "frame": "claims_paid", "method": "online",
        "start_date": date(2026, 3, 1), "sampling_percent": 100,
    })  # fmt: skip
    plan_set_status(lead, plan, PlanStatus.ACTIVE)
    with time_machine.travel(NOW, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        report = invitations_issue(now=NOW, plan=plan, send=lambda *a: None)
        invitations = {}
        for _pk, token in report.tokens:
            invitation = invitation_for_token(token)
            assert invitation is not None
            invitations[invitation.case_number] = invitation
        for i, (overall, nps) in enumerate(SCORES):
            answers: dict[str, object] = {"overall": overall, "speed": overall, "comment": ""}
            if nps is not None:
                answers["nps"] = nps
            if overall <= 2:
                answers["why"] = ["slow"]
            response_save(invitations[f"LP-T-{i:04d}"], answers, submit=True)
    Invitation.objects.filter(case_number="LP-T-0008").update(status=InvitationStatus.EXPIRED)
    Invitation.objects.filter(case_number="LP-T-0009").update(status=InvitationStatus.FAILED)
    return plan


def test_csat_cases_list_the_surveyed_claims_lowest_score_first(org, surveyed, paid_claims):
    listed = cases("surveys.csat", org)
    satisfied, answered = figure("surveys.csat", org)
    assert len(listed) == answered == 7 and satisfied == 4
    assert [c.counted for c in listed] == ["1 分", "2 分", "3 分", "4 分", "4 分", "5 分", "5 分"]
    assert [c.bad for c in listed] == [True, True, True, False, False, False, False]
    assert sum(not c.bad for c in listed) == satisfied
    lowest = listed[0]
    assert (lowest.record_type, lowest.label) == ("claims.claim", "LP-T-0004")
    assert lowest.record_id == str(paid_claims[4].pk) and lowest.when == NOW


def test_nps_cases_list_the_answers_to_the_recommendation_question_detractors_first(org,
                                                                                    surveyed):  # fmt: skip
    listed = cases("surveys.nps", org)
    net, answered = figure("surveys.nps", org)
    assert len(listed) == answered == 6 and net == 2 - 2  # promoters 10, 9; detractors 6, 0
    assert [c.counted for c in listed] == ["0 分", "6 分", "7 分", "8 分", "9 分", "10 分"]
    assert [c.bad for c in listed] == [True, True, False, False, False, False]


def test_response_rate_cases_list_the_invitations_not_answered_first(org, surveyed):
    listed = cases("surveys.response_rate", org)
    answered, sent = figure("surveys.response_rate", org)
    assert len(listed) == sent == 9 and answered == 7  # the failed delivery is left out
    assert [c.bad for c in listed] == [True, True] + [False] * 7
    assert {(c.label, c.counted) for c in listed[:2]} == {("LP-T-0007", "已发送"),
                                                          ("LP-T-0008", "已过期")}  # fmt: skip
    assert {c.counted for c in listed[2:]} == {"已完成"}
    assert "LP-T-0009" not in {c.label for c in listed}


def test_claim_and_complaint_satisfaction_list_only_their_case_type(org, surveyed):
    Invitation.objects.filter(case_number="LP-T-0001").update(
        case_type="complaints.complaint", case_number="TS-0001"
    )
    assert [c.label for c in cases("complaints.satisfaction", org)] == ["TS-0001"]
    assert figure("complaints.satisfaction", org) == (1, 1)
    claims = cases("claims.satisfaction", org)
    assert len(claims) == figure("claims.satisfaction", org)[1] == 6
    assert {c.record_type for c in claims} == {"claims.claim"}


def test_the_cases_keep_to_the_subtree(org, surveyed):
    for model in (Invitation, SurveyResponse):
        model.objects.filter(org_path=org["C1"].path).update(org_path=org["O1"].path)
    assert len(cases("surveys.csat", org, unit="O1")) == 7
    assert cases("surveys.csat", org, unit="C2") == []
    assert len(cases("surveys.response_rate", org, unit="P1")) == 9
    assert cases("surveys.response_rate", org, unit="P2") == []


def test_no_personal_data_is_listed(org, surveyed):
    shown = repr([cases(code, org) for code in ("surveys.csat", "surveys.nps",
                                                 "surveys.response_rate")])  # fmt: skip
    assert "客户" not in shown and "1380000" not in shown


def test_an_invitation_without_a_case_is_listed_as_itself(org, surveyed):
    Invitation.objects.filter(case_number="LP-T-0007").update(case_type="", case_id="")
    [open_one] = [c for c in cases("surveys.response_rate", org) if c.label == "LP-T-0007"]
    assert (open_one.record_type, open_one.name) == ("surveys.invitation", "调查邀请")
    assert open_one.bad


def test_the_four_answer_figures_come_from_one_grouped_query(org, surveyed,
                                                             django_assert_num_queries):  # fmt: skip
    Invitation.objects.filter(case_number="LP-T-0001").update(case_type="complaints.complaint")
    with django_assert_num_queries(1):
        rows = ANSWERS.compute("day", *MARCH)
    assert set(rows) == {"surveys.csat", "surveys.nps", "claims.satisfaction",
                         "complaints.satisfaction"}  # fmt: skip
    answers = [(r.submitted_at, r.org_path, r.invitation.case_type, r.satisfaction, r.recommend)
               for r in SurveyResponse.objects.select_related("invitation")]  # fmt: skip
    csat = {code: [(at, path, float(s >= 4), 1.0) for at, path, kind, s, _r in answers
                   if at and s is not None and kind == (case_type or kind)]
            for code, case_type in (("surveys.csat", ""), ("claims.satisfaction", "claims.claim"),
                                    ("complaints.satisfaction", "complaints.complaint"))}  # fmt: skip
    nps = [(at, path, 1.0 if r >= 9 else -1.0 if r <= 6 else 0.0, 1.0)
           for at, path, _k, _s, r in answers if at and r is not None]  # fmt: skip
    expected = {**csat, "surveys.nps": nps}
    for code, items in expected.items():
        for granularity in ("day", "month"):
            got = INDICATORS[code].rows(granularity, *MARCH)
            assert sorted(got) == sorted(bucketed(granularity, items)), (code, granularity)
