"""Analysis (issue 6 §5–§7): CSAT and NPS with intervals, minimum-cell suppression, masked free
text with word frequencies, Cronbach's alpha, the indicators and the staff pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import TestCase

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import indicators_compute, rolled_up
from hiqc.core.stats import wilson
from hiqc.surveys.analysis import plan_results
from hiqc.surveys.enums import PlanStatus
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


def link(token: str) -> Invitation:
    """The invitation behind a link that must exist."""
    found = invitation_for_token(token)
    assert found is not None
    return found


def link_of(invitation: Invitation | None) -> Invitation:
    assert invitation is not None
    return invitation


SCORES = [(5, 10, "很满意，理赔很快"), (5, 9, ""), (4, 8, "还可以"), (4, 10, ""), (3, 7, ""),
          (2, 3, "理赔太慢，打电话13912345678也没人回"), (1, 0, "材料反复要求，太慢"),
          (5, 9, ""), (4, 6, ""), (2, 5, "太慢")]  # fmt: skip


@pytest.fixture
def answered(actors, org, questionnaire, paid_claims):
    lead = actors["quality_lead"]
    plan = plan_create(lead, org_unit_id=org["HO"].pk, questionnaire_id=questionnaire.pk, data={
        "name": "理赔满意度", "goal": "评价理赔服务", "frame": "claims_paid", "method": "online",
        "start_date": date(2026, 3, 1), "sampling_percent": 100,
    })  # fmt: skip
    plan_set_status(lead, plan, PlanStatus.ACTIVE)
    now = T0 + timedelta(days=4)
    with time_machine.travel(now, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        report = invitations_issue(now=now, plan=plan, send=lambda *a: None)
        for (_pk, token), (overall, nps, text) in zip(report.tokens, SCORES, strict=True):
            answers = {"overall": overall, "speed": overall, "nps": nps, "comment": text}
            if overall <= 2:
                answers["why"] = ["slow"]
            response_save(link(token), answers, submit=True)
    return plan


def test_csat_and_nps_come_with_their_intervals(answered):
    r = plan_results(answered)
    assert (r.invited, r.answered) == (10, 10)
    assert (r.csat.x, r.csat.n) == (6, 10)
    assert r.csat.interval == pytest.approx(wilson(6, 10))
    # promoters 10,9,10,9 → 4; detractors 3,0,6,5 → 4; passives 8,7 → 2
    assert (r.nps.promoters, r.nps.passives, r.nps.detractors) == (4, 2, 4)
    assert r.nps.value == pytest.approx(0.0)
    assert r.nps.interval is not None
    low, high = r.nps.interval
    assert low < 0 < high
    overall = next(q for q in r.questions if q.question.code == "overall")
    assert overall.low is not None and overall.high is not None
    assert overall.mean == pytest.approx(3.5) and overall.low < 3.5 < overall.high


def test_cells_below_the_minimum_count_hide_their_figures(answered, org):
    from hiqc.core.models import RuleOverride  # noqa: F401  (the rule is a setting)

    r = plan_results(answered)
    [unit] = r.breakdowns["org_unit"]
    assert unit.answered == 10 and not unit.suppressed
    Invitation.objects.filter(case_number__in=["LP-T-0000", "LP-T-0001"]).update(channel="phone")
    by_channel = {c.key: c for c in plan_results(answered).breakdowns["channel"]}
    assert by_channel["phone"].suppressed and not by_channel["counter"].suppressed


def test_a_claim_channel_is_named_not_shown_as_its_code(answered):
    Invitation.objects.filter(case_number__in=["LP-T-0000", "LP-T-0001"]).update(channel="agent")
    Invitation.objects.filter(case_number="LP-T-0002").update(channel="core_system")
    names = {c.key: c.name for c in plan_results(answered).breakdowns["channel"]}
    assert names["agent"] == "代理人代办" and names["core_system"] == "核心系统"
    assert names["counter"] == "柜面"


def test_free_text_is_masked_and_counted(answered):
    r = plan_results(answered)
    texts = " ".join(t.text for t in r.texts)
    assert "13912345678" not in texts and "139****5678" in texts
    words = dict(r.words)
    assert words.get("太慢", 0) >= 2 or words.get("理赔", 0) >= 2
    negative = [t for t in r.texts if t.sentiment == "negative"]
    assert len(negative) == 3


def test_cronbach_alpha_is_computed_for_the_service_scale(answered):
    alpha, items, cases = plan_results(answered).alphas["service"]
    assert (items, cases) == (2, 10)
    assert alpha == pytest.approx(1.0)  # speed answered exactly as overall


def test_satisfaction_indicators_roll_up_as_ratio_of_sums(answered, org):
    start = datetime(2026, 3, 1, tzinfo=BEIJING)
    end = datetime(2026, 4, 1, tzinfo=BEIJING)
    codes = ("surveys.csat", "claims.satisfaction", "surveys.nps", "surveys.response_rate")
    indicators_compute(codes=codes, granularity="month", start=start, end=end)
    rows = rolled_up(
        "claims.satisfaction", granularity="month", org_path="0001/", start=start, end=end
    )
    assert sum(r["numerator"] for r in rows) == 6 and sum(r["denominator"] for r in rows) == 10
    rows = rolled_up("surveys.nps", granularity="month", org_path="0001/", start=start, end=end)
    assert sum(r["numerator"] for r in rows) == 0
    rows = rolled_up("surveys.response_rate", granularity="month", org_path=org["P2"].path,
                     start=start, end=end)  # fmt: skip
    assert sum(r["denominator"] for r in rows) == 0


def test_plan_page_shows_results_without_personal_data(client, personas, answered):
    client.force_login(personas["quality_lead"])
    page = client.get(f"/surveys/plans/{answered.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "60.0%" in html and "13912345678" not in html and "客户0" not in html
    report = client.get(f"/surveys/plans/{answered.pk}/report.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"


def test_survey_pages_follow_the_permission_matrix(client, personas, answered):
    expected = {"quality_lead": 200, "branch_manager": 404, "auditor": 200, "claims": 403,
                "agent": 403}  # fmt: skip
    for persona, status in expected.items():
        client.force_login(personas[persona])
        assert client.get(f"/surveys/plans/{answered.pk}/").status_code == status, persona
    client.force_login(personas["branch_manager"])  # P1 only: the head-office plan is not theirs
    assert client.get("/surveys/").status_code == 200
    client.force_login(personas["auditor"])
    assert client.get("/surveys/plans/new/").status_code == 403


def test_plan_form_rejects_bad_input_and_keeps_it(client, personas, org, questionnaire):
    client.force_login(personas["quality_lead"])
    page = client.post("/surveys/plans/new/", {"name": "方案甲", "goal": "", "org_unit": org["HO"].pk,
                                               "frame": "claims_paid", "method": "online",
                                               "questionnaire": questionnaire.pk,
                                               "start_date": "2026-13-01", "margin": "5"})  # fmt: skip
    assert page.status_code == 400
    html = page.content.decode()
    assert "方案甲" in html and "请输入日期" in html
    page = client.post("/surveys/plans/new/", {"name": "方案甲", "goal": "了解理赔服务",
                                               "org_unit": org["HO"].pk, "frame": "claims_paid",
                                               "method": "online", "questionnaire": questionnaire.pk,
                                               "start_date": "2026-12-01", "margin": "5",
                                               "confidence": "95"})  # fmt: skip
    assert page.status_code == 302
    assert SurveyResponse.objects.count() == 0


def test_pdf_report_prints_the_results_in_chinese(client, personas, answered):
    """Given answers, when the quality lead downloads the PDF report, then it is a real PDF whose
    text carries the plan, the CSAT figure and masked comments only."""
    pdfium = pytest.importorskip("pypdfium2")  # a development dependency (requirements/dev.in)
    client.force_login(personas["quality_lead"])
    response = client.get(f"/surveys/plans/{answered.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    document = pdfium.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    assert "理赔满意度" in text and "60.0%" in text
    assert "13912345678" not in text and "139****5678" in text


def test_results_api_carries_intervals_and_hides_small_cells(client, personas, answered):
    client.force_login(personas["quality_lead"])
    plans = client.get("/api/v1/surveys/plans").json()
    assert [p["answered"] for p in plans] == [10]
    body = client.get(f"/api/v1/surveys/plans/{answered.pk}/results").json()
    assert body["csat"]["numerator"] == 6 and body["csat"]["low"] < 0.6 < body["csat"]["high"]
    assert body["nps"]["promoters"] == 4
    assert all("comment" not in q["code"] or q["mean"] is None for q in body["questions"])
    client.force_login(personas["claims"])
    assert client.get(f"/api/v1/surveys/plans/{answered.pk}/results").status_code == 403
