"""Inspection pages render and carry the same rules as the services (standard 4.1.3(2), 7.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.core.deadlines import deadlines_sweep
from hiqc.inspection.models import Dispute, InspectionTask, Score
from hiqc.inspection.selectors import sheet_for_kind
from hiqc.inspection.selectors import sheets as scoring_sheets

from .helpers import draw_march, score_one

pytestmark = pytest.mark.django_db


def login(personas, name) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


@pytest.fixture
def tasks(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], per_agent=12)
    return list(InspectionTask.objects.order_by("kind", "object_id"))


def test_the_queue_lists_pending_tasks_with_why_they_were_sampled(personas, tasks):
    body = login(personas, "supervisor").get("/inspection/queue/").content.decode()
    assert tasks[0].label in body and "随机抽样" in body


def test_the_sampling_page_draws_a_sample_and_shows_its_seed(personas, org, world):
    client = login(personas, "supervisor")
    response = client.post(
        "/inspection/sample/",
        {
            "org_unit_id": str(org["C1"].pk), "period_start": "2026-03-01",
            "period_end": "2026-03-31", "per_agent": "2", "kinds": ["call", "consultation"],
            "seed": "99",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert InspectionTask.objects.count() == 2
    assert "99" in client.get("/inspection/sample/").content.decode()


def test_a_bad_sample_request_shows_errors_by_field(personas, org, world):
    response = login(personas, "supervisor").post(
        "/inspection/sample/",
        {"org_unit_id": str(org["C1"].pk), "period_start": "2026-03-31",
         "period_end": "2026-03-01", "per_agent": "2", "kinds": ["call"]},
    )  # fmt: skip
    assert response.status_code == 422 and "结束日期不能早于开始日期" in response.content.decode()


def test_the_score_form_shows_masked_essentials_and_the_recording_reference(
    personas, org, customers, world, actors
):
    from .conftest import make_consultation

    c = make_consultation(
        org["O1"], personas["agent"], 77, customer=customers["C1"],
        contact_mobile="13912345678", recording_ref="rec://77.wav",
    )  # fmt: skip
    draw_march(actors["supervisor"], org["O1"], per_agent=1, kinds=["consultation"])
    task = InspectionTask.objects.get(object_id=str(c.pk))
    body = login(personas, "supervisor").get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert "rec://77.wav" in body and "139****5678" in body and "13912345678" not in body
    assert "赵*" in body and "赵六" not in body
    assert "问候规范" in body and "泄露客户个人信息" in body


def test_scoring_on_the_page_computes_the_total(personas, tasks):
    task = next(t for t in tasks if t.kind == "call")
    sheet = sheet_for_kind("call")
    assert sheet is not None
    data = {f"points_{i.pk}": str(i.points) for i in sheet.items.all() if not i.critical}
    first = next(i for i in sheet.items.all() if not i.critical)
    data[f"points_{first.pk}"] = "0"
    response = login(personas, "supervisor").post(f"/inspection/tasks/{task.pk}/", data)
    assert response.status_code == 302
    assert Score.objects.get(task=task).final_total == 100 - first.points


def test_a_task_scored_meanwhile_sends_the_second_inspector_to_the_score(personas, tasks):
    """Given two inspectors with the same task open, when the second submits after the first,
    then nothing is scored twice and they land on the score given (no form that would fail)."""
    task = next(t for t in tasks if t.kind == "call")
    sheet = sheet_for_kind("call")
    assert sheet is not None
    data = {f"points_{i.pk}": str(i.points) for i in sheet.items.all() if not i.critical}
    first = login(personas, "supervisor").post(f"/inspection/tasks/{task.pk}/", data)
    assert first.status_code == 302

    late = login(personas, "quality_lead").post(
        f"/inspection/tasks/{task.pk}/", {**data, "version": "1"}, follow=True
    )

    assert Score.objects.filter(task=task).count() == 1
    assert 'id="score-form"' not in late.content.decode()
    assert late.redirect_chain[-1][0] == f"/inspection/scores/{Score.objects.get(task=task).pk}/"


def test_a_missing_item_score_is_shown_next_to_the_item(personas, tasks):
    task = next(t for t in tasks if t.kind == "call")
    response = login(personas, "supervisor").post(f"/inspection/tasks/{task.pk}/", {})
    assert response.status_code == 422 and "请为此项评分" in response.content.decode()


def test_the_agent_sees_own_scores_and_disputes_on_the_page(personas, actors, tasks):
    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task, lose=5)
    client = login(personas, "agent")
    body = client.get("/inspection/my-scores/").content.decode()
    assert task.label in body and "申诉" in body
    response = client.post(f"/inspection/scores/{score.pk}/dispute/", {"reason": "已告知"})
    assert response.status_code == 302
    assert Dispute.objects.get().status == "open"
    assert "待裁决" in client.get(f"/inspection/scores/{score.pk}/").content.decode()


def test_a_late_dispute_on_the_page_explains_why(personas, actors, tasks):
    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task)
    with time_machine.travel(score.dispute_until + timedelta(hours=1)):
        response = login(personas, "agent").post(
            f"/inspection/scores/{score.pk}/dispute/", {"reason": "x"}
        )
    assert response.status_code == 422 and "已超过申诉期限" in response.content.decode()


def test_another_agent_gets_404_for_a_score_that_is_not_theirs(personas, actors, tasks):
    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task)
    for persona in ("handler", "outsider_agent"):
        assert login(personas, persona).get(f"/inspection/scores/{score.pk}/").status_code == 404


def test_the_decision_page_amends_a_score(personas, actors, tasks):
    from hiqc.inspection import services

    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task, lose=10)
    dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
    client = login(personas, "quality_lead")
    assert "理由" in client.get(f"/inspection/disputes/{dispute.pk}/").content.decode()
    data = {"decision": "amend", "note": "改正"}
    data.update(
        {f"points_{i.pk}": str(i.points) for i in score.sheet.items.all() if not i.critical}
    )
    response = client.post(f"/inspection/disputes/{dispute.pk}/", data)
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.final_total == 100 and score.status == "amended"


def test_the_sheets_page_publishes_a_new_version(personas):
    client = login(personas, "quality_lead")
    base = scoring_sheets().get(code="call-default")
    page = client.get(f"/inspection/sheets/?base={base.pk}").content.decode()
    assert "开场问候规范，核实客户身份 | 10" in page
    response = client.post(
        "/inspection/sheets/",
        {"code": "call-default", "name": "电话服务质检评分表", "kinds": ["call"],
         "items": "服务规范 | 问候 | 40\n业务准确 | 准确 | 60\n合规 | 泄露个人信息 | 致命"},
    )  # fmt: skip
    assert response.status_code == 302
    latest = scoring_sheets().get(code="call-default", active=True)
    assert latest.version == 2 and latest.items.filter(critical=True).count() == 1


def test_a_bad_sheet_is_refused_with_the_line_named(personas):
    response = login(personas, "quality_lead").post(
        "/inspection/sheets/",
        {"code": "x", "name": "x", "kinds": ["call"], "items": "a | b | 500"},
    )
    assert (
        response.status_code == 422 and "第 1 项分值须在 1 至 100 之间" in response.content.decode()
    )


def test_results_show_the_average_per_agent(personas, actors, tasks):
    task = next(t for t in tasks if t.agent.username == "agent")
    score_one(actors["supervisor"], task, lose=10)
    body = login(personas, "branch_manager").get("/inspection/results/").content.decode()
    assert "90.0" in body
    other = login(personas, "outsider_agent").get("/inspection/my-scores/").content.decode()
    assert "90.0" not in other


def test_the_dispute_form_is_offered_to_the_agent_only_while_the_window_runs(
    personas, actors, tasks
):
    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task)
    page = f"/inspection/scores/{score.pk}/"
    body = login(personas, "agent").get(page).content.decode()
    assert 'id="dispute-form"' in body and '<span class="chip" id="window-state">申诉期内' in body
    assert 'id="dispute-form"' not in login(personas, "supervisor").get(page).content.decode()
    with time_machine.travel(score.dispute_until):
        body = login(personas, "agent").get(page).content.decode()
    assert 'id="dispute-form"' not in body and "已超过申诉期限" in body
    with time_machine.travel(score.dispute_until + timedelta(minutes=1)):
        deadlines_sweep()  # the window ends: the score is confirmed, nothing "ran out"
        body = login(personas, "agent").get(page).content.decode()
    assert '<span class="chip" id="window-state">申诉期已届满' in body and "已超时" not in body


def test_a_stale_dispute_form_answers_409(personas, actors, tasks):
    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task)
    response = login(personas, "agent").post(
        f"/inspection/scores/{score.pk}/dispute/",
        {"reason": "理由", "version": str(score.version + 1)},
    )
    assert response.status_code == 409 and not Dispute.objects.exists()


def test_the_original_scorer_sees_why_they_cannot_decide_instead_of_the_form(
    personas, actors, tasks
):
    from hiqc.inspection import services

    task = next(t for t in tasks if t.agent.username == "agent")
    score = score_one(actors["supervisor"], task, lose=10)
    dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
    body = login(personas, "supervisor").get(f"/inspection/disputes/{dispute.pk}/")
    html = body.content.decode()
    assert 'id="decide-form"' not in html and 'id="decide-held"' in html
    lead = login(personas, "quality_lead").get(f"/inspection/disputes/{dispute.pk}/")
    assert 'id="decide-form"' in lead.content.decode()


def test_my_work_shows_the_agent_their_open_window_by_the_interactions_reference(
    personas, actors, tasks
):
    task = next(t for t in tasks if t.agent.username == "agent")
    score_one(actors["supervisor"], task)
    body = login(personas, "agent").get("/my-work/").content.decode()
    assert task.label in body and f"/inspection/scores/{task.score.pk}/" in body
    assert f"/inspection/scores/{task.score.pk}/" not in (
        login(personas, "supervisor").get("/my-work/").content.decode()
    )


def test_a_bad_queue_filter_is_shown_at_its_field_not_ignored(personas, tasks):
    # When the queue is filtered by an interaction type that does not exist
    body = login(personas, "supervisor").get("/inspection/queue/?kind=bogus").content.decode()
    # Then the type is refused beside its field, and only it is left out: the queue still lists
    assert '<span class="error">' in body.split('name="kind"')[1].split("</label>")[0]
    assert tasks[0].label in body


def test_a_bad_dispute_filter_is_shown_at_its_field_not_ignored(personas, org):
    body = login(personas, "supervisor").get("/inspection/disputes/?status=bogus").content.decode()
    assert '<span class="error">' in body.split('name="status"')[1].split("</label>")[0]
