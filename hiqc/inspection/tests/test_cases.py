"""Tasks, scores and disputes as cases on the engine (issue 15 §3): the dispute window is a clock
(warnings, the run-out, "my work"), every status change is an event in the one log, a stale
version answers 409, and out of scope looks exactly like missing."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_allowed_actions
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, NotFound
from hiqc.core.models import BREACH_LEVEL, CaseEvent, Deadline, DeadlineWarning, Notification
from hiqc.core.mywork import my_work
from hiqc.inspection import selectors, services
from hiqc.inspection.models import InspectionTask
from hiqc.inspection.workflow import WINDOW

from .helpers import draw_march, lines_for, score_one

pytestmark = pytest.mark.django_db
SCORED = datetime(2026, 4, 29, 10, 0, tzinfo=BEIJING)  # a Wednesday before Labour Day
LAST_DAY = date(2026, 5, 9)  # 30 Apr, (1–5 May off), 6, 7, 8 May, Saturday 9 May (调休, worked)
WINDOW_END = datetime(2026, 5, 10, tzinfo=BEIJING)


@pytest.fixture
def task(actors, org, world):
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=BEIJING), tick=False):
        draw_march(actors["supervisor"], org["C1"], kinds=["consultation"])
    return InspectionTask.objects.filter(agent__username="agent").order_by("object_id")[0]


@pytest.fixture
def score(actors, task):
    with time_machine.travel(SCORED, tick=False):
        return score_one(actors["supervisor"], task, lose=10)


def _window(score):
    return Deadline.objects.get(case_type="inspection.score", case_id=str(score.pk))


def _events(case_type, case):
    return list(
        CaseEvent.objects.filter(case_type=case_type, case_id=str(case.pk))
        .order_by("at", "id")
        .values_list("activity", "from_state", "to_state")
    )


def _labels(actor, kind_label):
    return [str(i.case.pk) for i in my_work(actor, case_type=kind_label)]


# --- the dispute window is a clock -----------------------------------------------------------------


def test_scoring_starts_the_window_clock_on_the_chinese_working_day_calendar(score):
    window = _window(score)
    assert (window.clock, window.state, window.unit) == (WINDOW.code, "running", "working_days")
    # the Labour Day holidays do not count, the 调休 Saturday does
    assert (window.last_day, window.due_at) == (LAST_DAY, WINDOW_END)
    assert score.dispute_until == window.due_at
    assert window.source == WINDOW.source  # the rule's citation, beside the due date


def test_the_window_follows_the_rule_in_force(actors, task):
    from hiqc.core.models import RuleOverride

    RuleOverride.objects.create(key="inspection.dispute_window_days", value="3")
    with time_machine.travel(SCORED, tick=False):
        score = score_one(actors["supervisor"], task)
    assert _window(score).last_day == date(2026, 5, 7)  # 30 Apr, 6 May, 7 May


def test_the_agent_is_warned_before_the_window_runs_out(personas, score):
    with time_machine.travel(datetime(2026, 5, 9, 8, 0, tzinfo=BEIJING), tick=False):
        raised = deadlines_sweep()
    assert raised["warnings"] >= 1 and raised["breaches"] == 0
    assert _window(score).warning_level >= 1


def test_a_window_that_runs_out_unused_confirms_the_score_as_of_its_end(
    score, django_capture_on_commit_callbacks
):
    # Given the sweep runs a day late, when the window has run out
    with (
        time_machine.travel(WINDOW_END + timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        raised = deadlines_sweep()
    # Then the run-out is recorded once, and the score is confirmed as of the window's end
    assert raised["breaches"] == 1
    assert DeadlineWarning.objects.filter(level=BREACH_LEVEL).count() == 1
    score.refresh_from_db()
    window = _window(score)
    assert (score.status, window.state, window.closed_at) == ("confirmed", "cancelled", WINDOW_END)
    lapse = CaseEvent.objects.get(case_id=str(score.pk), activity="lapse")
    assert (lapse.at, lapse.from_state, lapse.to_state) == (WINDOW_END, "scored", "confirmed")
    # and, the window being the agent's right rather than anyone's obligation, nobody is told
    # that something ran out
    assert not Notification.objects.filter(kind=Notification.Kind.DEADLINE_BREACH).exists()


def test_a_lapse_that_did_not_happen_is_caught_up_by_the_next_sweep(score):
    """Given the sweep marked the window ended but its reaction did not run (a crash, a deploy),
    when the sweep runs again, then the score is confirmed as of the window's end — once."""
    from hiqc.core.deadlines import window_ended
    from hiqc.inspection.services import on_window_ended

    window_ended.disconnect(dispatch_uid="hiqc.inspection.window")
    try:
        with time_machine.travel(WINDOW_END + timedelta(hours=1), tick=False):
            deadlines_sweep()
    finally:
        window_ended.connect(on_window_ended, dispatch_uid="hiqc.inspection.window")
    score.refresh_from_db()
    assert (score.status, _window(score).state) == ("scored", "breached")

    with time_machine.travel(WINDOW_END + timedelta(days=2), tick=False):
        deadlines_sweep()
        deadlines_sweep()

    score.refresh_from_db()
    assert (score.status, _window(score).state) == ("confirmed", "cancelled")
    lapses = CaseEvent.objects.filter(case_id=str(score.pk), activity="lapse")
    assert [e.at for e in lapses] == [WINDOW_END]


def test_windows_count_in_no_on_time_rate(actors, score):
    """A dispute window is the agent's right: disputing in time is no deadline met, letting it
    run out no deadline missed — the kernel's on-time rate leaves window clocks out."""
    from hiqc.core.indicators import clocks_on_time

    with time_machine.travel(SCORED + timedelta(hours=2), tick=False):
        services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="评分有误")
    assert _window(score).state == "met"

    rows = clocks_on_time()("month", datetime(2026, 4, 1, tzinfo=BEIJING),
                            datetime(2026, 6, 1, tzinfo=BEIJING))  # fmt: skip

    assert rows == []


def test_a_dispute_stops_the_window_as_met_and_opens_a_dispute(actors, score):
    at = datetime(2026, 5, 6, 9, 0, tzinfo=BEIJING)
    with time_machine.travel(at, tick=False):
        dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="已告知")
    window = _window(score)
    assert (window.state, window.closed_at) == ("met", at)
    score.refresh_from_db()
    assert (score.status, score.assignee_id, dispute.status) == ("disputed", None, "open")
    # the dispute is an event of the score and the first event of the dispute; the reason stays
    # on the dispute, out of the log
    assert _events("inspection.score", score) == [
        ("create", "", "scored"), ("dispute", "scored", "disputed")
    ]  # fmt: skip
    assert _events("inspection.dispute", dispute) == [("create", "", "open")]
    logged = CaseEvent.objects.get(case_id=str(score.pk), activity="dispute")
    assert "reason" not in logged.data


def test_a_dispute_at_the_last_moment_of_the_window_is_still_accepted(actors, score):
    with time_machine.travel(WINDOW_END - timedelta(seconds=1), tick=False):
        services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="最后一天")
    assert _window(score).state == "met"


# --- events of the whole life ----------------------------------------------------------------------


def test_every_step_is_an_event_in_the_one_log(actors, task, score):
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
    with time_machine.travel(SCORED + timedelta(days=1), tick=False):
        services.dispute_decide(
            actor=actors["quality_lead"], dispute_id=dispute.pk, decision="uphold", note="有据"
        )
    assert _events("inspection.inspectiontask", task) == [
        ("create", "", "pending"), ("score", "pending", "scored")
    ]  # fmt: skip
    assert _events("inspection.score", score)[-1] == ("uphold", "disputed", "upheld")
    assert _events("inspection.dispute", dispute) == [
        ("create", "", "open"), ("uphold", "open", "upheld")
    ]  # fmt: skip


# --- who must act next: "my work" -----------------------------------------------------------------


def test_pending_tasks_are_the_inspectors_work_not_the_agents(actors, task):
    assert str(task.pk) in _labels(actors["supervisor"], "inspection.inspectiontask")
    assert str(task.pk) in _labels(actors["quality_lead"], "inspection.inspectiontask")
    for persona in ("agent", "handler", "branch_manager", "auditor", "trainer"):
        assert _labels(actors[persona], "inspection.inspectiontask") == [], persona


def test_an_open_window_is_the_scored_agents_work_and_nobody_elses(actors, score):
    assert _labels(actors["agent"], "inspection.score") == [str(score.pk)]
    for persona in ("handler", "supervisor", "quality_lead", "branch_manager", "auditor"):
        assert _labels(actors[persona], "inspection.score") == [], persona


def test_an_open_dispute_is_the_inspectors_work_not_the_agents(actors, score):
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
    assert _labels(actors["quality_lead"], "inspection.dispute") == [str(dispute.pk)]
    assert _labels(actors["agent"], "inspection.score") == []  # the agent's part is done
    for persona in ("agent", "handler", "branch_manager", "auditor"):
        assert _labels(actors[persona], "inspection.dispute") == [], persona


def test_closed_cases_leave_my_work(actors, task, score, django_capture_on_commit_callbacks):
    assert str(task.pk) not in _labels(actors["supervisor"], "inspection.inspectiontask")
    with (
        time_machine.travel(WINDOW_END + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        deadlines_sweep()
    assert _labels(actors["agent"], "inspection.score") == []


# --- what is offered is what succeeds --------------------------------------------------------------


def test_only_the_scored_agent_is_offered_the_dispute_and_only_while_the_window_runs(actors, score):
    kind = services.SCORE_KIND
    with time_machine.travel(SCORED + timedelta(days=1), tick=False):
        assert case_allowed_actions(kind, score, actors["agent"]) == ["dispute"]
        assert case_allowed_actions(kind, score, actors["supervisor"]) == []  # not yet over
    with time_machine.travel(WINDOW_END, tick=False):
        assert case_allowed_actions(kind, score, actors["agent"]) == []
        # closing the window is the system's (after the sweep), never offered to a person
        assert case_allowed_actions(kind, score, actors["quality_lead"]) == []
        assert case_allowed_actions(kind, score, Actor.system("test")) == ["lapse"]


def test_the_agent_is_never_offered_the_scoring_of_their_own_work(actors, org, personas, world):
    from .conftest import make_consultation

    make_consultation(org["P1"], personas["supervisor"], 99)
    draw_march(actors["quality_lead"], org["P1"], per_agent=5, kinds=["consultation"])
    own = InspectionTask.objects.get(agent__username="supervisor")
    assert case_allowed_actions(services.TASK_KIND, own, actors["supervisor"]) == []
    assert case_allowed_actions(services.TASK_KIND, own, actors["quality_lead"]) == ["score"]


def test_the_original_scorer_is_not_offered_the_decision_while_another_inspector_can(actors, score):
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
    kind = services.DISPUTE_KIND
    assert case_allowed_actions(kind, dispute, actors["supervisor"]) == []
    assert case_allowed_actions(kind, dispute, actors["quality_lead"]) == ["uphold", "amend"]
    assert "原质检员" in services.dispute_held(dispute, actors["supervisor"])


# --- 409 on a stale version ------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_409_on_every_case(actors, task, score):
    task_again = InspectionTask.objects.get(pk=task.pk)
    with pytest.raises(Conflict) as exc:
        services.task_score(
            actor=actors["quality_lead"], task_id=task.pk, lines=lines_for(task.kind),
            version=task_again.version - 1,
        )  # fmt: skip
    assert exc.value.code == "stale_version"
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        with pytest.raises(Conflict) as exc:
            services.score_dispute(
                actor=actors["agent"], score_id=score.pk, reason="x", version=score.version + 1
            )
        assert exc.value.code == "stale_version"
        dispute = services.score_dispute(
            actor=actors["agent"], score_id=score.pk, reason="理由", version=score.version
        )
    with pytest.raises(Conflict) as exc:
        services.dispute_decide(
            actor=actors["quality_lead"], dispute_id=dispute.pk, decision="uphold", note="x",
            version=dispute.version + 1,
        )  # fmt: skip
    assert exc.value.code == "stale_version" and exc.value.allowed_actions == ["uphold", "amend"]


def test_the_api_answers_409_for_a_stale_version(personas, score):
    from django.test import Client

    client = Client()
    client.force_login(personas["agent"])
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        r = client.post(
            f"/api/v1/inspection/scores/{score.pk}/dispute",
            {"reason": "理由", "version": score.version + 1},
            content_type="application/json",
        )
    assert r.status_code == 409 and r.json()["code"] == "stale_version"


# --- scope: out of scope is missing ----------------------------------------------------------------


def _not_found(door, actor, pk):
    with pytest.raises(NotFound) as exc:
        door(actor, pk)
    return (exc.value.status, exc.value.message, exc.value.code)


def test_out_of_scope_answers_exactly_like_missing_at_every_door(actors, task, score):
    with time_machine.travel(SCORED + timedelta(hours=1), tick=False):
        dispute = services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
    missing = uuid.uuid4()
    doors = [
        (selectors.access_task, task.pk, "outsider_agent"),
        (selectors.access_score_case, score.pk, "handler"),  # a colleague's score
        (selectors.access_dispute, dispute.pk, "branch_manager"),  # views, does not inspect
    ]
    for door, pk, persona in doors:
        actor = actors[persona]
        assert _not_found(door, actor, pk) == _not_found(door, actor, missing)


def test_the_scored_agent_reaches_their_own_score_case_but_not_the_task(actors, task, score):
    assert selectors.access_score_case(actors["agent"], score.pk) == score
    with pytest.raises(NotFound):
        selectors.access_task(actors["agent"], task.pk)
